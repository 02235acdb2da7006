import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
// @ts-expect-error: plain JS module without types
import { mosquittoAcl } from '../server/broker.js';

async function say(page: Page, text: string) {
	const box = page.getByTestId('say');
	await expect(box).toBeEnabled();
	await box.fill(text);
	await box.press('Enter');
}

async function waitForPort(port: number) {
	for (let i = 0; i < 50; i++) {
		const ok = await new Promise<boolean>((resolve) => {
			const s = connect(port, '127.0.0.1', () => {
				s.end();
				resolve(true);
			});
			s.on('error', () => resolve(false));
		});
		if (ok) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`mosquitto did not open port ${port}`);
}

/** Test accounts in e2e/fixtures/operators.json (and the mosquitto password file made from it). */
const OPERATOR_PASSWORDS: Record<string, string> = {
	olivia: 'olivia test password',
	oscar: 'oscar test password'
};

async function operatorSignedIn(page: Page, name: string, query = '') {
	await page.goto(`/operator${query}`);
	if (query.includes('signal=mqtt')) {
		// Over a broker an operator signs in with an account; the name comes from the account.
		const id = name.toLowerCase();
		await page.getByTestId('operator-id').fill(id);
		await page.getByTestId('operator-password').fill(OPERATOR_PASSWORDS[id]);
	} else {
		await page.getByTestId('operator-name').fill(name);
	}
	await page.getByRole('button', { name: /sign in/i }).click();
	// A waiting caller may ring the moment the operator is available.
	await expect(page.getByTestId('operator-status')).toHaveAttribute(
		'data-status',
		/available|busy/
	);
}

async function warmTransfer(context: BrowserContext, query: string, tag: string) {
	const operator = await context.newPage();
	await operatorSignedIn(operator, 'Olivia', query);

	const caller = await context.newPage();
	// ?debug shows the package and the handoff timings on the caller's page.
	await caller.goto(`/${query ? `${query}&debug` : '?debug'}`);
	// Typed calls: the fake microphone is for the voice journey.
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await say(caller, 'I was charged twice, account AC-10022 pin 7310');
	await expect(caller.getByTestId('owner')).toContainText('billing');

	await say(caller, 'Let me talk to a real person please');
	const t0 = Date.now();
	const incoming = operator.getByTestId('incoming');
	await expect(incoming.getByTestId('package-caller')).toContainText('AC-10022', { timeout: 1000 });
	const shownMs = Date.now() - t0;
	console.log(`${tag}: package on the console ${shownMs} ms after the request`);
	await expect(incoming.getByTestId('package-trigger')).toHaveText('explicit_request');
	await expect(incoming.getByTestId('package-summary')).toContainText('James Carter');
	await operator.screenshot({ path: `test-results/operator-incoming-${tag}.png`, fullPage: true });

	await operator.getByTestId('accept').click();
	// A mosquitto has no display names: the console goes by its account id there.
	await expect(caller.getByTestId('with-human')).toContainText(/olivia/i);
	await expect(caller.getByTestId('hold-audio')).toHaveJSProperty('paused', true);
	// The fake microphone plays an espeak-ng caller: the console must hear it.
	await expect
		.poll(
			async () => Number(await operator.getByTestId('caller-level').getAttribute('data-peak')),
			{ timeout: 10_000 }
		)
		.toBeGreaterThan(0.01);

	// The caller's live transcript flows to the console.
	await say(caller, 'Are you still there?');
	await expect(operator.getByTestId('live-transcript')).toContainText('Are you still there?');
	await operator.screenshot({ path: `test-results/operator-live-${tag}.png`, fullPage: true });

	// The note is for the team; only the line for the caller is said to them.
	await operator.getByTestId('notes').fill('Customer upset - be gentle');
	await operator.getByTestId('caller-line').fill('I refunded the duplicate $65 charge');
	await operator.getByLabel('Hand back to').selectOption('billing');
	await operator.getByTestId('hand-back').click();
	await expect(caller.getByTestId('owner')).toContainText('billing');
	const opening = caller.locator('[data-role="agent"][data-persona="billing"]').last();
	await expect(opening).toContainText('I refunded the duplicate $65 charge.');
	await expect(caller.getByTestId('transcript')).not.toContainText('be gentle');
	await expect(caller.getByTestId('package-notes')).toContainText('Customer upset - be gentle');
	await expect(caller.getByTestId('package-trigger')).toHaveText('handback');
	await expect(caller.getByTestId('t-package')).toBeVisible();
	console.log(
		`${tag}: caller's measured timings: ${(await caller.getByTestId('timings').innerText()).replace(/\s+/g, ' ')}`
	);
	await caller.screenshot({
		path: `test-results/caller-after-handback-${tag}.png`,
		fullPage: true
	});
}

