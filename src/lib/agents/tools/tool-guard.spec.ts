import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { personaById } from '../flow';
import type { Row } from '../flows/schema';
import { Scope } from '../flows/scope';
import { Tables } from '../flows/tables';
import { ToolGuard, VERIFY_LOCKED } from './tool-guard';
import { ToolRuntime } from './runtime';
import { AttemptLimiter } from './verification';

const VERIFY_FAILED = 'Those account details and PIN could not be verified.';

function guard(verifiedAs?: string) {
	const tables = new Tables(demoFlow.tables, demoDataset);
	let caller: Row | undefined = verifiedAs ? tables.get('accounts', verifiedAs) : undefined;
	const g = new ToolGuard({
		flow: demoFlow,
		runtime: new ToolRuntime(tables),
		limiter: AttemptLimiter.memory({ perAccount: 2, perDevice: 10 }),
		device: 'd',
		caller: () => caller,
		onVerified: (row) => (caller = row)
	});
	const run = (
		persona: string,
		tool: string,
		args: Record<string, unknown>,
		origin: 'skill' | 'model' = 'skill'
	) =>
		g.dispatch({
			persona: personaById(demoFlow, persona),
			tool,
			args,
			origin,
			scope: new Scope(tables, { caller, company: demoFlow.company }, new Map(), [], {
				now: new Date('2026-11-24T12:00:00Z'),
				timeZone: 'UTC'
			})
		});
	return { run, tables, verified: () => caller?.id };
}

describe('ToolGuard', () => {
	it('refuses a tool that is not on the persona’s list, or does not exist', async () => {
		const { run } = guard('AC-10021');
		expect((await run('billing', 'sales.changePlan', { planId: 'basic' })).refused).toBe(
			'not_allowed'
		);
		expect((await run('triage', 'billing.balance', {})).refused).toBe('not_allowed');
		expect((await run('billing', 'admin.refund', {})).refused).toBe('unknown_tool');
	});

	it('needs a verified caller for private rows, and only their own', async () => {
		expect((await guard().run('billing', 'billing.balance', {})).refused).toBe('not_verified');
		const { run, tables } = guard('AC-10021');
		const other = await run('sales', 'sales.changePlan', {
			accountId: 'AC-10022',
			planId: 'basic'
		});
		expect(other.refused).toBe('other_account');
		expect(tables.get('accounts', 'AC-10022')?.planId).toBe('unlimited');
		const own = await run('sales', 'sales.changePlan', { accountId: 'ac 10021', planId: 'basic' });
		expect(own.ok).toBe(true);
		expect(tables.get('accounts', 'AC-10021')?.planId).toBe('basic');
		// A private table's rows are the caller's own, whatever is asked: no other account's charges.
		const charges = await run('billing', 'billing.listCharges', {});
		expect(charges.result).toContain('$49 on November 3rd');
		expect(charges.result).not.toMatch(/\$65\b/);
	});

	it('lets a model read the verified account, never change it or verify', async () => {
		const { run, tables } = guard('AC-10021');
		const read = await run('billing', 'billing.balance', { accountId: 'AC-10021' }, 'model');
		expect(read).toMatchObject({ ok: true, result: 'Balance $94, due December 5th.' });
		const change = await run(
			'sales',
			'sales.changePlan',
			{ accountId: 'AC-10021', planId: 'basic' },
			'model'
		);
		expect(change.refused).toBe('model_cannot_act');
		expect(tables.get('accounts', 'AC-10021')?.planId).toBe('standard');
		const verify = await guard().run(
			'billing',
			'identity.verify',
			{ accountId: 'AC-10022', pin: '7310' },
			'model'
		);
		expect(verify.refused).toBe('model_cannot_act');
	});

	it('refuses arguments a tool does not take, and values of the wrong type', async () => {
		const { run } = guard('AC-10021');
		expect((await run('billing', 'billing.balance', { accountId: { id: 1 } })).refused).toBe(
			'bad_args'
		);
		expect((await run('billing', 'billing.balance', { admin: true })).refused).toBe('bad_args');
		// A dispute names a charge the caller has: anything else changes nothing.
		const missing = await run('billing', 'billing.flagDispute', { chargeId: 'CH-9999' });
		expect(missing.ok).toBe(false);
		const others = await run('billing', 'billing.flagDispute', { chargeId: 'CH-5101' });
		expect(others.ok).toBe(false);
	});

	it('verifies by PIN only, with one answer for every failure, and locks after the limit', async () => {
		const { run, verified } = guard();
		const verify = (args: Record<string, unknown>) => run('billing', 'identity.verify', args);
		expect((await verify({ accountId: 'AC-10022', zip: '60614' })).refused).toBe('bad_args');
		expect((await verify({ accountId: 'AC-10022', pin: '0000' })).result).toBe(VERIFY_FAILED);
		expect((await verify({ accountId: 'AC-77777', pin: '0000' })).result).toBe(VERIFY_FAILED);
		expect((await verify({ phone: '312-555-0178', pin: '0000' })).result).toBe(VERIFY_FAILED);
		// Two failures on AC-10022 (one by id, one by its phone): locked, even with the right PIN.
		expect(await verify({ accountId: 'AC-10022', pin: '7310' })).toMatchObject({
			refused: 'locked',
			result: VERIFY_LOCKED
		});
		expect(verified()).toBeUndefined();
		expect((await verify({ phone: '206 555 0199', pin: '2290' })).ok).toBe(true);
		expect(verified()).toBe('AC-10023');
	});
});
