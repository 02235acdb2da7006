import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics';
import { runCall } from '../testing/calls';

describe('metrics from audit events', () => {
	it('counts handoffs, multi-transfers, package times and repeated facts', async () => {
		const calls = await Promise.all([
			runCall([
				'what is my balance',
				'AC-10021 pin 4821',
				'I want to upgrade to unlimited',
				'my phone has no signal'
			]),
			runCall(['my phone has no signal', 'zip 60614']),
			runCall(['what is my balance', 'AC-10021 pin 4821', 'my account is AC-10021']),
			runCall(['let me talk to a person'])
		]);
		const m = computeMetrics(calls.flatMap((s) => s.audit));
		expect(m.calls).toBe(4);
		// Call 1 moved billing→sales→support; triage's first routing does not count as a transfer.
		expect(m.handoffRate).toBe(0.25);
		expect(m.multiTransferRate).toBe(0.25);
		expect(m.humanRate).toBe(0.25);
		expect(m.packageMs.n).toBe(calls.reduce((n, s) => n + s.packages.length, 0));
		expect(m.packageMs.p95).toBeGreaterThan(0);
		// Call 3 gave the account id again: one repeat over 10 caller turns.
		expect(m.repeatRate).toBeCloseTo(1 / 10, 5);
		expect(m.triggers.explicit_request).toBe(1);
	});
});
