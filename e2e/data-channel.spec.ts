import { expect, test } from './fixtures/csp';
import { build } from 'esbuild';
import { join } from 'node:path';

// The data-channel protocol over a real RTCDataChannel in Chromium: malformed and oversized frames
// are rejected while the link stays up, and a duplicate delivery is applied once.

async function bundle(): Promise<string> {
	const out = await build({
		entryPoints: [join(import.meta.dirname, 'fixtures', 'link-lab.ts')],
		bundle: true,
		format: 'iife',
		write: false,
		target: 'es2022'
	});
	return out.outputFiles[0]!.text;
}

test('malformed, oversized and duplicate frames over a real data channel', async ({ page }) => {
	// ?debug shows the raw package this journey reads.
	await page.goto('/?debug');
	// A real package, made by the app's own core through the simulator-equivalent page flow.
	// Typed calls: the fake microphone is for the voice journey.
	await page.getByTestId('text-only').check();
	await page.getByRole('button', { name: 'Call' }).click();
	await page.getByTestId('say').fill('let me talk to a person');
	await page.getByTestId('say').press('Enter');
	await expect(page.getByTestId('package-trigger')).toHaveText('explicit_request');
	await page.getByText('Raw package (JSON)').click();
	const pkg = JSON.parse((await page.locator('aside pre').textContent())!);

	// Evaluated over the DevTools protocol: the page's policy admits no inline <script>.
	await page.evaluate(await bundle());
	const result = await page.evaluate(async (pkg) => {
		const lab = await window.linkLab();
		const until = async (f: () => boolean | Promise<boolean>) => {
			for (let i = 0; i < 100 && !(await f()); i++) await new Promise((r) => setTimeout(r, 50));
		};
		lab.rawSend('{ this is not json');
		lab.rawSend(
			JSON.stringify({ v: 1, type: 'package', id: 'x', seq: 1, payload: { not: 'a package' } })
		);
		lab.rawSend(JSON.stringify({ v: 9, type: 'teleport', id: 'y', seq: 2, payload: {} }));
		// Oversized: chunks that would reassemble past the receiver's 1 MiB limit.
		const part = 'z'.repeat(200 * 1024);
		for (let index = 0; index < 6; index++) {
			lab.rawSend(
				JSON.stringify({
					v: 1,
					type: 'chunk',
					id: `c${index}`,
					seq: 3 + index,
					payload: { of: 'huge', index, total: 6, data: part }
				})
			);
		}
		await until(() => lab.received().length >= 4);
		const afterBad = lab.received().length;
		const open = lab.channelOpen();
		// Duplicate delivery: the same handoff twice under two message ids.
		const env = (id: string) =>
			JSON.stringify({ v: 1, type: 'package', id, seq: 10, payload: pkg });
		lab.rawSend(env('dup-1'));
		lab.rawSend(env('dup-2'));
		await until(() => lab.received().length >= afterBad + 2);
		// And the link still carries a reliable package end to end, chunked if needed.
		await lab.sendPackage({ ...pkg, handoffId: crypto.randomUUID() });
		await until(async () => (await lab.pendingAtSender()) === 0);
		return {
			received: lab.received(),
			open,
			pending: await lab.pendingAtSender(),
			max: lab.maxMessageSize
		};
	}, pkg);

	console.log(`data channel max message size ${result.max} bytes`);
	expect(result.open).toBe(true);
	const rejected = result.received.flatMap((r) => ('rejected' in r ? [r.rejected] : []));
	expect(rejected).toEqual([
		'malformed_json',
		'invalid_envelope',
		'invalid_envelope',
		'message_too_large'
	]);
	const packages = result.received.filter((r) => 'type' in r && r.type === 'package');
	expect(packages.map((p) => ('duplicate' in p ? p.duplicate : null))).toEqual([
		false,
		true,
		false
	]);
	expect(result.pending).toBe(0);
});
