import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import type { RouteDecision } from './router';
import { requestAfterAnswer, secondRequest } from './second-request';

// A router that routes by one word, so the test is about which part goes where, not the model.
const decide = (personaId: string | null, confidence = 0.9): RouteDecision => ({
	personaId,
	intent: null,
	confidence,
	alternatives: [],
	source: 'classifier'
});
const router = {
	route: (text: string) =>
		/outage/.test(text)
			? decide('support')
			: /balance/.test(text)
				? decide('billing')
				: /person/.test(text)
					? decide('human')
					: /plan/.test(text)
						? decide('sales', 0.05)
						: decide(null, 0)
};

describe('secondRequest', () => {
	it('keeps a request for another team, with its own words', () => {
		const r = secondRequest(
			'what is my balance, and also is there an outage in 60614?',
			decide('billing'),
			router,
			demoFlow
		);
		expect(r?.route.personaId).toBe('support');
		expect(r?.text).toMatch(/outage in 60614/);
	});

	it('finds none in one request, one team twice, a person, or an unsure part', () => {
		const flow = demoFlow;
		expect(secondRequest('what is my balance', decide('billing'), router, flow)).toBeNull();
		// Each of these is two requests to the splitter; none is for another team the call can take.
		const second = (text: string) => secondRequest(text, decide('billing'), router, flow);
		expect(second('what is my balance, and also is my balance right?')).toBeNull();
		expect(second('what is my balance, and also can I talk to a person?')).toBeNull();
		expect(second('what is my balance, and also can I get a new plan?')).toBeNull();
		// The same words with the plan part sure enough: kept.
		const sure = { route: (t: string) => (/plan/.test(t) ? decide('sales') : router.route(t)) };
		expect(
			secondRequest(
				'what is my balance, and also can I get a new plan?',
				decide('billing'),
				sure,
				flow
			)?.route.personaId
		).toBe('sales');
	});

	it("keeps the first request's words too, for a call that reaches the second team first", () => {
		const r = secondRequest(
			'what is my balance, and also is there an outage in 60614?',
			decide('billing'),
			router,
			demoFlow
		);
		expect(r?.first?.route.personaId).toBe('billing');
		expect(r?.first?.text).toMatch(/balance/);
	});

	it('reads an unclear whole part by part: a sure first part, and a second near enough to the other lean', () => {
		const unclear = {
			...decide(null, 0.45),
			alternatives: [
				{ personaId: 'billing', p: 0.34 },
				{ personaId: 'support', p: 0.18 }
			]
		} as RouteDecision;
		const leaning = {
			route: (t: string) => (/outage/.test(t) ? decide('support', 0.6) : router.route(t))
		};
		const text = 'what is my balance and is there an outage near me';
		const r = secondRequest(text, unclear, leaning, demoFlow);
		expect(r?.route.personaId).toBe('support');
		expect(r?.first?.route.personaId).toBe('billing');
		// A second part that leans to neither team the whole leaned to is not a request.
		const elsewhere = { ...unclear, alternatives: [{ personaId: 'billing', p: 0.34 }] };
		expect(secondRequest(text, elsewhere as RouteDecision, leaning, demoFlow)).toBeNull();
		// Nor one far below the routing threshold.
		const faint = {
			route: (t: string) => (/outage/.test(t) ? decide('support', 0.3) : router.route(t))
		};
		expect(secondRequest(text, unclear, faint, demoFlow)).toBeNull();
	});
});

describe('requestAfterAnswer', () => {
	it('keeps a request for another team joined onto an answer, not one for the same team', () => {
		const after = (text: string, owner = 'billing') =>
			requestAfterAnswer(text, owner, router, demoFlow)?.route.personaId ?? null;
		expect(after("no, don't dispute it, but is there an outage in 60614?")).toBe('support');
		expect(after('yes, and what is my balance now?')).toBeNull();
		expect(after('yes, and what is my balance now?', 'support')).toBe('billing');
		expect(after('no, but can I talk to a person please?')).toBeNull();
		expect(after('no thanks')).toBeNull();
	});
});
