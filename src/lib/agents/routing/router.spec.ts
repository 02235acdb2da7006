import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import { demoRouter } from '../../testing/calls';
import { Router } from './router';

describe('Router', () => {
	const router = demoRouter();

	it.each([
		['why is my bill so high this month', 'billing', 'billing.charge'],
		['my phone has no signal', 'support', undefined],
		['what plans do you have', 'sales', 'sales.plans'],
		['I want to cancel my service', 'retention', 'retention.cancel']
	])('routes "%s" to %s', (text, personaId, intent) => {
		const r = router.route(text);
		expect(r.personaId).toBe(personaId);
		if (intent) expect(r.intent?.id).toBe(intent);
		expect(r.confidence).toBeGreaterThanOrEqual(demoFlow.thresholds.route);
	});

	it('says "none of the above" for what no persona handles', () => {
		const r = router.route('what is the capital of Australia');
		expect(r.personaId).toBeNull();
	});

	it('ranks the alternatives, best first, with probabilities that add up to at most 1', () => {
		const { alternatives } = router.route('something is wrong with my account');
		const ps = alternatives.map((a) => a.p);
		expect([...ps].sort((a, b) => b - a)).toEqual(ps);
		expect(ps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1.0001);
	});

	it('names a persona’s topic from its first intent, for a clarifying question', () => {
		expect(router.topicOf('billing')).toBe('your balance and due date');
		expect(router.topicOf('nobody')).toBe('nobody');
	});

	it('a deferred router trains on its first route, and routes as a trained one does', () => {
		const deferred = Router.deferred(demoFlow);
		expect(deferred.isTrained).toBe(false);
		// Naming a topic needs no classifier.
		expect(deferred.topicOf('billing')).toBe('your balance and due date');
		expect(deferred.isTrained).toBe(false);
		for (const text of ['why is my bill so high this month', 'I want to cancel my service'])
			expect(deferred.route(text)).toEqual(router.route(text));
		expect(deferred.isTrained).toBe(true);
		expect(Router.deferred(demoFlow).trained().isTrained).toBe(true);
	});
});
