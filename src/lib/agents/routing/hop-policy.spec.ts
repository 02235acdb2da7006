import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import { checkHop, hopTarget } from './hop-policy';

const at = '2026-11-24T10:00:00.000Z';
const hop = (from: string, to: string, turn: number) => ({
	from,
	to,
	trigger: 'out_of_scope' as const,
	at,
	turn
});

describe('hop policy', () => {
	it('allows a first routing and a normal transfer', () => {
		expect(
			checkHop({
				flow: demoFlow,
				hops: [],
				from: 'triage',
				to: 'billing',
				trigger: 'out_of_scope',
				turn: 1
			}).allowed
		).toBe(true);
		expect(
			checkHop({
				flow: demoFlow,
				hops: [hop('triage', 'billing', 1)],
				from: 'billing',
				to: 'sales',
				trigger: 'out_of_scope',
				turn: 3
			}).allowed
		).toBe(true);
	});

	it('forbids A→B→A within the cooldown, and allows it after', () => {
		const hops = [hop('triage', 'billing', 1), hop('billing', 'sales', 3)];
		expect(
			checkHop({
				flow: demoFlow,
				hops,
				from: 'sales',
				to: 'billing',
				trigger: 'out_of_scope',
				turn: 4
			}).allowed
		).toBe(false);
		expect(
			checkHop({
				flow: demoFlow,
				hops,
				from: 'sales',
				to: 'billing',
				trigger: 'out_of_scope',
				turn: 9
			}).allowed
		).toBe(true);
	});

	it('sends the caller to a person after too many automated transfers', () => {
		const hops = [
			hop('triage', 'billing', 1),
			hop('billing', 'sales', 3),
			hop('sales', 'support', 7),
			hop('support', 'retention', 11)
		];
		const r = checkHop({
			flow: demoFlow,
			hops,
			from: 'retention',
			to: 'billing',
			trigger: 'out_of_scope',
			turn: 15
		});
		expect(r).toMatchObject({ allowed: false });
	});

	it('always allows a hop to a person', () => {
		const hops = Array.from({ length: 9 }, (_, i) => hop('billing', 'sales', i));
		expect(
			checkHop({
				flow: demoFlow,
				hops,
				from: 'sales',
				to: 'human',
				trigger: 'frustration',
				turn: 10
			}).allowed
		).toBe(true);
	});

	it('sends a forbidden hop to a person, and says why in the trigger', () => {
		const persona = (id: string) => demoFlow.personas.find((p) => p.id === id)!;
		const trigger = { kind: 'out_of_scope' as const, detail: 'Topic moved.' };
		const bounce = hopTarget({
			flow: demoFlow,
			hops: [hop('triage', 'billing', 1), hop('billing', 'support', 2)],
			from: persona('support'),
			to: persona('billing'),
			trigger,
			turn: 3
		});
		expect(bounce.to.id).toBe('human');
		expect(bounce.redirected).toBe('support→billing→support within 3 turns');
		expect(bounce.trigger.detail).toBe(
			`Topic moved. Redirected to a person: ${bounce.redirected}.`
		);
		const fine = hopTarget({
			flow: demoFlow,
			hops: [],
			from: persona('triage'),
			to: persona('billing'),
			trigger,
			turn: 1
		});
		expect(fine).toEqual({ to: persona('billing'), trigger });
	});
});
