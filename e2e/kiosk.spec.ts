import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';

// Kiosk mode (?kiosk=1): the screen is kept awake while the page is open, and between callers the
// page resets, after the goodbye and when a caller walks away: nothing of what the last caller said
// stays on screen, in localStorage or sessionStorage, or in IndexedDB, except the audit record,
// which holds no caller's words.

/** Everything a page keeps where the next visitor (or anyone at the device) could read it. */
async function leftBehind(page: Page): Promise<{ kept: string; audit: string }> {
	return page.evaluate(async () => {
		const parts: string[] = [
			document.documentElement.outerHTML,
			document.body.innerText,
			...[...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value)
		];
		for (const store of [localStorage, sessionStorage])
			for (let i = 0; i < store.length; i++)
				parts.push(`${store.key(i)}=${store.getItem(store.key(i)!)}`);
		let audit = '';
		for (const { name } of await indexedDB.databases()) {
			if (!name) continue;
			const db = await new Promise<IDBDatabase>((ok, fail) => {
				const r = indexedDB.open(name);
				r.onsuccess = () => ok(r.result);
				r.onerror = () => fail(r.error);
			});
			for (const storeName of [...db.objectStoreNames]) {
				const rows = await new Promise<unknown[]>((ok, fail) => {
					const r = db.transaction(storeName).objectStore(storeName).getAll();
					r.onsuccess = () => ok(r.result);
					r.onerror = () => fail(r.error);
				});
				const text = `${name}/${storeName}: ${JSON.stringify(rows)}`;
				if (name === 'baton' && storeName === 'audit') audit = text;
				else parts.push(text);
			}
			db.close();
		}
		return { kept: parts.join('\n'), audit };
	});
}

async function say(page: Page, text: string) {
	const box = page.getByTestId('say');
	await expect(box).toBeEnabled();
	await box.fill(text);
	await box.press('Enter');
}

const kiosk = (page: Page) => page.getByTestId('kiosk');

test('kiosk: the screen stays awake, and after a call and after a silence nothing of the last caller is left', async ({
	page
}) => {
	// The page's own wake lock requests, seen from outside, so the test can release one.
	await page.addInitScript(() => {
		const api = navigator.wakeLock;
		const request = api.request.bind(api);
		const seen: WakeLockSentinel[] = [];
		(window as unknown as { wakeLocks: WakeLockSentinel[] }).wakeLocks = seen;
		api.request = async (type) => {
			const sentinel = await request(type);
			seen.push(sentinel);
			return sentinel;
		};
	});
	await page.goto('/?kiosk=1&kiosk-after=1&kiosk-idle=3');
	await expect(kiosk(page)).toHaveAttribute('data-wake', 'held');
	// The browser lets go of the lock (the page was hidden): it is asked for again once visible.
	await page.evaluate(() =>
		(window as unknown as { wakeLocks: WakeLockSentinel[] }).wakeLocks[0]!.release()
	);
	await expect(kiosk(page)).toHaveAttribute('data-wake', 'released');
	await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
	await expect(kiosk(page)).toHaveAttribute('data-wake', 'held');

	// A caller's call, ended: the goodbye shows, then the page resets for the next visitor.
	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	await say(page, 'Hi, my parrot Archibald chewed my bill and there is a charge I do not know');
	await expect(page.getByTestId('owner')).toContainText('billing');
	await say(page, 'Sure, my account is AC-10021 and my PIN is 4821');
	await expect(page.locator('[data-role="agent"]').last()).toContainText(
		'$49 charge on November 3rd'
	);
	const words = ['Archibald', 'parrot', 'AC-10021', '$49 charge on November 3rd'];
	// Everything the test looks for is really there before the reset (the PIN never is: redacted).
	const during = await leftBehind(page);
	for (const w of words) expect(during.kept).toContain(w);
	words.push('4821');
	await page.getByRole('button', { name: 'End call' }).click();
	await expect(page.getByTestId('call-ended')).toBeVisible();
	await expect(kiosk(page)).toHaveAttribute('data-resets', '1');
	await expect(kiosk(page)).toHaveAttribute('data-last-reset', 'after-call');
	await expect(page.getByTestId('call-button')).toBeVisible();
	await expect(page.getByTestId('text-only')).not.toBeChecked();
	await expect(page.getByTestId('call-state')).toHaveCount(0);
	const after = await leftBehind(page);
	for (const w of words) expect(after.kept).not.toContain(w);
	// The audit record of the call stays, and holds none of the caller's words.
	expect(after.audit).toContain('"type":"call_started"');
	expect(after.audit).toContain('"type":"call_ended"');
	for (const w of words) expect(after.audit).not.toContain(w);

	// The next visitor starts with a tap, talks, and walks away mid-call: the silence resets it.
	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	await say(page, 'My cat Bartholomew knocked the router over and my internet is down');
	await expect(page.getByTestId('owner')).toContainText('support');
	await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', 'listening');
	await expect(kiosk(page)).toHaveAttribute('data-resets', '2', { timeout: 10_000 });
	await expect(kiosk(page)).toHaveAttribute('data-last-reset', 'idle');
	await expect(page.getByTestId('call-button')).toBeVisible();
	const walkedAway = await leftBehind(page);
	for (const w of ['Bartholomew', 'router over']) expect(walkedAway.kept).not.toContain(w);
	// The ended call is in the audit record too.
	expect(walkedAway.audit.match(/"type":"call_ended"/g)).toHaveLength(2);
});
