import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import { personaById } from '../flow';
import { narration } from './handoff';
import { fixedPhrases, leadClause, speechSentences } from './phrases';

describe('fixed phrases', () => {
	const phrases = fixedPhrases(demoFlow, demoFlow.company.name);

	it('include the greeting, sentence by sentence, with the company filled in', () => {
		const triage = demoFlow.personas.find((p) => p.kind === 'triage')!;
		const greeting = phrases.filter((p) => p.personaId === triage.id);
		const first = speechSentences(triage.greeting.replaceAll('{company}', demoFlow.company.name));
		expect(first.length).toBeGreaterThan(0);
		for (const s of first) expect(greeting.map((g) => g.text)).toContain(s);
		expect(phrases.some((p) => p.text.includes('{company}'))).toBe(false);
	});

	it('include every narration an AI persona can say, in its own voice, once', () => {
		const billing = personaById(demoFlow, 'billing');
		const triage = demoFlow.personas.find((p) => p.kind === 'triage')!;
		const words = narration(billing, { kind: 'out_of_scope', detail: '' });
		expect(phrases).toContainEqual({ personaId: triage.id, text: words });
		const keys = phrases.map((p) => `${p.personaId}|${p.text}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(phrases.every((p) => personaById(demoFlow, p.personaId).kind !== 'human')).toBe(true);
	});

	it('narrate a handoff to another AI persona in a few words', () => {
		const words = narration(personaById(demoFlow, 'support'), { kind: 'out_of_scope', detail: '' });
		expect(words.split(/\s+/).length).toBeLessThanOrEqual(8);
	});
});

describe('leadClause', () => {
	it('splits a long sentence after its first clause, keeping the comma for the voice', () => {
		expect(
			leadClause(
				'Sorry, I still need the account number or phone number, and your account PIN to go on.'
			)
		).toEqual([
			'Sorry,',
			'I still need the account number or phone number, and your account PIN to go on.'
		]);
		expect(leadClause('There is an outage in zip 60614: calls and data may drop today.')).toEqual([
			'There is an outage in zip 60614:',
			'calls and data may drop today.'
		]);
	});

	it('leaves short sentences, figures and late breaks whole', () => {
		expect(leadClause('Hi, this is Ben from billing.')).toBeNull();
		expect(leadClause('Your balance is $1,250.00 and it is due on the first of May.')).toBeNull();
		expect(leadClause('I can help with your bill and your plan today, of course.')).toBeNull();
		expect(leadClause('')).toBeNull();
	});
});