test('warm transfer over BroadcastChannel: package first, then audio, then hand-back with a note', async ({
	context
}) => {
	await warmTransfer(context, '', 'broadcast');
});

test('warm transfer over MQTT through the embedded broker', async ({ context }) => {
	await warmTransfer(context, '?signal=mqtt', 'mqtt-embedded');
});

test('over the broker an operator signs in with an account; a wrong password is refused and a reload stays signed in', async ({
	page
}) => {
	await page.goto('/operator?signal=mqtt');
	await expect(page.getByTestId('operator-name')).toHaveCount(0);
	await page.getByTestId('operator-id').fill('oscar');
	await page.getByTestId('operator-password').fill('not the password');
	await page.getByRole('button', { name: /sign in/i }).click();
	await expect(page.getByTestId('signin-error')).toHaveText('Wrong operator id or password.');
	await expect(page.getByTestId('operator-status')).toHaveCount(0);
	await page.screenshot({ path: 'test-results/operator-signin-refused.png', fullPage: true });

	await page.getByTestId('operator-password').fill(OPERATOR_PASSWORDS.oscar);
	await page.getByRole('button', { name: /sign in/i }).click();
	await expect(page.getByTestId('operator-status')).toContainText('Oscar · Available');
	// The tab keeps a short-lived token, not the password: a reload signs in again by itself.
	await page.reload();
	await expect(page.getByTestId('operator-status')).toContainText('Oscar · Available');
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page.getByTestId('operator-id')).toBeVisible();
	await page.reload();
	await expect(page.getByTestId('operator-id')).toBeVisible();
});

test.describe('with mosquitto', () => {
	let broker: ChildProcess | null = null;
	const port = 9181;
	test.beforeAll(async () => {
		const dir = join(import.meta.dirname, '.artifacts');
		mkdirSync(dir, { recursive: true });
		// The documented configuration (deploy/mosquitto), with this test's ports and files.
		const passwd = join(dir, 'baton.passwd');
		const acl = join(dir, 'baton.acl');
		rmSync(passwd, { force: true });
		for (const [id, password] of Object.entries(OPERATOR_PASSWORDS)) {
			execFileSync('mosquitto_passwd', [
				...(existsSync(passwd) ? [] : ['-c']),
				'-b',
				passwd,
				id,
				password
			]);
		}
		writeFileSync(acl, mosquittoAcl(Object.keys(OPERATOR_PASSWORDS)));
		const conf = join(dir, 'mosquitto.conf');
		const documented = readFileSync(
			join(import.meta.dirname, '../deploy/mosquitto/mosquitto.conf'),
			'utf8'
		);
		writeFileSync(
			conf,
			documented
				.replace(/^password_file .*$/m, `password_file ${passwd}`)
				.replace(/^acl_file .*$/m, `acl_file ${acl}`)
				.replace(/^listener 1883 /m, `listener ${port + 1} `)
				.replace(/^listener 9001$/m, `listener ${port}`)
		);
		broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
		await waitForPort(port);
	});
	test.afterAll(() => {
		broker?.kill();
	});
	test('warm transfer over MQTT through mosquitto', async ({ context }) => {
		await warmTransfer(context, `?signal=mqtt&broker=ws://127.0.0.1:${port}`, 'mosquitto');
	});
});

