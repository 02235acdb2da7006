import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from './chromium';
import { VOICE_CALLER_WAV } from './global-setup';

// The voice journey, with real models in Chromium: Silero VAD (vad-web, served by the app), Moonshine
// tiny speech-to-text in a worker, and the espeak-ng offline voice (no GPU here, and the Kokoro
// weights are in no package). The fake microphone plays an espeak-ng caller who waits out the
// greeting, asks about a charge on the bill, then talks over the billing agent's answer.

test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS, ...fakeMicArgs(VOICE_CALLER_WAV)]
	}
});

test('a voice call: heard, transcribed, routed to billing, answered aloud, and interrupted', async ({
	page
}) => {
	test.setTimeout(120_000);
	await page.goto('/');
	await expect(page.getByTestId('webgpu')).toHaveAttribute('data-gpu', 'unavailable');
	await expect(page.getByTestId('model-stt')).toHaveAttribute('data-status', 'ready', {
		timeout: 60_000
	});
	await expect(page.getByTestId('model-voice')).toHaveAttribute('data-status', 'ready');
	await expect(page.getByTestId('model-stt')).toContainText('WASM');

	// The level meter reads an AnalyserNode on the agent's output; sample it while the call runs.
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

	await page.getByRole('button', { name: 'Call' }).click();
	await expect(page.getByTestId('voicebar')).toBeVisible();
	// The greeting is spoken: real, non-silent audio at the analyser.
	expect(await peak()).toBeGreaterThan(0.02);

	const caller = page.locator('[data-role="caller"]');
	await expect(caller.first()).toContainText(/charge/i, { timeout: 30_000 });
	await expect(caller.first()).toContainText(/bill/i);
	await expect(page.getByTestId('owner')).toContainText('billing');
	await expect(page.getByTestId('agent-level')).toHaveAttribute('data-speaking', 'true');
	expect(await peak()).toBeGreaterThan(0.02);
	await page.screenshot({ path: 'test-results/voice-call-mid.png', fullPage: true });

	// The caller talks over billing's answer: playback stops, and what they said is a new turn.
	await expect(page.getByTestId('t-barge-in')).toBeVisible({ timeout: 30_000 });
	await expect(caller.nth(1)).toContainText(/right now/i, { timeout: 30_000 });
	await expect(page.getByTestId('t-first-audio')).toBeVisible();
	console.log(
		`voice call timings: ${(await page.getByTestId('voice-timings').innerText()).replace(/\s+/g, ' ')}`
	);
	await expect(page.getByTestId('spoken-by')).toContainText('offline voice');
});

test('a refused microphone is explained, and the call carries on by typing', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.addInitScript(() => {
		navigator.mediaDevices.getUserMedia = async () => {
			throw new DOMException('Permission denied', 'NotAllowedError');
		};
	});
	await page.goto('/');
	await page.getByRole('button', { name: 'Call' }).click();
	await expect(page.getByTestId('mic-error')).toContainText('Microphone access was denied');
	await expect(page.getByTestId('mic')).toHaveAttribute('data-mic', 'failed');
	await page.getByTestId('say').fill('I have a question about a charge on my bill');
	await page.getByTestId('say').press('Enter');
	await expect(page.getByTestId('owner')).toContainText('billing');
	await context.close();
});
