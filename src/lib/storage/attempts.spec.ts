import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { attemptKeys } from '$lib/agents/tools/verification';
import { openBrowserAttempts } from './attempts';

describe('verification attempts in IndexedDB', () => {
	it('keeps failures and locks across page loads, and a lifted lock stays lifted', async () => {
		const first = await openBrowserAttempts('attempts-test-1');
		const keys = attemptKeys({ account: 'AC-10022', device: first.device });
		for (let i = 0; i < first.limiter.policy.perAccount; i++)
			first.limiter.fail(keys.account, keys.device);
		await first.limiter.flush();
		first.store.close();

		const reload = await openBrowserAttempts('attempts-test-1');
		expect(reload.device).toBe(first.device);
		expect(reload.limiter.locked(keys.account)).toBe(true);
		expect(reload.limiter.unlock(keys.account)).toBe(true);
		await reload.limiter.flush();
		reload.store.close();

		const again = await openBrowserAttempts('attempts-test-1');
		expect(again.limiter.locked(keys.account)).toBe(false);
		// The device's own count is kept: lifting an account's lock does not reset the device.
		expect(again.limiter.locks()).toEqual([]);
		again.store.close();
	});

	it('gives each browser its own device id', async () => {
		const a = await openBrowserAttempts('attempts-test-a');
		const b = await openBrowserAttempts('attempts-test-b');
		expect(a.device).not.toBe(b.device);
	});
});
