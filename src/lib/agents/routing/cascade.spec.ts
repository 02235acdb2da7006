import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import type { Flow } from '../flow';
import type { Intake } from '../understanding/intake';
import { nextStep } from './cascade';
import type { RouteDecision } from './router';

const calm = { label: 'neutral' as const, score: 0, repeated: false };
const noRoute: RouteDecision = {
	personaId: null,
	intent: null,
	confidence: 0,
	alternatives: [],
	source: 'classifier'
};
const persona = (id: string) => demoFlow.personas.find((p) => p.id === id)!;

function step(
	text: string,
	o: Partial<{
		owner: string;
		turn: Partial<Pick<Intake, 'found' | 'cardGiven' | 'sentiment'>>;
		route: RouteDecision;
		awaiting: boolean;
		flow: Flow;
	}> = {}
) {
	return nextStep({
		flow: o.flow ?? demoFlow,
		owner: persona(o.owner ?? 'billing'),
		turn: { text, found: [], cardGiven: false, sentiment: calm, ...o.turn },
		route: o.route ?? noRoute,
		callSentiment: { label: 'neutral', score: 0 },
		awaiting: o.awaiting ?? false,
		clarifying: false
	});
}

describe('nextStep', () => {
	it('hands to a person asked for by name, before anything else', () => {
		expect(step('I want to speak to a real person')).toMatchObject({
			type: 'handoff',
			to: 'human',
			trigger: { kind: 'explicit_request' }
		});
	});

	it('hands to a team asked for by any word the flow gives it', () => {
		expect(step('transfer me to tech support')).toMatchObject({ type: 'handoff', to: 'support' });
		expect(step('customer care please')).toMatchObject({ type: 'handoff', to: 'retention' });
		// Asking the team you are already talking to is not a transfer.
		expect(step('billing please', { owner: 'billing' })).toEqual({ type: 'desk' });
	});

	it('knows a team only by its id when the flow gives it no other words', () => {
		const flow: Flow = {
			...demoFlow,
			personas: demoFlow.personas.map((p) => ({ ...p, aliases: undefined }))
		};
		expect(step('transfer me to tech support', { flow })).toEqual({ type: 'desk' });
		expect(step('transfer me to support', { flow })).toMatchObject({
			type: 'handoff',
			to: 'support'
		});
	});

	it('sends a card given over the line to a person, with what to do next', () => {
		const next = step('my card ends in 1111', {
			turn: { cardGiven: true, found: [{ type: 'card_last4', value: '1111' }] }
		});
		expect(next).toMatchObject({
			type: 'handoff',
			to: 'human',
			trigger: { kind: 'sensitive_topic' },
			options: { nextStep: expect.stringMatching(/secure line/) }
		});
	});

	it('sends a distressed caller to a person', () => {
		const next = step('please help me', {
			turn: { sentiment: { label: 'distressed', score: -0.9, repeated: false } }
		});
		expect(next).toMatchObject({ type: 'handoff', to: 'human', trigger: { kind: 'frustration' } });
	});

	it('ends on a farewell, even mid-question; thanks or a no end it only when nothing was asked', () => {
		expect(step('ok thanks, bye')).toEqual({ type: 'goodbye' });
		expect(step('ok thanks, bye', { awaiting: true })).toEqual({ type: 'goodbye' });
		expect(step("no that's all, thank you", { awaiting: true })).toEqual({ type: 'goodbye' });
		expect(step('no thanks')).toEqual({ type: 'goodbye' });
		expect(step('great, thank you so much')).toEqual({ type: 'goodbye' });
		// "No thanks" to a question answers it; the desk reads it.
		expect(step('no thanks', { awaiting: true })).toEqual({ type: 'desk' });
		expect(step('no thanks, just cancel it', { awaiting: true })).toEqual({ type: 'desk' });
	});

	it('hears a closing whatever topic the classifier reads into it', () => {
		const support: RouteDecision = {
			...noRoute,
			personaId: 'support',
			intent: { id: 'support.outage', label: 'An outage', confidence: 0.9 },
			confidence: 0.9
		};
		expect(step("no that's all, thanks", { route: support })).toEqual({ type: 'goodbye' });
		expect(step("that's everything, I'm all set", { route: support })).toEqual({
			type: 'goodbye'
		});
		// A question after the thanks is a question.
		expect(step('thanks, but when will my refund show up', { route: support })).toEqual({
			type: 'desk'
		});
		expect(step('ok bye', { turn: { found: [{ type: 'zip', value: '60614' }] } })).toEqual({
			type: 'desk'
		});
	});

	it('reads a bare yes or no to "anything else?"', () => {
		expect(step('no')).toEqual({ type: 'goodbye' });
		// Done with the company is not done with the call.
		expect(step("I'm done with you guys", { owner: 'triage' })).toEqual({ type: 'desk' });
		expect(step("that's it, I'm done", { owner: 'triage' })).toEqual({ type: 'goodbye' });
		expect(step('yes')).toEqual({ type: 'anything_else' });
		// Triage has not asked "anything else?".
		expect(step('yes', { owner: 'triage' })).toEqual({ type: 'desk' });
	});
});
