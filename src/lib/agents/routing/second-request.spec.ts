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
