import {
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from './chromium';
import { VOICE_CALLER_WAV } from './global-setup';
// @ts-expect-error: the production server is plain JavaScript.
import { startServer } from '../server/index.js';

// Kiosks and field demos: after one visit online the app starts, and takes calls, with no network.
// The service worker serves the pages and files from its cache with the server's headers, so the
// page stays cross-origin isolated and under the same Content-Security-Policy offline.

test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS, ...fakeMicArgs(VOICE_CALLER_WAV)]
	}
});

/**
 * A first visit: one typed call, ended; the page then keeps the app on this device. Waits until
 * the service worker is active.
 */
async function firstVisit(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await expect(page.getByTestId('network')).toHaveAttribute('data-online', 'true');
	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	await expect(page.locator('[data-role="agent"]').first()).toContainText('How can I help');
	await page.getByRole('button', { name: 'End call' }).click();
	await serviceWorkerReady(page);
}

/** Waits until the service worker is active. */
async function serviceWorkerReady(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
}

/**
 * The CSP fixture's DevTools session makes Chromium drop its offline emulation for a newly loaded
 * document; set again, it also tells the page it went offline, as a kiosk losing its network
 * would. (The server is closed either way: nothing can come from the network.)
 */
async function stillOffline(context: BrowserContext, page: Page): Promise<void> {
	await context.setOffline(false);
	await context.setOffline(true);
	expect(await page.evaluate(() => navigator.onLine)).toBe(false);
}

/**
 * Each journey serves the build itself, so that going offline can mean what it means to a kiosk:
 * the server and its broker are gone, not only the browser's network emulated away.
 */
async function serve(): Promise<{ origin: string; close(): Promise<void> }> {
	const server = await startServer({
		port: PORT,
		host: '127.0.0.1',
		root: 'build',
		// The test operator accounts (passwords in human-handoff.spec.ts).
		operators: 'e2e/fixtures/operators.json'
	});
	let closed = false;
	serving = {
		origin: `http://127.0.0.1:${PORT}`,
		close: async () => {
			if (!closed) await server.close();
			closed = true;
		}
	};
	return serving;
}
const PORT = 4196;
let serving: { close(): Promise<void> } | null = null;
test.afterEach(async () => {
	await serving?.close();
	serving = null;
});

