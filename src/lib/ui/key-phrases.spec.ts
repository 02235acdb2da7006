import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '$lib/agents/handoff/context-package';
import { keyPhrases } from './key-phrases';

const at = '2026-11-26T10:00:00.000Z';
const caller = (text: string): TranscriptEntry => ({ role: 'caller', text, at });
const agent = (text: string): TranscriptEntry => ({
	role: 'agent',
	personaId: 'billing',
	text,
	at
});

describe('keyPhrases: the caller’s own words that matter', () => {
	it('keeps history and feeling, leaves out verification, courtesies and asking for a person', () => {
		const phrases = keyPhrases([
			caller('uh hi'),
			caller('I was charged twice for the same thing on my bill'),
			agent('To look at your account I need your account number and PIN.'),
			caller('AC-10022 pin [PIN removed]'),
			caller('yes please'),
			caller("I've called three times already about this and nobody fixed it, get me a person")
		]);
		expect(phrases).toEqual([
			'I was charged twice for the same thing on my bill',
			"I've called three times already about this and nobody fixed it"
		]);
	});

	it('works on calls it was not written for: stakes, deadlines, anger', () => {
		const phrases = keyPhrases([
			caller('My internet has been down since last Tuesday.'),
			caller('I work from home so I need it fixed by Friday'),
			caller('thanks'),
			caller('Honestly this is ridiculous, I will switch to another carrier if it happens again'),
			caller('The router is the white one.')
		]);
		expect(phrases).toContain('My internet has been down since last Tuesday.');
		expect(phrases).toContain('I work from home so I need it fixed by Friday');
		expect(phrases.some((p) => p.includes('switch to another carrier'))).toBe(true);
		expect(phrases).not.toContain('The router is the white one.');
		expect(phrases).not.toContain('thanks');
	});

	it('keeps a clause said twice once, at most four, only the caller’s lines', () => {
		const said = 'I have called five times about this bill';
		const phrases = keyPhrases([
			caller(said),
			caller(said),
			agent('I have called five times about nothing, said the agent'),
			caller('I need this fixed today'),
			caller('I will cancel my account'),
			caller('This keeps happening every month'),
			caller('Nobody ever calls me back, never')
		]);
		expect(phrases).toHaveLength(4);
		expect(phrases.filter((p) => p === said)).toHaveLength(1);
		expect(phrases.join(' ')).not.toContain('said the agent');
	});

	it('finds nothing in a call with nothing to quote', () => {
		expect(keyPhrases([caller('hi'), caller('what is my balance'), caller('ok thanks')])).toEqual(
			[]
		);
	});
});
