import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../handoff/context-package';
import { lastReply, saidAbout } from './said-before';

const at = '2026-11-26T10:00:00.000Z';
const caller = (text: string): TranscriptEntry => ({ role: 'caller', text, at });
const agent = (personaId: string, text: string): TranscriptEntry => ({
	role: 'agent',
	personaId,
	text,
	at
});

describe('what the call already said', () => {
	const call = [
		agent('triage', 'Thanks for calling. How can I help?'),
		caller('my internet is down'),
		agent('triage', 'Connecting you to Sam in support.'),
		agent('support', "I understand you're calling about an outage. Ticket TCK-0001 is open."),
		agent('support', 'It should be fixed by 6 tonight. Anything else?'),
		caller('sorry, what did you say?')
	];

	it('gives the reply to the turn before the last, in the voice of who has the call', () => {
		expect(lastReply(call, 'support')).toBe(
			"I understand you're calling about an outage. Ticket TCK-0001 is open. It should be fixed by 6 tonight. Anything else?"
		);
		// Nothing of its own then: everything said.
		expect(lastReply(call, 'billing')).toBe(
			"Connecting you to Sam in support. I understand you're calling about an outage. Ticket TCK-0001 is open. It should be fixed by 6 tonight. Anything else?"
		);
		expect(lastReply([caller('hello')], 'triage')).toBe('');
	});

	it('finds the sentence that said one thing, never a question or the opening proof', () => {
		expect(saidAbout(call, "what's the ticket number again")).toBe('Ticket TCK-0001 is open.');
		expect(saidAbout(call, 'when would it be fixed')).toBe('It should be fixed by 6 tonight.');
		expect(saidAbout(call, 'the outage')).toBe('');
		expect(saidAbout(call, 'anything else')).toBe('');
		expect(saidAbout(call, 'my refund')).toBe('');
	});
});