async function goOffline(
	context: BrowserContext,
	page: Page,
	server: { close(): Promise<void> }
): Promise<void> {
	await server.close();
	await context.setOffline(true);
	await page.reload();
	await stillOffline(context, page);
	await expect(page.getByTestId('network')).toHaveAttribute('data-online', 'false');
	expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

async function say(page: Page, text: string) {
	const box = page.getByTestId('say');
	await expect(box).toBeEnabled();
	await box.fill(text);
	await box.press('Enter');
}

const lastAgentTurn = (page: Page, persona: string) =>
	page.locator(`[data-role="agent"][data-persona="${persona}"]`).last();

test('offline after one visit: the page loads cross-origin isolated and a typed call is answered', async ({
	context,
	page
}) => {
	const server = await serve();
	await firstVisit(page, `${server.origin}/`);
	await goOffline(context, page, server);
	expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
	await page.screenshot({ path: 'test-results/offline-caller.png', fullPage: true });

	// Nothing of the voice was kept (no voice call was made): the panel says so, and a voice call
	// is refused, naming the file.
	await page.getByText('Offline use').click();
	await expect(page.getByTestId('voice-missing')).toContainText('only text calls work');
	await page.getByText('Offline use').click();
	// The first visit's typed call left Text only ticked: this one is a voice call.
	await page.getByTestId('text-only').uncheck();
	await page.getByTestId('call-button').click();
	await expect(page.getByTestId('offline-refusal')).toContainText(
		'vendor/ort/ort-wasm-simd-threaded.wasm'
	);
	await expect(page.getByTestId('call-state')).toHaveCount(0);

	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	await expect(page.getByTestId('offline-refusal')).toHaveCount(0);
	await expect(lastAgentTurn(page, 'triage')).toContainText('How can I help');
	await say(page, 'Hi, I have a question about a charge on my bill');
	await expect(page.getByTestId('owner')).toContainText('billing');
	await expect(lastAgentTurn(page, 'billing')).toContainText('account number');
	await say(page, 'Sure, my account is AC-10021 and my PIN is 4821');
	await expect(lastAgentTurn(page, 'billing')).toContainText('$49 charge on November 3rd');
	await page.screenshot({ path: 'test-results/offline-text-call.png', fullPage: true });

	// The console loads offline too.
	await page.goto(`${server.origin}/operator`);
	await stillOffline(context, page);
	await expect(page.getByTestId('network')).toHaveAttribute('data-online', 'false');
	expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
	await page.screenshot({ path: 'test-results/offline-console.png', fullPage: true });
});

/** Callback requests waiting on the caller's device for an operator. */
const waitingCallbacks = (page: Page) =>
	page.evaluate(
		() =>
			new Promise<number>((ok, fail) => {
				const open = indexedDB.open('baton');
				open.onerror = () => fail(open.error);
				open.onsuccess = () => {
					const count = open.result.transaction('callbacks').objectStore('callbacks').count();
					count.onsuccess = () => (open.result.close(), ok(count.result));
					count.onerror = () => fail(count.error);
				};
			})
	);

test('a person asked for offline: a callback or the AI; the callback reaches the operator once the network is back, once, across a reload', async ({
	context,
	page
}) => {
	const server = await serve();
	await firstVisit(page, `${server.origin}/?signal=mqtt`);
	await goOffline(context, page, server);
	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	// Asking for a person says plainly that the team cannot be reached, and offers a callback or
	// the assistant; no queue to wait in.
	await say(page, 'Let me talk to a real person please');
	await expect(page.getByTestId('transcript')).toContainText('cannot reach our team');
	await expect(page.getByRole('button', { name: 'Wait in the queue' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Call me back' })).toBeVisible();
	await page.getByRole('button', { name: 'Keep going with the assistant' }).click();
	await say(page, 'I have a question about a charge on my bill');
	await expect(page.getByTestId('owner')).toContainText('billing');
	// Asked again, the caller takes the callback.
	await say(page, 'my number is 415-555-0134, can I get a human');
	await expect(page.getByRole('button', { name: 'Call me back' })).toBeVisible();
	await page.getByRole('button', { name: 'Call me back' }).click();
	await expect(page.getByTestId('transcript')).toContainText(
		'kept on this device and goes to our team as soon as we can reach them'
	);
	await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', 'ended');

	// The page is reloaded, still with no network: the request is still there.
	await page.reload();
	await stillOffline(context, page);
	expect(await waitingCallbacks(page)).toBe(1);

	// The network and the server come back; an operator signs in.
	const back = await serve();
	await context.setOffline(false);
	const operator = await context.newPage();
	await operator.goto(`${back.origin}/operator?signal=mqtt`);
	await operator.getByTestId('operator-id').fill('olivia');
	await operator.getByTestId('operator-password').fill('olivia test password');
	await operator.getByRole('button', { name: /sign in/i }).click();
	const list = operator.getByTestId('callbacks');
	await expect(list).toContainText('415-555-0134', { timeout: 30_000 });
	await expect(list).toContainText('Callbacks to make (1)');
	// Acknowledged: the caller's device no longer keeps it.
	await expect.poll(() => waitingCallbacks(page)).toBe(0);

	// Once: the caller's page reloaded online sends nothing again.
	await page.reload();
	await expect(page.getByTestId('network')).toHaveAttribute('data-online', 'true');
	await page.waitForTimeout(1500);
	await expect(list).toContainText('Callbacks to make (1)');
	await expect(list.getByText('415-555-0134')).toHaveCount(1);
});

/** A kiosk's audit events: how many it holds, and how many an operator has not acknowledged. */
const kioskAudit = (page: Page) =>
	page.evaluate(
		() =>
			new Promise<{ kept: number; waiting: number }>((ok, fail) => {
				const open = indexedDB.open('baton');
				open.onerror = () => fail(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction(['audit', 'meta']);
					const keys = tx.objectStore('audit').getAllKeys();
					const mark = tx.objectStore('meta').get('audit.sentSeq');
					tx.oncomplete = () => {
						open.result.close();
						const sent = (mark.result?.value as number | undefined) ?? 0;
						const seqs = keys.result as number[];
						ok({ kept: seqs.length, waiting: seqs.filter((s) => s > sent).length });
					};
					tx.onerror = () => fail(tx.error);
				};
			})
	);

test('a kiosk with no network: its calls reach the console once the network and an operator are back, once, across reloads', async ({
	context,
	page
}) => {
	const server = await serve();
	const kiosk = `${server.origin}/?signal=mqtt&kiosk=1&kiosk-after=1`;
	// The first visit's call is recorded too; no operator is signed in to receive it.
	await firstVisit(page, kiosk);
	await goOffline(context, page, server);
	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	await say(page, 'I have a question about a charge on my bill');
	await expect(page.getByTestId('owner')).toContainText('billing');
	await page.getByRole('button', { name: 'End call' }).click();
	await expect(page.getByTestId('kiosk')).toHaveAttribute('data-last-reset', 'after-call');

	// Rebooted overnight, still with no network: the record is kept, and waits.
	await page.reload();
	await stillOffline(context, page);
	const offline = await kioskAudit(page);
	expect(offline.kept).toBeGreaterThan(4);
	expect(offline.waiting).toBe(offline.kept);

	// The network and the server come back; an operator signs in.
	const back = await serve();
	await context.setOffline(false);
	const operator = await context.newPage();
	await operator.goto(`${back.origin}/operator?signal=mqtt`);
	await operator.getByTestId('operator-id').fill('olivia');
	await operator.getByTestId('operator-password').fill('olivia test password');
	await operator.getByRole('button', { name: /sign in/i }).click();
	const calls = operator.getByTestId('kiosk-calls');
	await expect(calls).toContainText('Kiosk calls (2)', { timeout: 30_000 });
	await expect(calls.getByTestId('kiosk-call').first()).toContainText('triage → billing');
	await expect(calls.getByTestId('kiosk-call').first()).toContainText('ended');
	await expect.poll(async () => (await kioskAudit(page)).waiting).toBe(0);
	// The kiosk keeps its own copy.
	expect((await kioskAudit(page)).kept).toBe(offline.kept);
	await calls.locator('summary').click();
	await operator.screenshot({ path: 'test-results/kiosk-calls-console.png', fullPage: true });

	// Once: the kiosk reloaded online sends nothing again, and the console reloaded keeps them.
	await page.reload();
	await expect(page.getByTestId('network')).toHaveAttribute('data-online', 'true');
	await page.waitForTimeout(1500);
	await expect(calls.getByTestId('kiosk-call')).toHaveCount(2);
	await operator.reload();
	await expect(operator.getByTestId('kiosk-calls')).toContainText('Kiosk calls (2)', {
		timeout: 30_000
	});
});

test('offline after keeping the voice: a voice call is greeted, heard and answered in the offline voice', async ({
	context,
	page
}) => {
	test.setTimeout(180_000);
	const server = await serve();
	// A page view keeps nothing; the button keeps the app and the voice.
	await page.goto(`${server.origin}/?debug`);
	await page.getByText('Offline use').click();
	await expect(page.getByTestId('sw-state')).toContainText('after the first call');
	await page.getByTestId('keep-offline').click();
	await expect(page.getByTestId('voice-kept')).toBeVisible({ timeout: 90_000 });
	await goOffline(context, page, server);
	expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);

	const peak = () =>
		page.evaluate(
			() =>
				new Promise<number>((resolve) => {
					let max = 0;
					const meter = document.querySelector('[data-testid="agent-level"]') as HTMLMeterElement;
					const id = setInterval(() => (max = Math.max(max, meter?.value ?? 0)), 20);
					setTimeout(() => (clearInterval(id), resolve(max)), 1500);
				})
		);
	await page.getByTestId('call-button').click();
	await expect(page.getByTestId('voicebar')).toBeVisible();
	expect(await peak()).toBeGreaterThan(0.02);
	await expect(page.getByTestId('model-stt')).toHaveAttribute('data-status', 'ready', {
		timeout: 60_000
	});
	await expect(page.getByTestId('model-voice')).toHaveAttribute('data-status', 'ready');
	const caller = page.locator('[data-role="caller"]');
	// Moonshine tiny sometimes mishears one word of this synthetic caller's "a charge on my bill".
	await expect(caller.first()).toContainText(/charge|bill/i, { timeout: 45_000 });
	await expect(page.getByTestId('owner')).toContainText('billing');
	await expect(page.getByTestId('agent-level')).toHaveAttribute('data-speaking', 'true', {
		timeout: 15_000
	});
	expect(await peak()).toBeGreaterThan(0.02);
	await expect(page.getByTestId('spoken-by')).toContainText('offline voice');
	await page.screenshot({ path: 'test-results/offline-voice-call.png', fullPage: true });
});

test('the caller page and the console are installable', async ({ baseURL }) => {
	// Chromium never offers to install from an incognito profile, which a test context is.
	const profile = mkdtempSync(join(tmpdir(), 'baton-install-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		for (const path of ['/', '/operator']) {
			if (path === '/') await firstVisit(page, `${baseURL}/`);
			else await page.goto(`${baseURL}${path}`);
			await serviceWorkerReady(page);
			await page.reload();
			await expect(page.getByTestId('network')).toBeVisible();
			const cdp = await context.newCDPSession(page);
			const manifest = (await cdp.send('Page.getAppManifest')) as {
				url: string;
				errors: unknown[];
			};
			expect(manifest.url).toMatch(path === '/' ? /caller\.webmanifest$/ : /console\.webmanifest$/);
			expect(manifest.errors).toEqual([]);
			await expect
				.poll(async () => {
					const r = (await cdp.send('Page.getInstallabilityErrors')) as {
						installabilityErrors: { errorId: string }[];
					};
					return r.installabilityErrors.map((e) => e.errorId);
				})
				.toEqual([]);
			await cdp.detach();
		}
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
});

/**
 * A copy of the build whose service worker a test can redeploy: every file is a link to the real
 * build, except service-worker.js, written with the version a test gives it.
 */
function deployableBuild(): { root: string; deploy(version: string): void; remove(): void } {
	const build = resolve('build');
	const root = mkdtempSync(join(tmpdir(), 'baton-deploy-'));
	const original = readFileSync(join(build, 'service-worker.js'), 'utf8');
	const current = (
		JSON.parse(readFileSync(join(build, '_app/version.json'), 'utf8')) as {
			version: string;
		}
	).version;
	for (const name of readdirSync(build))
		if (!name.startsWith('service-worker.js')) symlinkSync(join(build, name), join(root, name));
	return {
		root,
		deploy(version) {
			writeFileSync(join(root, 'service-worker.js'), original.replaceAll(current, version));
		},
		remove: () => rmSync(root, { recursive: true, force: true })
	};
}

test('a version deployed during a call waits, and is offered once the call has ended', async ({
	page
}) => {
	const port = PORT;
	const site = deployableBuild();
	site.deploy('first');
	let server = await startServer({ port, host: '127.0.0.1', root: site.root });
	try {
		const origin = `http://127.0.0.1:${port}`;
		await firstVisit(page, `${origin}/`);
		await page.reload();
		await page.evaluate(() => ((window as { marker?: number }).marker = 1));

		await page.getByTestId('text-only').check();
		await page.getByTestId('call-button').click();
		await say(page, 'Hi, I have a question about a charge on my bill');
		await expect(page.getByTestId('owner')).toContainText('billing');

		// A new version is deployed and found mid-call (the sirv file list is read at start).
		await server.close();
		site.deploy('second');
		server = await startServer({ port, host: '127.0.0.1', root: site.root });
		const waiting = await page.evaluate(async () => {
			const reg = await navigator.serviceWorker.ready;
			await reg.update();
			for (let i = 0; i < 100 && !reg.waiting; i++) await new Promise((r) => setTimeout(r, 100));
			return !!reg.waiting;
		});
		expect(waiting).toBe(true);
		// Not offered, not taken: the call goes on, on the same page.
		await expect(page.getByTestId('update-ready')).toHaveCount(0);
		await say(page, 'Sure, my account is AC-10021 and my PIN is 4821');
		await expect(lastAgentTurn(page, 'billing')).toContainText('$49 charge on November 3rd');
		expect(await page.evaluate(() => (window as { marker?: number }).marker)).toBe(1);
		await expect(page.getByTestId('update-ready')).toHaveCount(0);

		await page.getByRole('button', { name: 'End call' }).click();
		await expect(page.getByTestId('update-ready')).toBeVisible();
		await page.screenshot({ path: 'test-results/update-ready.png', fullPage: true });
		await page.getByTestId('update-ready').click();
		await page.waitForFunction(() => !(window as { marker?: number }).marker);
		// The old version's files go once the new one is active.
		await expect
			.poll(async () =>
				(await page.evaluate(() => caches.keys())).filter((k) => k.startsWith('baton-shell-'))
			)
			.toEqual(['baton-shell-second']);
	} finally {
		await server.close();
		site.remove();
	}
});
