import { describe, expect, it } from 'vitest';
import { demoRouter } from '../../testing/calls';

// Router.answer: the caller's answer to triage's question, read with the turn before it.
describe('Router.answer', () => {
	const router = demoRouter();

	it('reads both turns together, so a short answer the out-of-scope gate rejects is routed', () => {
		expect(router.route('the bill and a late fee').personaId).toBeNull();
		const a = router.answer('the bill and a late fee', ['something is wrong']);
		expect(a.personaId).toBe('billing');
		expect(a.intent?.id).toMatch(/^billing\./);
		expect(a.confidence).toBeGreaterThan(0.7);
	});

	it('lets a clear answer outweigh the turn before it', () => {
		const a = router.answer('I want to cancel my service', ['why is my bill so high']);
		expect(a.personaId).toBe('retention');
	});

	it('only ever names a specialist, and the ones asked for', () => {
		const a = router.answer('let me talk to a real person', ['something is wrong']);
		expect(a.alternatives.map((x) => x.personaId).sort()).toEqual(
			['billing', 'retention', 'sales', 'support'].sort()
		);
		const only = router.answer('my phone has no signal', [], ['billing', 'sales']);
		expect(only.alternatives.map((x) => x.personaId).sort()).toEqual(['billing', 'sales']);
		const ps = a.alternatives.map((x) => x.p);
		expect(ps.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 2);
	});

	it('measures how much of the answer itself is about the specialists', () => {
		expect(router.answer('I need help with my bill').evidence).toBeGreaterThan(0.8);
		expect(router.answer('can you book me a table for two tonight').evidence).toBeLessThan(0.2);
	});
});
