import type { CallState } from '$lib/agents/events';

// Kiosk mode's rules, apart from the browser: when it is on, and when the page resets for the next
// visitor. `?kiosk=1` turns it on; `kiosk-after=S` is how long the goodbye stays on screen after a
// call ends (default 10 s) and `kiosk-idle=S` how long the page waits for a caller who went quiet
// before it ends the call and resets (default 90 s).

export type KioskOptions = { afterCallMs: number; idleMs: number };

export const KIOSK_DEFAULTS: KioskOptions = { afterCallMs: 10_000, idleMs: 90_000 };

/** Kiosk mode's settings from the page's address, or null when it is off. */
export function kioskFromUrl(url: URL): KioskOptions | null {
	const on = url.searchParams.get('kiosk');
	if (on === null || on === '0' || on === 'false') return null;
	const seconds = (name: string, fallback: number, min: number) => {
		const raw = url.searchParams.get(name);
		const n = raw === null ? NaN : Number(raw);
		// An unreadable or too small value falls back to the default rather than reset at once.
		return Number.isFinite(n) && n >= min ? Math.round(n * 1000) : fallback;
	};
	return {
		afterCallMs: seconds('kiosk-after', KIOSK_DEFAULTS.afterCallMs, 1),
		idleMs: seconds('kiosk-idle', KIOSK_DEFAULTS.idleMs, 2)
	};
}

export type KioskView = {
	state: CallState;
	/** The call is waiting on the caller: their turn, or their choice after no one could take it. */
	waitingOnCaller: boolean;
	/** When the call ended (ms), or null while it has not. */
	endedAt: number | null;
	/** The caller's last sign of life: a tap, a key, a word heard or typed (ms). */
	lastActivity: number;
	now: number;
};

/**
 * Whether the page resets now, and why: the goodbye has been on screen long enough, or the caller
 * has gone quiet while the call waits on them. Never while the agent speaks or thinks, a person has
 * the call, or the caller waits in the queue or on hold for a person.
 */
export function resetDue(o: KioskOptions, v: KioskView): 'after-call' | 'idle' | null {
	if (v.state === 'idle') return null;
	if (v.state === 'ended') {
		if (v.endedAt !== null && v.now - v.endedAt >= o.afterCallMs) return 'after-call';
		return v.now - v.lastActivity >= o.idleMs ? 'idle' : null;
	}
	const waits = v.state === 'listening' || (v.state === 'on_hold' && v.waitingOnCaller);
	return waits && v.now - v.lastActivity >= o.idleMs ? 'idle' : null;
}
