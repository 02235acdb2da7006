import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';

// The page serves whichever company's flow it is given: the deployment's default, or ?flow=URL.
// A flow with errors starts nothing and says what to fix.

async function say(page: Page, text: string) {
	const box = page.getByTestId('say');
	await expect(box).toBeEnabled();
	await box.fill(text);
	await box.press('Enter');
}

const demo = () => JSON.parse(readFileSync('flows/northwind-mobile.json', 'utf8'));

test('a flow with errors lists each with its path and fix, and offers no Call', async ({
	page
}) => {
	const broken = demo();
	broken.company.name = 'Broken Co';
	broken.personas[1].handoffTo.push('suport');
	broken.personas[2].greeting = 5;
	broken.tools.find((t: { id: string }) => t.id === 'billing.balance').table = 'acounts';
	broken.tools.find((t: { id: string }) => t.id === 'billing.listCharges').item = '{row.amout}';
	await page.route(
		(url) => url.pathname === '/flows/broken.json',
		(route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(broken) })
	);
	await page.goto('/?flow=/flows/broken.json');
	const problems = page.getByRole('alert').filter({ hasText: 'flow has errors' });
	await expect(problems).toBeVisible();
	await expect(problems).toContainText('4 errors');
	await expect(problems).toContainText('personas[1].handoffTo[4]');
	await expect(problems).toContainText('Did you mean "support"?');
	await expect(problems).toContainText('personas[2].greeting');
	await expect(problems).toContainText('Did you mean "accounts"?');
	await expect(problems).toContainText('no field "amout"');
	await expect(page.getByTestId('call-button')).toHaveCount(0);
	await page.screenshot({ path: 'test-results/flow-errors.png', fullPage: true });
});

test('a flow that cannot be fetched says so', async ({ page }) => {
	await page.goto('/?flow=/flows/nowhere.json');
	await expect(page.getByRole('alert')).toContainText('could not be fetched (HTTP 404)');
	await expect(page.getByTestId('call-button')).toHaveCount(0);
});

test('the demo flow named by ?flow= answers a call as the default does', async ({ page }) => {
	await page.goto('/?flow=/flows/northwind-mobile.json');
	await page.getByTestId('text-only').check();
	await expect(page.getByTestId('call-button')).toBeEnabled();
	await page.getByTestId('call-button').click();
	await expect(page.getByTestId('transcript')).toContainText('Thanks for calling Northwind Mobile');
	await say(page, 'what is my balance, account AC-10021 pin 4821');
	await expect(page.getByTestId('transcript')).toContainText('Your balance is $94, due ');
});

test('a dental clinic from its flow file: routes, verifies, answers from a tool, hands on with the context, then to a person', async ({
	page
}) => {
	await page.goto('/?flow=/flows/bright-smile-dental.json&debug');
	await expect(page.locator('h1')).toContainText('Bright Smile Dental');
	await page.getByTestId('text-only').check();
	await page.getByTestId('call-button').click();
	await expect(page.getByTestId('transcript')).toContainText(
		'Thank you for calling Bright Smile Dental'
	);
	await say(page, "I got a bill and I don't understand why I owe $180");
	await expect(page.getByTestId('owner')).toContainText('billing');
	await expect(page.getByTestId('transcript')).toContainText('patient number');
	await say(page, "it's BSD-20417 and my passcode is 5150");
	// The invoice comes from the clinic's own table, through the flow's template.
	await expect(page.getByTestId('transcript')).toContainText('Invoice INV-318');
	await expect(page.getByTestId('transcript')).not.toContainText('5150');
	await say(page, 'does my insurance cover crowns?');
	await expect(page.getByTestId('owner')).toContainText('insurance');
	await expect(page.getByTestId('transcript')).toContainText("Dana, I can see you're verified");
	await expect(page.getByTestId('package-caller')).toContainText('BSD-20417');
	await expect(page.getByTestId('package-caller')).toContainText('verified by passcode');
	await say(page, 'I want to speak to a person please');
	await expect(page.getByTestId('human-handoff')).toBeVisible();
	await expect(page.getByTestId('package-trigger')).toHaveText('explicit_request');
	await expect(page.getByTestId('package-caller')).toContainText('BSD-20417');
	await page.screenshot({ path: 'test-results/dental-human-handoff.png', fullPage: true });
});
