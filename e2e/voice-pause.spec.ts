import { expect, test } from './fixtures/csp';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from './chromium';
import { VOICE_PAUSE_WAV } from './global-setup';

// The adaptive end of turn, with real models: a caller who stops for about half a second after
// "and" is not cut off, although a finished sentence ends a turn after a much shorter pause.

test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS, ...fakeMicArgs(VOICE_PAUSE_WAV)]
	}
});

test('a caller who pauses mid-sentence is heard to the end of it, as one turn', async ({
	page
}) => {
	test.setTimeout(90_000);
	await page.goto('/?debug');
	await page.getByRole('button', { name: 'Call' }).click();
	const caller = page.locator('[data-role="caller"]');
	// Words from both sides of the pause, in the first turn.
	await expect(caller.first()).toContainText(/upgrade|unlimited/i, { timeout: 45_000 });
	await expect(caller.first()).toContainText(/change/i);
	// Nothing of the sentence became a turn of its own.
	await page.waitForTimeout(2_000);
	await expect(caller).toHaveCount(1);
	await expect(page.getByTestId('owner')).toContainText('plans and upgrades');
});
