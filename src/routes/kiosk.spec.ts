import { describe, expect, it } from 'vitest';
import { KIOSK_DEFAULTS, kioskFromUrl, resetDue, type KioskView } from './kiosk';

const url = (q: string) => new URL(`https://kiosk.example/${q}`);

describe('kiosk mode', () => {
	it('is on with ?kiosk=1, with its timings in seconds, and off otherwise', () => {
		expect(kioskFromUrl(url(''))).toBeNull();
		expect(kioskFromUrl(url('?kiosk=0'))).toBeNull();
		expect(kioskFromUrl(url('?kiosk=1'))).toEqual(KIOSK_DEFAULTS);
		expect(kioskFromUrl(url('?kiosk&kiosk-after=3&kiosk-idle=45'))).toEqual({
			afterCallMs: 3000,
			idleMs: 45_000
		});
		// Nonsense or a value that would reset at once falls back to the default.
		expect(kioskFromUrl(url('?kiosk=1&kiosk-after=soon&kiosk-idle=0'))).toEqual(KIOSK_DEFAULTS);
	});

	const o = { afterCallMs: 10_000, idleMs: 60_000 };
	const view = (v: Partial<KioskView>): KioskView => ({
		state: 'listening',
		waitingOnCaller: false,
		endedAt: null,
		lastActivity: 0,
		now: 0,
		...v
	});

	it('resets once the goodbye has been on screen long enough', () => {
		expect(resetDue(o, view({ state: 'ended', endedAt: 0, now: 9_999 }))).toBeNull();
		expect(resetDue(o, view({ state: 'ended', endedAt: 0, now: 10_000 }))).toBe('after-call');
	});

	it('resets a call whose caller went quiet while it waited on them', () => {
		expect(resetDue(o, view({ state: 'listening', lastActivity: 0, now: 59_999 }))).toBeNull();
		expect(resetDue(o, view({ state: 'listening', lastActivity: 0, now: 60_000 }))).toBe('idle');
		expect(resetDue(o, view({ state: 'on_hold', waitingOnCaller: true, now: 60_000 }))).toBe(
			'idle'
		);
		// A tap or a word just now keeps the call.
		expect(resetDue(o, view({ state: 'listening', lastActivity: 30_000, now: 60_000 }))).toBeNull();
	});

	it('never resets while the caller waits for a person, a person has the call, or the agent talks', () => {
		for (const state of ['on_hold', 'queued', 'with_human', 'speaking', 'thinking'] as const)
			expect(resetDue(o, view({ state, now: 10 * 60_000 }))).toBeNull();
		expect(resetDue(o, view({ state: 'idle', now: 10 * 60_000 }))).toBeNull();
	});
});
