import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { ENGLISH_TRIGRAMS } from './english-trigrams';
import { flowWords, unintelligible } from './intelligible';
import { TRIGRAM_BITS } from './trigrams';

const known = flowWords(demoFlow, demoDataset);
const noise = (t: string) => unintelligible(t, known);

describe('unintelligible', () => {
	it('takes runs of keys and letter soup for noise', () => {
		for (const t of ['asdf qwerty zxcv', 'qwpoe zxmn', 'zzkx qqwe', 'asdf', 'jkjkjk', 'xqzt vbnm'])
			expect(noise(t), t).toBe(true);
	});

	it('takes anything with a word in it for words: common, the flow’s own, English-shaped, a number', () => {
		for (const t of [
			'I rebooted it twice already',
			'absolutely correct',
			'alright cheers',
			'Galaxy S23',
			'unlimited plus',
			'60614',
			'AC-10022',
			'order status',
			'credit limit'
		])
			expect(noise(t), t).toBe(false);
	});

	it('leaves a name or a place said alone as a word', () => {
		for (const t of ['Brooklyn', 'Okafor', 'Nguyen', 'hmm', 'yes', ''])
			expect(noise(t), t).toBe(false);
	});

	it('knows the words of the flow it is given, not another’s', () => {
		expect(flowWords(demoFlow, demoDataset).has('hotspot')).toBe(true);
		expect(flowWords(demoFlow, demoDataset).has('orthodontist')).toBe(false);
	});

	it('carries a trigram bitset of the size it indexes', () => {
		expect(atob(ENGLISH_TRIGRAMS).length).toBe(Math.floor(TRIGRAM_BITS / 8) + 1);
	});
});
