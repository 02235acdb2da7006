import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { Session } from '../session';
import { demoRouter } from '../../testing/calls';
import { AttemptLimiter, MemoryAttemptStore, attemptKeys } from './verification';

function clock(start = 1_000_000) {
	let t = start;
	return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A call on a device that shares `attempts` with the device's other calls. */
async function call(turns: string[], attempts: AttemptLimiter, device = 'kiosk-1') {
	const s = new Session({
		flow: demoFlow,
		dataset: demoDataset,
		router: demoRouter(),
		human: 'unavailable',
		attempts,
		device
	});
	await s.start();
	for (const t of turns) {
		await s.hear(t);
		if (s.awaitingFallback) await s.chooseFallback('ai');
	}
	return s;
}

const said = (s: Session) =>
	s.record.transcript
		.filter((t) => t.role === 'agent')
		.map((t) => t.text)
		.join('\n');

describe('AttemptLimiter', () => {
	it('locks an account after its limit of failures, and only that account', async () => {
		const c = clock();
		const l = await AttemptLimiter.open({ policy: { perAccount: 3, perDevice: 10 }, now: c.now });
		const k = attemptKeys({ account: 'AC-10021', device: 'd' });
		l.fail(k.account, k.device);
		l.fail(k.account, k.device);
		expect(l.locked(k.account)).toBe(false);
		l.fail(k.account, k.device);
		expect(l.locked(k.account)).toBe(true);
		expect(l.locked(attemptKeys({ account: 'AC-10022', device: 'd' }).account)).toBe(false);
	});

	it('locks a device that tries many accounts, whatever the accounts', async () => {
		const l = AttemptLimiter.memory({ perAccount: 3, perDevice: 5 });
		const device = attemptKeys({ account: 'x', device: 'd' }).device;
		for (let i = 0; i < 5; i++)
			l.fail(attemptKeys({ account: `AC-1002${i}`, device: 'd' }).account, device);
		expect(l.locked(device)).toBe(true);
		expect(l.locked(attemptKeys({ account: 'x', device: 'other' }).device)).toBe(false);
	});

	it('forgets failures older than the window, and a lock once it expires', async () => {
		const c = clock();
		const l = AttemptLimiter.memory({ perAccount: 2, windowMs: 1000, lockMs: 5000 }, c.now);
		l.fail('account:a');
		c.advance(2000);
		l.fail('account:a');
		expect(l.locked('account:a')).toBe(false);
		l.fail('account:a');
		expect(l.locked('account:a')).toBe(true);
		c.advance(5001);
		expect(l.locked('account:a')).toBe(false);
	});

	it('keeps counts across calls through its store, and a person can lift a lock', async () => {
		const store = new MemoryAttemptStore();
		const first = await AttemptLimiter.open({ store });
		first.fail('account:ac10021', 'device:d');
		first.fail('account:ac10021', 'device:d');
		first.fail('account:ac10021', 'device:d');
		await first.flush();
		const reopened = await AttemptLimiter.open({ store });
		expect(reopened.locked('account:ac10021')).toBe(true);
		expect(reopened.locks().map((r) => r.key)).toEqual(['account:ac10021']);
		expect(reopened.unlock('account:ac10021')).toBe(true);
		await reopened.flush();
		expect((await AttemptLimiter.open({ store })).locked('account:ac10021')).toBe(false);
	});

	it('refuses a policy that would never lock', async () => {
		await expect(AttemptLimiter.open({ policy: { perAccount: 0 } })).rejects.toThrow(/perAccount/);
	});

	it('reports a store that could not write on flush, and keeps deciding from memory', async () => {
		const store = new MemoryAttemptStore();
		store.save = async () => {
			throw new Error('disk full');
		};
		const l = await AttemptLimiter.open({ store, policy: { perAccount: 1 } });
		l.fail('account:a');
		expect(l.locked('account:a')).toBe(true);
		await expect(l.flush()).rejects.toThrow('disk full');
	});
});

describe('verification by secrets only', () => {
	it('a zip never verifies: account id + zip asks for the PIN and changes nothing', async () => {
		const s = await call(
			['I was charged twice, account AC-10022 zip 60614', 'yes dispute it'],
			AttemptLimiter.memory()
		);
		expect(s.record.verified).toBeUndefined();
		expect(s.record.actions.filter((a) => a.tool !== 'identity.verify')).toEqual([]);
		expect(said(s)).toContain('your account PIN');
		expect(said(s)).not.toMatch(/James|\$130|CH-51/);
	});

	it('a phone and a name never verify either', async () => {
		const s = await call(
			['what is my balance', 'my name is James Carter and my phone is 312-555-0178'],
			AttemptLimiter.memory()
		);
		expect(s.record.verified).toBeUndefined();
		expect(said(s)).not.toContain('$130');
	});

	it('a zip given for an outage check is not reused as a credential later', async () => {
		const s = await call(
			['my phone has no signal', 'zip 60614', 'ok, and what is my balance?', 'account AC-10022'],
			AttemptLimiter.memory()
		);
		expect(said(s)).toContain('outage in zip 60614');
		expect(s.record.verified).toBeUndefined();
		expect(s.record.actions.map((a) => a.tool)).not.toContain('billing.balance');
	});

	it('the PIN verifies, and the action is logged without it', async () => {
		const s = await call(
			['what is my balance', 'account AC-10022 pin 7310'],
			AttemptLimiter.memory()
		);
		expect(s.record.verified).toMatchObject({ accountId: 'AC-10022', by: 'pin' });
		expect(said(s)).toContain('$130');
		expect(JSON.stringify(s.record.actions)).not.toContain('7310');
	});

	it('says the same when the account does not exist as when the PIN is wrong', async () => {
		const wrongPin = await call(
			['what is my balance', 'account AC-10022 pin 1111'],
			AttemptLimiter.memory()
		);
		const noAccount = await call(
			['what is my balance', 'account AC-99999 pin 1111'],
			AttemptLimiter.memory()
		);
		const reply = (s: Session) =>
			s.record.transcript.filter((t) => t.role === 'agent').at(-1)!.text;
		expect(reply(wrongPin)).toBe(reply(noAccount));
		expect(reply(wrongPin)).not.toContain('AC-10022');
		expect(wrongPin.record.actions.at(-1)!.result).toBe(noAccount.record.actions.at(-1)!.result);
	});

	it('never names the account a phone number belongs to', async () => {
		const s = await call(
			['what is my balance', 'my number is 312 555 0178, pin 1111'],
			AttemptLimiter.memory()
		);
		const words = said(s) + JSON.stringify(s.record.actions);
		expect(words).not.toMatch(/AC-10022|James|Carter/);
	});

	it('counts failures across calls on a device, locks the account, and a person can lift it', async () => {
		const attempts = AttemptLimiter.memory({ perAccount: 3, perDevice: 10 });
		await call(
			['what is my balance', 'account AC-10022 pin 1111', 'account AC-10022 pin 2222'],
			attempts
		);
		// A new call does not start the count again.
		const third = await call(['what is my balance', 'account AC-10022 pin 3333'], attempts);
		expect(third.record.verified).toBeUndefined();
		const locked = await call(['what is my balance', 'account AC-10022 pin 7310'], attempts);
		expect(locked.record.verified).toBeUndefined();
		expect(said(locked)).toContain('too many attempts');
		expect(locked.record.hops.at(-1)?.to).toBe('human');
		// The same lock-out for an account that does not exist: no hint that AC-10022 does.
		for (const pin of ['1', '2', '3'])
			await call(['what is my balance', `account AC-99999 pin 111${pin}`], attempts);
		const ghost = await call(['what is my balance', 'account AC-99999 pin 1111'], attempts);
		expect(said(ghost)).toContain('too many attempts');
		attempts.unlock(attemptKeys({ account: 'AC-10022', device: 'kiosk-1' }).account);
		const after = await call(['what is my balance', 'account AC-10022 pin 7310'], attempts);
		expect(after.record.verified?.accountId).toBe('AC-10022');
	});

	it('locks a device that guesses across accounts, and not another device', async () => {
		const attempts = AttemptLimiter.memory({ perAccount: 3, perDevice: 4 });
		for (const id of ['AC-10021', 'AC-10023', 'AC-10024', 'AC-10026'])
			await call(['what is my balance', `account ${id} pin 0000`], attempts, 'kiosk-1');
		const same = await call(
			['what is my balance', 'account AC-10022 pin 7310'],
			attempts,
			'kiosk-1'
		);
		expect(same.record.verified).toBeUndefined();
		const other = await call(
			['what is my balance', 'account AC-10022 pin 7310'],
			attempts,
			'kiosk-2'
		);
		expect(other.record.verified?.accountId).toBe('AC-10022');
	});
});
