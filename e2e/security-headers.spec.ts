import { expect, test } from './fixtures/csp';

// The policy every journey runs under, and the check that holds them to it: the page's header and
// SvelteKit's meta tag allow the same bootstrap script, and a violation in the page or in a model
// worker is caught (each case below takes its violations back, so the test itself passes).

const directive = (policy: string, name: string) =>
	policy
		.split(';')
		.map((d) => d.trim().split(/\s+/))
		.find(([n]) => n === name)
		?.slice(1) ?? [];

test('the page is served with the policy, and its meta tag allows the same script', async ({
	page
}) => {
	const res = (await page.goto('/'))!;
	const headers = res.headers();
	const policy = headers['content-security-policy'] ?? '';
	expect(policy).not.toContain("'unsafe-eval'");
	expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['permissions-policy']).toContain('microphone=(self)');
	const meta = await page
		.locator('meta[http-equiv="content-security-policy"]')
		.getAttribute('content');
	expect(directive(meta ?? '', 'script-src')).toEqual(directive(policy, 'script-src'));
	expect(directive(policy, 'script-src').some((s) => s.startsWith("'sha256-"))).toBe(true);
	// The app started, so its inline bootstrap script ran under both.
	await expect(page.getByRole('button', { name: 'Call' })).toBeEnabled();
	expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
});

test('violations in the page are caught: an inline script, a foreign host', async ({
	page,
	cspViolations
}) => {
	await page.goto('/');
	await expect(page.getByRole('button', { name: 'Call' })).toBeEnabled();
	const outcomes = await page.evaluate(async () => {
		const out: string[] = [];
		const script = document.createElement('script');
		script.textContent = 'document.documentElement.dataset.injected = "ran"';
		document.head.append(script);
		out.push(document.documentElement.dataset.injected ?? 'blocked');
		await fetch('https://elsewhere.example/').catch((e: Error) => out.push(e.name));
		return out;
	});
	expect(outcomes).toEqual(['blocked', 'TypeError']);
	await expect
		.poll(() => cspViolations.map((v) => `${v.directive} ${v.blocked}`))
		.toEqual(
			expect.arrayContaining(['script-src-elem inline', 'connect-src https://elsewhere.example/'])
		);
	cspViolations.splice(0);
});

test('a violation inside a model worker is caught', async ({ page, cspViolations }) => {
	// Speech recognition pointed at a host the deployment did not declare (BATON_MODEL_HOSTS): the
	// worker's download is refused by the policy, and the page explains the failed model.
	await page.goto('/?debug&models=https://models.elsewhere.example/');
	await page.getByRole('button', { name: 'Call' }).click();
	await expect(page.getByTestId('model-stt')).toHaveAttribute('data-status', 'failed', {
		timeout: 30_000
	});
	await expect
		.poll(() => cspViolations.filter((v) => v.blocked.includes('models.elsewhere.example')))
		.not.toEqual([]);
	const caught = cspViolations.filter((v) => v.blocked.includes('models.elsewhere.example'));
	expect(caught.every((v) => v.directive === 'connect-src')).toBe(true);
	expect(caught.some((v) => /stt\.worker/.test(v.where))).toBe(true);
	cspViolations.splice(0);
});