test('with no operator signed in, the caller is offered the queue, a callback or the AI', async ({
	page
}) => {
	await page.goto('/');
	// Typed calls: the fake microphone is for the voice journey.
	await page.getByTestId('text-only').check();
	await page.getByRole('button', { name: 'Call' }).click();
	await say(page, 'I want to speak to a human');
	await expect(page.getByRole('group', { name: /choose what happens next/ })).toBeVisible({
		timeout: 5000
	});
	await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', 'on_hold');
	await page.getByRole('button', { name: 'Keep going with the assistant' }).click();
	await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', 'listening');
	await say(page, 'what is my balance');
	await expect(page.getByTestId('owner')).toContainText('billing');
});

test('a queued caller is put through when an operator becomes available', async ({ context }) => {
	// Callers cannot see one another: the consoles signed in count the line and tell each caller
	// its place. Here the only operator is signed in but away.
	const operator = await context.newPage();
	await operatorSignedIn(operator, 'Quinn');
	await operator.getByRole('button', { name: 'Go away' }).click();
	await expect(operator.getByTestId('operator-status')).toHaveAttribute('data-status', 'away');

	const caller = await context.newPage();
	await caller.goto('/');
	// Typed calls: the fake microphone is for the voice journey.
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await say(caller, 'account AC-10021, I want a real person');
	await caller.getByRole('button', { name: 'Wait in the queue' }).click();
	await expect(caller.getByTestId('call-state')).toHaveAttribute('data-state', 'queued');
	await expect(caller.getByTestId('queue')).toContainText('number 1 in the queue');

	// A second caller joins behind the first.
	const second = await context.newPage();
	await second.goto('/');
	// Typed calls: the fake microphone is for the voice journey.
	await second.getByTestId('text-only').check();
	await second.getByRole('button', { name: 'Call' }).click();
	await say(second, 'get me a human');
	await second.getByRole('button', { name: 'Wait in the queue' }).click();
	await expect(second.getByTestId('queue')).toContainText('number 2 in the queue');
	await expect(caller.getByTestId('hold-audio')).toHaveJSProperty('paused', false);

	await operator.getByRole('button', { name: 'Go available' }).click();
	await expect(operator.getByTestId('incoming').getByTestId('package-caller')).toContainText(
		'AC-10021'
	);
	await operator.getByTestId('accept').click();
	await expect(caller.getByTestId('with-human')).toContainText('Quinn');
	// The first caller left the queue: the second moves up.
	await expect(second.getByTestId('queue')).toContainText('number 1 in the queue');
});

test('the operator declines: the caller chooses a callback and the call ends with that outcome', async ({
	context
}) => {
	const operator = await context.newPage();
	await operatorSignedIn(operator, 'Omar');
	const caller = await context.newPage();
	await caller.goto('/');
	// Typed calls: the fake microphone is for the voice journey.
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await say(caller, 'my number is 415-555-0134, can I get a human');
	await expect(operator.getByTestId('incoming').getByTestId('package-caller')).toBeVisible();
	// On hold: the hold music plays until someone answers.
	await expect(caller.getByTestId('hold-audio')).toHaveJSProperty('paused', false);
	await operator.getByRole('button', { name: 'Decline' }).click();
	await expect(caller.getByRole('group', { name: /choose what happens next/ })).toBeVisible();
	await caller.getByRole('button', { name: 'Call me back' }).click();
	await expect(caller.getByText(/call you back at 415-555-0134/)).toBeVisible();
	await expect(caller.getByTestId('call-state')).toHaveAttribute('data-state', 'ended');
	// The callback is stored and reaches the available operator's list.
	await expect(operator.getByTestId('callbacks')).toContainText('415-555-0134');
});

