import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ContextPackage } from '../../agents/handoff/context-package';
import { openBatonDB } from '../../storage/db';
import { runCall } from '../../testing/calls';
import { DeliveryLab, SCENARIOS } from '../../testing/delivery-lab';
import { seeded } from '../../testing/fault-port';
import { fuzzLink, fuzzParser, fuzzReassembler } from '../../testing/fuzz-delivery';
import { admitPackage } from './admit';

// Exactly-once delivery of context packages through a faulty channel (the fault-injecting port
// over the in-memory pair), and a small run of the fuzz that `npm run bench:delivery` runs large.

let made: Promise<ContextPackage> | null = null;
function aPackage(): Promise<ContextPackage> {
	made ??= runCall(
		['what is my balance', 'AC-10021 pin 4821', 'let me talk to a person'],
		'external'
	).then((s) => s.packages.at(-1)!);
	return made;
}

describe('the console shows a package', () => {
	it('only on the ring for its call, and never over one already shown', () => {
		const pkg = { callId: 'c1', handoffId: 'h1' };
		expect(admitPackage({ callId: 'c1', pkg: null }, pkg)).toBe('show');
		expect(admitPackage({ callId: 'c2', pkg: null }, pkg)).toBe('wrong_call');
		expect(admitPackage({ callId: 'c1', pkg }, pkg)).toBe('already_shown');
		// A manually paired ring names no call; its link has already held it to one.
		expect(admitPackage({ callId: null, pkg: null }, pkg)).toBe('show');
		expect(admitPackage({ callId: null, pkg }, pkg)).toBe('already_shown');
	});
});

describe('handoffs through faults', { timeout: 30_000 }, () => {
	it.each(SCENARIOS)('%s: every package taken in exactly once', async (scenario) => {
		const pkg = await aPackage();
		const lab = await DeliveryLab.open(`spec-${scenario}`, { random: seeded(7) });
		let left = 0;
		for (let i = 0; i < 3; i++) {
			const r = await lab.handoff(pkg, scenario, 8000);
			left += r.waiting;
			if (r.owed) expect(r.delivered, `${scenario} #${i}`).toBe(true);
			expect(r.takenIn, `${scenario} #${i}`).toBeLessThanOrEqual(1);
			if (r.owed) expect(r.takenIn, `${scenario} #${i}`).toBe(1);
			expect(r.mostOnOneScreen).toBeLessThanOrEqual(1);
			expect(r.otherCalls).toBe(0);
		}
		// What callers who left behind waits, scoped to their handoffs, until it expires.
		expect(await lab.waiting()).toBe(left);
		if (scenario !== 'abandoned') expect(left).toBe(0);
		expect(await lab.waiting(Date.now() + DeliveryLab.expiresAfterMs)).toBe(0);
	});

	it('a screen rebuilt after an operator reload still gets the package, taken in once', async () => {
		const pkg = await aPackage();
		const lab = await DeliveryLab.open('spec-reload-screens', { random: seeded(3) });
		const results = [];
		for (let i = 0; i < 6; i++) results.push(await lab.handoff(pkg, 'reload_operator', 8000));
		expect(results.every((r) => r.delivered && r.takenIn === 1 && r.screens === 2)).toBe(true);
	});
});

describe('fuzz (small run; the benchmark runs 100,000 and more)', { timeout: 30_000 }, () => {
	it('the envelope parser answers every message with a typed error or an envelope', async () => {
		const r = fuzzParser(await aPackage(), 3000, 11);
		expect(r.messages).toBe(3000);
		expect(r.untyped, r.example).toBe(0);
		expect(Object.keys(r.codes)).toEqual(
			expect.arrayContaining(['malformed_json', 'invalid_envelope'])
		);
	});

	it('the reassembler never hands back a message different from the one sent', () => {
		const r = fuzzReassembler(3000, 12);
		expect(r.untyped, r.example).toBe(0);
		expect(r.corrupted).toBe(0);
		expect(r.reassembled).toBeGreaterThan(0);
	});

	it('a link fed hostile frames stays up and still delivers a package', async () => {
		const r = await fuzzLink(await aPackage(), 3000, 13, {
			sender: await openBatonDB('fuzz-spec-sender'),
			receiver: await openBatonDB('fuzz-spec-receiver')
		});
		expect(r.messages).toBe(3000);
		expect(r.untyped, r.example).toBe(0);
		expect(r.stillUp).toBe(true);
	});
});
