import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { personaById } from '../flow';
import { ToolGuard, VERIFY_LOCKED } from './tool-guard';
import { Tools, VERIFY_FAILED } from './tools';
import { AttemptLimiter } from './verification';

function guard(verifiedAs?: string) {
	const tools = new Tools(demoDataset);
	let verified = verifiedAs;
	const g = new ToolGuard({
		tools,
		limiter: AttemptLimiter.memory({ perAccount: 2, perDevice: 10 }),
		device: 'd',
		verified: () => verified,
		onVerified: (a) => (verified = a.id)
	});
	return { g, tools, verified: () => verified };
}
const billing = personaById(demoFlow, 'billing');
const sales = personaById(demoFlow, 'sales');
const triage = personaById(demoFlow, 'triage');

describe('ToolGuard', () => {
	it('refuses a tool that is not on the persona’s list, or does not exist', () => {
		const { g } = guard('AC-10021');
		const run = (persona = billing, tool = 'sales.changePlan') =>
			g.dispatch({
				persona,
				tool,
				args: { accountId: 'AC-10021', planId: 'basic' },
				origin: 'skill'
			});
		expect(run().refused).toBe('not_allowed');
		expect(run(triage, 'billing.balance').refused).toBe('not_allowed');
		expect(run(billing, 'admin.refund').refused).toBe('unknown_tool');
	});

	it('needs a verified caller for account tools, and only their account', () => {
		expect(
			guard().g.dispatch({
				persona: billing,
				tool: 'billing.balance',
				args: { accountId: 'AC-10021' },
				origin: 'skill'
			}).refused
		).toBe('not_verified');
		const { g, tools } = guard('AC-10021');
		const other = g.dispatch({
			persona: sales,
			tool: 'sales.changePlan',
			args: { accountId: 'AC-10022', planId: 'basic' },
			origin: 'skill'
		});
		expect(other.refused).toBe('other_account');
		expect(tools.account('AC-10022')?.planId).toBe('unlimited');
		const own = g.dispatch({
			persona: sales,
			tool: 'sales.changePlan',
			args: { accountId: 'ac 10021', planId: 'basic' },
			origin: 'skill'
		});
		expect(own.ok).toBe(true);
		expect(tools.account('AC-10021')?.planId).toBe('basic');
	});

	it('lets a model read the verified account, never change it or verify', () => {
		const { g, tools } = guard('AC-10021');
		const read = g.dispatch({
			persona: billing,
			tool: 'billing.balance',
			args: { accountId: 'AC-10021' },
			origin: 'model'
		});
		expect(read).toMatchObject({ ok: true, result: 'Balance $94.00, due 2026-12-05.' });
		const change = g.dispatch({
			persona: sales,
			tool: 'sales.changePlan',
			args: { accountId: 'AC-10021', planId: 'basic' },
			origin: 'model'
		});
		expect(change.refused).toBe('model_cannot_act');
		expect(tools.account('AC-10021')?.planId).toBe('standard');
		const verify = guard().g.dispatch({
			persona: billing,
			tool: 'identity.verify',
			args: { accountId: 'AC-10022', pin: '7310' },
			origin: 'model'
		});
		expect(verify.refused).toBe('model_cannot_act');
	});

	it('runs exactly the arguments it checked, and refuses wrong types', () => {
		const { g } = guard('AC-10021');
		expect(
			g.dispatch({
				persona: billing,
				tool: 'billing.balance',
				args: { accountId: 42 },
				origin: 'skill'
			}).refused
		).toBe('bad_args');
		expect(
			g.dispatch({
				persona: billing,
				tool: 'billing.flagDispute',
				args: { accountId: 'AC-10021' },
				origin: 'skill'
			}).refused
		).toBe('bad_args');
	});

	it('verifies by PIN only, with one answer for every failure, and locks after the limit', () => {
		const { g, verified } = guard();
		const verify = (args: Record<string, unknown>) =>
			g.dispatch({ persona: billing, tool: 'identity.verify', args, origin: 'skill' });
		expect(verify({ accountId: 'AC-10022', zip: '60614' }).refused).toBe('bad_args');
		expect(verify({ accountId: 'AC-10022', pin: '0000' }).result).toBe(VERIFY_FAILED);
		expect(verify({ accountId: 'AC-77777', pin: '0000' }).result).toBe(VERIFY_FAILED);
		expect(verify({ phone: '312-555-0178', pin: '0000' }).result).toBe(VERIFY_FAILED);
		// Two failures on AC-10022 (one by id, one by its phone): locked, even with the right PIN.
		expect(verify({ accountId: 'AC-10022', pin: '7310' })).toMatchObject({
			refused: 'locked',
			result: VERIFY_LOCKED
		});
		expect(verified()).toBeUndefined();
		expect(verify({ phone: '206 555 0199', pin: '2290' }).ok).toBe(true);
		expect(verified()).toBe('AC-10023');
	});
});
