import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';

async function say(page: Page, text: string) {
	const box = page.getByTestId('say');
	await expect(box).toBeEnabled();
	await box.fill(text);
	await box.press('Enter');
}

const lastAgentTurn = (page: Page, persona: string) =>
	page.locator(`[data-role="agent"][data-persona="${persona}"]`).last();

test('the page is cross-origin isolated, so threaded WASM can run', async ({ page }) => {
	await page.goto('/');
	expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
});

test('billing answers with a tool result, then sales opens with the billing context', async ({
	page
}) => {
	await page.goto('/?debug');
	// Typed calls: the fake microphone is for the voice journey.
	await page.getByTestId('text-only').check();
	await page.getByRole('button', { name: 'Call' }).click();
	await expect(lastAgentTurn(page, 'triage')).toContainText('How can I help');

	await say(page, 'Hi, I have a question about a charge on my bill');
	await expect(page.getByTestId('owner')).toContainText('billing');
	await expect(lastAgentTurn(page, 'billing')).toContainText('account number');

	await say(page, 'Sure, my account is AC-10021 and my PIN is 4821');
	// The explanation comes from the explainCharge tool over the dataset.
	await expect(lastAgentTurn(page, 'billing')).toContainText('$49 charge on November 3rd');
	await expect(lastAgentTurn(page, 'billing')).toContainText('annual renewal');
	// The PIN never shows, not even in the caller's own transcript line.
	await expect(page.getByTestId('transcript')).not.toContainText('4821');

	await say(page, 'Actually, I want to upgrade to the Unlimited plan');
	await expect(page.getByTestId('owner')).toContainText('plans and upgrades');
	const opening = lastAgentTurn(page, 'sales');
	// One short sentence proves the context travelled (who she is, verified, what she wants),
	// without reading out again what billing has just told her.
	await expect(opening).toContainText(
		"Maria, I can see you're verified; you're calling about changing or upgrading your plan."
	);
	await expect(opening).not.toContainText('annual renewal');
	await expect(opening).toContainText('Standard ($45)');
	await expect(opening).toContainText('$20 a month more');
	await expect(page.getByTestId('package-trigger')).toHaveText('out_of_scope');
	await expect(page.getByTestId('package-caller')).toContainText('AC-10021');
	await expect(page.getByTestId('package-caller')).toContainText('verified by PIN');
	await page.screenshot({ path: 'test-results/caller-sales-handoff.png', fullPage: true });
});

test('asking for a person shows the human handoff with the package ready', async ({ page }) => {
	await page.goto('/?debug');
	// Typed calls: the fake microphone is for the voice journey.
	await page.getByTestId('text-only').check();
	await page.getByRole('button', { name: 'Call' }).click();
	await say(page, 'I was charged twice, account AC-10022 pin 7310');
	await expect(page.getByTestId('owner')).toContainText('billing');
	await say(page, 'This is ridiculous, just let me talk to a real person');
	await expect(page.getByTestId('human-handoff')).toBeVisible();
	await expect(page.getByTestId('call-state')).toHaveAttribute('data-state', 'on_hold');
	await expect(page.getByTestId('package-route')).toContainText('a person');
	await expect(page.getByTestId('package-trigger')).toHaveText('explicit_request');
	await expect(page.getByTestId('package-caller')).toContainText('AC-10022');
	await expect(page.getByTestId('package-summary')).toContainText('James Carter');
	await page.screenshot({ path: 'test-results/caller-human-handoff.png', fullPage: true });
});

test('the call can be driven from the keyboard alone', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'Call' })).toBeVisible();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('button', { name: 'Call' })).toBeFocused();
	// Text only is the next stop; the fake microphone is for the voice journey.
	await page.keyboard.press('Tab');
	await expect(page.getByTestId('text-only')).toBeFocused();
	await page.keyboard.press('Space');
	await expect(page.getByTestId('text-only')).toBeChecked();
	await page.keyboard.press('Shift+Tab');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('say')).toBeFocused();
	await page.keyboard.type('what plans do you have');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('owner')).toContainText('plans and upgrades');
	await expect(lastAgentTurn(page, 'sales')).toContainText('Unlimited Plus at $85');
});
