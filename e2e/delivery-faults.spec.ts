import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/csp';
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Faults } from '../src/lib/testing/fault-port';
import type { Report } from './fixtures/fault-lab';

// Exactly-once delivery over a real RTCDataChannel between two pages, through the fault-injecting
// port (drops, duplicates, reordering, delays, lost acknowledgements, a channel closed in the
// middle of a package) and real reloads of either page mid-transfer.

type Lab = Awaited<ReturnType<Window['faultLab']>>;
declare global {
	interface Window {
		lab: Lab;
	}
}

async function bundle(): Promise<string> {
	const out = await build({
		entryPoints: [join(import.meta.dirname, 'fixtures', 'fault-lab.ts')],
		bundle: true,
		format: 'iife',
		write: false,
		target: 'es2022'
	});
	return out.outputFiles[0]!.text;
}

const boot = async (page: Page, role: 'caller' | 'operator') => {
	await page.goto('/');
	await page.evaluate(async (role) => {
		window.lab = await window.faultLab(role);
	}, role);
};

type Scenario = {
	name: string;
	caller?: Faults;
	operator?: Faults;
	reload?: 'caller' | 'operator';
};

const SCENARIOS: Scenario[] = [
	{ name: 'clean' },
	{ name: 'drops and duplicates', caller: { drop: 0.3, duplicate: 0.3 }, operator: { drop: 0.3 } },
	{ name: 'reordered and delayed', caller: { reorder: 0.4, delayMs: [0, 30] } },
	{ name: 'lost acknowledgements', operator: { loseAck: 0.7 } },
	{ name: 'channel closed mid-package', caller: { closeAfterFrames: 2 } },
	{ name: 'operator reloads mid-transfer', caller: { delayMs: [20, 60] }, reload: 'operator' },
	{ name: 'caller reloads mid-transfer', caller: { delayMs: [20, 60] }, reload: 'caller' },
	{
		name: 'everything at once',
		caller: { drop: 0.15, duplicate: 0.2, reorder: 0.2, delayMs: [0, 20] },
		operator: { drop: 0.15, loseAck: 0.4 }
	}
];

test('every package arrives exactly once over a real data channel through faults and reloads', async ({
	context
}) => {
	test.setTimeout(180_000);
	await context.addInitScript({ content: await bundle() });
	const reports: Report[] = [];
	await context.exposeBinding('deliveryReport', (_source, r: Report) => void reports.push(r));
	const operator = await context.newPage();
	const caller = await context.newPage();
	await boot(operator, 'operator');
	await boot(caller, 'caller');
	await expect
		.poll(() => caller.evaluate(() => window.lab.ready()), { timeout: 20_000 })
		.toBe(true);
	const base = await caller.evaluate(() => window.lab.makePackage());

	const outcomes: {
		name: string;
		takenIn: number;
		shownOnLastScreen: boolean;
		mostOnOneScreen: number;
	}[] = [];
	for (const s of SCENARIOS) {
		const pkg = { ...base, handoffId: randomUUID(), callId: randomUUID() };
		await operator.evaluate((f) => window.lab.setFaults(f), s.operator ?? {});
		await caller.evaluate((f) => window.lab.setFaults(f), s.caller ?? {});
		await expect
			.poll(() => caller.evaluate(() => window.lab.ready()), { timeout: 20_000 })
			.toBe(true);
		await operator.evaluate((callId) => window.lab.ring(callId), pkg.callId);
		let screenFrom = reports.length;
		await caller.evaluate((p) => window.lab.send(p), pkg);
		if (s.reload === 'operator') {
			await operator.reload();
			await boot(operator, 'operator');
			await operator.evaluate((callId) => window.lab.ring(callId), pkg.callId);
			screenFrom = reports.length;
			await expect
				.poll(() => caller.evaluate(() => window.lab.ready()), { timeout: 20_000 })
				.toBe(true);
			// The console's screen is new and empty: the caller offers the handoff again.
			await caller.evaluate((p) => window.lab.send(p), pkg);
		} else if (s.reload === 'caller') {
			await caller.reload();
			await boot(caller, 'caller');
			await caller.evaluate((h) => window.lab.resume(h), pkg.handoffId);
		}
		const mine = () =>
			reports.flatMap((r, i) =>
				r.type === 'taken' && r.handoffId === pkg.handoffId ? [{ ...r, i }] : []
			);
		await expect
			.poll(
				async () =>
					mine().some((r) => r.shown && r.i >= screenFrom) &&
					(await caller.evaluate((h) => window.lab.pending(h), pkg.handoffId)) === 0,
				{ timeout: 30_000, message: s.name }
			)
			.toBe(true);
		const before = mine().filter((r) => r.i < screenFrom && r.shown).length;
		const after = mine().filter((r) => r.i >= screenFrom && r.shown).length;
		outcomes.push({
			name: s.name,
			takenIn: mine().filter((r) => !r.duplicate).length,
			shownOnLastScreen: after === 1,
			mostOnOneScreen: Math.max(before, after)
		});
	}
	const errors = reports.flatMap((r) => (r.type === 'error' ? [r.code] : []));
	console.log(
		`handoffs ${outcomes.length}; typed errors the links reported: ${[...new Set(errors)].join(', ') || 'none'}`
	);
	expect(outcomes).toEqual(
		SCENARIOS.map((s) => ({
			name: s.name,
			takenIn: 1,
			shownOnLastScreen: true,
			mostOnOneScreen: 1
		}))
	);
	expect(errors.filter((c) => c === 'wrong_call')).toEqual([]);
});
