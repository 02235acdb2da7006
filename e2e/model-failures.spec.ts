import { expect, test } from './fixtures/csp';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

// With WebGPU (SwiftShader's CPU adapter) the page tries to download the natural voice and the
// language model from their hosts; here those hosts are unreachable, as on a kiosk offline before its
// first download. Each failure must be explained, and the call must go on with what is local.

test.use({
	launchOptions: {
		executablePath: CHROMIUM_PATH,
		args: [
			...CHROMIUM_ARGS,
			'--enable-unsafe-webgpu',
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream'
		]
	}
});

test('failed downloads are explained, and the offline voice and scripts serve', async ({
	page
}) => {
	await page
		.context()
		.route(/huggingface\.co|githubusercontent\.com/, (r) => r.abort('internetdisconnected'));
	await page.goto('/?debug');
	// Models load when a voice call starts, not on a page view.
	await page.getByRole('button', { name: 'Call' }).click();
	await expect(page.getByTestId('webgpu')).toHaveAttribute('data-gpu', 'available');
	await expect(page.getByTestId('model-stt')).toHaveAttribute('data-status', 'ready', {
		timeout: 60_000
	});
	await expect(page.getByTestId('model-natural')).toHaveAttribute('data-status', 'failed', {
		timeout: 30_000
	});
	await expect(page.getByTestId('model-natural')).toContainText('offline voice speaks instead');
	await expect(page.getByTestId('model-llm')).toHaveAttribute('data-status', 'failed', {
		timeout: 30_000
	});
	await expect(page.getByTestId('model-llm')).toContainText('built-in scripts answer instead');
	await expect(
		page.getByTestId('model-llm').getByRole('button', { name: 'Try again' })
	).toBeVisible();
	await expect(page.getByTestId('replies-by')).toContainText('built-in scripts');
	await page.getByTestId('say').fill('I have a question about a charge on my bill');
	await page.getByTestId('say').press('Enter');
	await expect(page.getByTestId('owner')).toContainText('billing');
});
