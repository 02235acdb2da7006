import { expect, test } from './fixtures/csp';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from './chromium';
import { VOICE_HUMAN_WAV } from './global-setup';

// A voice caller asks for a person out loud. The assistant stops listening while the person has the
// call (the microphone goes to the peer link), and starts again when the person hands back.

test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [
			...CHROMIUM_ARGS,
			...fakeMicArgs(VOICE_HUMAN_WAV),
			'--disable-features=WebRtcHideLocalIpsWithMdns'
		]
	}
});

test('a spoken request for a person reaches the console, and the assistant listens again after hand-back', async ({
	context
}) => {
	test.setTimeout(90_000);
	const operator = await context.newPage();
	await operator.goto('/operator');
	await operator.getByTestId('operator-name').fill('Olivia');
	await operator.getByRole('button', { name: /sign in/i }).click();

	const caller = await context.newPage();
	await caller.goto('/');
	// Speech recognition loads once the call starts; what the caller says meanwhile waits for it.
	await caller.getByRole('button', { name: 'Call' }).click();
	await expect(caller.locator('[data-role="caller"]').first()).toContainText(/person/i, {
		timeout: 30_000
	});
	await expect(operator.getByTestId('package-trigger')).toHaveText('explicit_request', {
		timeout: 10_000
	});
	await expect(caller.getByTestId('mic')).toHaveText('On hold');
	await operator.getByTestId('accept').click();
	await expect(caller.getByTestId('with-human')).toContainText('Olivia');
	await expect(caller.getByTestId('mic')).toHaveText('Talking with a person');
	await expect(caller.getByTestId('mic')).toHaveAttribute('data-mic', 'off');

	await operator.getByTestId('hand-back').click();
	await expect(caller.getByTestId('call-state')).toHaveAttribute('data-state', 'listening');
	await expect(caller.getByTestId('mic')).toHaveAttribute('data-mic', 'listening', {
		timeout: 10_000
	});
});