/** A typed caller asks for a person and the signed-in operator accepts. */
async function withPerson(context: BrowserContext, operatorName: string) {
	const operator = await context.newPage();
	await operatorSignedIn(operator, operatorName);
	const caller = await context.newPage();
	await caller.goto('/');
	// Typed calls: the fake microphone is for the voice journey.
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await say(caller, 'get me a representative');
	await operator.getByTestId('accept').click();
	await expect(caller.getByTestId('with-human')).toBeVisible();
	return { operator, caller };
}

test('the operator tab closes mid-call: the caller is back with the AI within 6 s', async ({
	context
}) => {
	const { operator, caller } = await withPerson(context, 'Olga');
	const t0 = Date.now();
	await operator.close();
	await expect(caller.getByText('The line to the specialist dropped.')).toBeVisible({
		timeout: 6000
	});
	console.log(`caller noticed the closed console after ${Date.now() - t0} ms`);
	await expect(caller.getByTestId('call-state')).toHaveAttribute('data-state', 'listening');
});

test('the operator ends the call: the caller sees it ended by the person, and the console is free', async ({
	context
}) => {
	const { operator, caller } = await withPerson(context, 'Oscar');
	await operator.screenshot({ path: 'test-results/operator-end-call.png', fullPage: true });
	await operator.getByTestId('end-call').click();
	await expect(caller.getByTestId('call-state')).toHaveAttribute('data-state', 'ended');
	await expect(caller.getByTestId('call-ended')).toContainText('finished with our team');
	await expect(operator.getByTestId('operator-status')).toHaveAttribute('data-status', 'available');
});

test('manual pairing with copied codes, for places with no server', async ({ context }) => {
	const operator = await context.newPage();
	await operatorSignedIn(operator, 'Mona', '?signal=manual');
	const caller = await context.newPage();
	await caller.goto('/?signal=manual');
	// Typed calls: the fake microphone is for the voice journey.
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await say(caller, 'account AC-10027, I need to talk to a person');
	const offer = caller.getByTestId('my-code');
	await expect(offer).not.toBeEmpty();
	await expect(caller.getByAltText('QR code of the pairing code')).toBeVisible();
	await caller.screenshot({ path: 'test-results/caller-manual-pairing.png', fullPage: true });

	await operator.getByTestId('their-code').fill(await offer.inputValue());
	await operator.getByRole('button', { name: 'Connect' }).click();
	const answer = operator.getByTestId('my-code');
	await expect(answer).not.toBeEmpty();
	await caller.getByTestId('their-code').fill(await answer.inputValue());
	await caller.getByRole('button', { name: 'Connect' }).click();

	await expect(operator.getByTestId('incoming').getByTestId('package-caller')).toContainText(
		'AC-10027'
	);
	// Both screens show one safety number, derived from both ends' DTLS fingerprints, to compare aloud.
	const onOperator = operator.getByTestId('safety-code');
	await expect(onOperator).toContainText(/\d{3} \d{3}/);
	const digits = (await onOperator.innerText()).match(/\d{3} \d{3}/)![0];
	await expect(caller.getByTestId('safety-code')).toContainText(digits);
	await operator.getByTestId('accept').click();
	await expect(caller.getByTestId('with-human')).toContainText('Mona');
	await expect(caller.getByTestId('safety-code')).toContainText(digits);
	await caller.screenshot({ path: 'test-results/caller-manual-safety-code.png', fullPage: true });
});

test('a mangled pairing code is refused with a clear message', async ({ page }) => {
	await operatorSignedIn(page, 'Mona', '?signal=manual');
	await page.getByTestId('their-code').fill('definitely-not-a-code');
	await page.getByRole('button', { name: 'Connect' }).click();
	await expect(page.getByRole('alert')).toContainText('That pairing code is not valid');
});
