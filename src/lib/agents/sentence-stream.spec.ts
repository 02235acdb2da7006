import { describe, expect, it } from 'vitest';
import { SentenceStream } from './sentence-stream';

function stream(tokens: string[], minChars?: number): string[] {
	const s = new SentenceStream({ minChars });
	return [...tokens.flatMap((t) => s.push(t)), ...s.flush()];
}

describe('sentence stream', () => {
	it('emits each sentence as soon as the next one starts', () => {
		const s = new SentenceStream();
		expect(s.push('Your balance is $94.00, due on ')).toEqual([]);
		expect(s.push('2026-12-05. Anything ')).toEqual(['Your balance is $94.00, due on 2026-12-05.']);
		expect(s.push('else I can help with?')).toEqual([]);
		expect(s.flush()).toEqual(['Anything else I can help with?']);
	});

	it('keeps amounts, decimals and abbreviations inside a sentence', () => {
		const text =
			'The $49.00 charge is your annual renewal. Mr. Lopez asked about it, e.g. on the 3rd. Thanks!';
		const tokens = text.match(/.{1,4}/g)!;
		expect(stream(tokens)).toEqual([
			'The $49.00 charge is your annual renewal.',
			'Mr. Lopez asked about it, e.g. on the 3rd.',
			'Thanks!'
		]);
	});

	it('joins very short sentences to the next', () => {
		expect(stream(['Sure. ', 'I can help with that right away. ', 'One moment.'])).toEqual([
			'Sure. I can help with that right away.',
			'One moment.'
		]);
	});
});
