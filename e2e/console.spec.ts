import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';

// The operator console as a support agent works it: a call rings (tone, desktop notification, tab
// title, countdown, "Ringing"), the agent accepts with the keyboard, reads the package, types to a
// caller who types, and hands back with a note for the team and a line for the caller. Both pages
// are checked with axe in their main states.

async function say(page: Page, text: string) {
	const box = page.getByTestId('say');
	await expect(box).toBeEnabled();
	await box.fill(text);
	await box.press('Enter');
}

/**
 * axe on the page as it is now: no serious or critical violation, and none of the findings this
 * console had (a transcript that cannot be scrolled from the keyboard, content outside landmarks).
 */
async function accessible(page: Page, state: string) {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const seen = violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.length} node(s)`);
	console.log(`axe, ${state}: ${seen.length ? seen.join('; ') : 'no violations'}`);
	const blocking = violations.filter(
		(v) =>
			v.impact === 'serious' ||
			v.impact === 'critical' ||
			['landmark-one-main', 'region', 'scrollable-region-focusable'].includes(v.id)
	);
	expect(
		blocking.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) })),
		state
	).toEqual([]);
}

test('a ringing call alerts the agent, A accepts it, a typed reply reaches the caller, and the hand-back note stays with the team', async ({
	context
}) => {
	// Desktop notifications allowed, and each one the console shows recorded.
	await context.grantPermissions(['notifications']);
	await context.addInitScript(() => {
		const shown: string[] = [];
		const closed: string[] = [];
		class Recorded extends Notification {
			constructor(title: string, options?: NotificationOptions) {
				super(title, options);
				shown.push(title);
			}
			close() {
				closed.push(this.title);
				super.close();
			}
		}
		Object.assign(window, { Notification: Recorded, __shown: shown, __closed: closed });
	});

	const operator = await context.newPage();
	await operator.goto('/operator');
	// The console has rendered (its title and main landmark) before axe looks at it.
	await expect(operator.getByTestId('operator-name')).toBeVisible();
	await expect(operator).toHaveTitle(/.+/);
	await accessible(operator, 'console signed out');
	await operator.getByTestId('operator-name').fill('Olivia');
	await operator.getByRole('button', { name: /sign in/i }).click();
	await expect(operator.getByTestId('operator-status')).toContainText('Olivia · Available');
	await expect(operator.getByTestId('alerts')).toHaveAttribute('data-permission', 'granted');
	await accessible(operator, 'console idle');

	const caller = await context.newPage();
	await caller.goto('/');
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await accessible(caller, 'caller with the assistant');
	await say(caller, 'I was charged twice for the same thing on my bill');
	await expect(caller.getByTestId('owner')).toContainText('billing');
	await say(caller, 'AC-10022 pin 7310');
	await say(
		caller,
		"I've called three times already about this and nobody fixed it, get me a person"
	);

	// Ringing: the status, the tab title, a countdown that counts, the tone and the notification.
	const ringing = operator.getByTestId('ringing');
	await expect(ringing).toBeVisible();
	await expect(operator.getByTestId('operator-status')).toContainText('Olivia · Ringing');
	await expect(operator).toHaveTitle(/^Ringing — James Carter/);
	const countdown = operator.getByTestId('countdown');
	await expect(countdown).toContainText(/Accept within \d+ s/);
	const first = Number(await countdown.getAttribute('data-left'));
	expect(first).toBeGreaterThan(10);
	await expect
		.poll(async () => Number(await countdown.getAttribute('data-left')))
		.toBeLessThan(first);
	await expect(operator.getByTestId('on-hold')).toContainText(/On hold 0:\d\d/);
	await expect(ringing).toHaveAttribute('data-tone', 'playing');
	await expect
		.poll(() => operator.evaluate(() => (window as unknown as { __shown: string[] }).__shown))
		.toEqual(['Incoming call — James Carter']);

	// The package, as the agent reads it first: who, plan, balance; the duplicate charge; their words.
	const header = operator.getByTestId('package-header');
	await expect(header).toContainText('James Carter · AC-10022, verified by PIN');
	await expect(header).toContainText('Unlimited');
	await expect(header).toContainText('$130.00');
	await expect(
		operator.getByTestId('records-charges').locator('[data-key="CH-5102"]')
	).toContainText('repeats CH-5101');
	await expect(operator.getByTestId('key-phrases')).toContainText(
		"I've called three times already about this and nobody fixed it"
	);
	await operator.screenshot({ path: 'test-results/console-ringing.png', fullPage: true });
	await accessible(operator, 'console ringing');

	// Accept from the keyboard.
	await operator.keyboard.press('a');
	await expect(operator.getByTestId('incoming')).toHaveAttribute('data-state', 'connected');
	await expect(operator.getByTestId('operator-status')).toContainText('Olivia · On a call');
	await expect(operator).toHaveTitle(/^On a call — James Carter/);
	await expect
		.poll(() => operator.evaluate(() => (window as unknown as { __closed: string[] }).__closed))
		.toEqual(['Incoming call — James Carter']);
	await expect(caller.getByTestId('with-human')).toContainText('Olivia');

	// The caller types; the agent replies in the box; the caller reads it, and the agent sees it
	// arrive in the live transcript.
	await say(caller, 'Are you still there?');
	await expect(operator.getByTestId('live-transcript')).toContainText('Are you still there?');
	await operator.getByTestId('reply').fill('Yes, I have both charges here. A moment.');
	await operator.getByTestId('reply').press('Enter');
	const reply = caller.locator('[data-role="human"]').last();
	await expect(reply).toContainText('Yes, I have both charges here. A moment.');
	await expect(reply).toContainText('Olivia');
	await expect(operator.getByTestId('live-transcript')).toContainText('You: Yes, I have both');
	await expect(operator.getByTestId('reply')).toHaveValue('');
	await operator.screenshot({ path: 'test-results/console-on-call.png', fullPage: true });
	await accessible(operator, 'console on a call');
	// The caller's transcript overflows by now: the check covers scrolling it from the keyboard.
	expect(
		await caller.getByTestId('transcript').evaluate((el) => el.scrollHeight > el.clientHeight)
	).toBe(true);
	await accessible(caller, 'caller with a person');

	// Hand back: the note goes in the package, the line is said to the caller, the note is not.
	await operator.getByTestId('notes').fill('Customer upset - be gentle');
	await operator.getByTestId('caller-line').fill("I've refunded the second $65 charge");
	await operator.getByLabel('Hand back to').selectOption('billing');
	await operator.getByTestId('hand-back').click();
	await expect(caller.getByTestId('owner')).toContainText('billing');
	await expect(caller.locator('[data-role="agent"][data-persona="billing"]').last()).toContainText(
		"I've refunded the second $65 charge. How can I help from here?"
	);
	await expect(caller.getByTestId('transcript')).not.toContainText(/upset|gentle/);
	await expect(operator.getByTestId('operator-status')).toContainText('Olivia · Available');
	await expect(operator).toHaveTitle('Baton · Operator console');
});

test('the hand-back is kept, with the reason, when its line for the caller is too long', async ({
	context
}) => {
	const operator = await context.newPage();
	await operator.goto('/operator');
	await operator.getByTestId('operator-name').fill('Oren');
	await operator.getByRole('button', { name: /sign in/i }).click();
	const caller = await context.newPage();
	await caller.goto('/');
	await caller.getByTestId('text-only').check();
	await caller.getByRole('button', { name: 'Call' }).click();
	await say(caller, 'get me a representative');
	await operator.getByTestId('accept').click();
	await expect(caller.getByTestId('with-human')).toBeVisible();
	// The field stops at the limit; a line pasted in by a script past it is refused, not cut.
	await operator
		.getByTestId('caller-line')
		.evaluate((el: HTMLInputElement) => el.removeAttribute('maxlength'));
	await operator.getByTestId('caller-line').fill('x'.repeat(501));
	await operator.getByTestId('notes').fill('Keep this note');
	await operator.getByTestId('hand-back').click();
	await expect(operator.getByTestId('send-error')).toContainText(
		'The line for the caller is at most 500 characters'
	);
	await expect(operator.getByTestId('notes')).toHaveValue('Keep this note');
	await expect(operator.getByTestId('incoming')).toHaveAttribute('data-state', 'connected');
	await expect(caller.getByTestId('with-human')).toBeVisible();
});
