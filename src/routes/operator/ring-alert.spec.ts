import { afterEach, describe, expect, it, vi } from 'vitest';
import { alertsPermission, askForAlerts, notifyRinging, RING, startRingTone } from './ring-alert';

/** An AudioContext that records the tones it was asked to play. */
function fakeAudio(state: AudioContextState = 'running') {
	const started: { hz: number; at: number }[] = [];
	let closed = false;
	const param = () => ({
		value: 0,
		setValueAtTime() {},
		linearRampToValueAtTime() {}
	});
	const node = () => ({ gain: param(), connect: (n: unknown) => n });
	const ctx = {
		currentTime: 0,
		state,
		destination: {},
		createGain: node,
		createOscillator() {
			const frequency = param();
			return {
				frequency,
				connect: (n: unknown) => n,
				start: (at: number) => started.push({ hz: frequency.value, at }),
				stop() {}
			};
		},
		resume: async () => {},
		close: async () => {
			closed = true;
		}
	};
	return { ctx: ctx as unknown as AudioContext, started, closed: () => closed };
}

afterEach(() => {
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

describe('the ring tone', () => {
	it('rings two bursts of both tones at once, again every period, until stopped', async () => {
		vi.useFakeTimers();
		const audio = fakeAudio();
		const states: string[] = [];
		const stop = startRingTone(
			(s) => states.push(s),
			() => audio.ctx
		);
		await vi.advanceTimersByTimeAsync(0);
		expect(states).toEqual(['playing']);
		expect(audio.started.map((s) => s.hz)).toEqual([440, 480, 440, 480]);
		await vi.advanceTimersByTimeAsync(RING.periodS * 1000);
		expect(audio.started).toHaveLength(8);
		stop();
		await vi.advanceTimersByTimeAsync(RING.periodS * 3000);
		expect(audio.started).toHaveLength(8);
		expect(audio.closed()).toBe(true);
	});

	it('says so when the browser will not start audio, and plays nothing', async () => {
		const audio = fakeAudio('suspended');
		const states: string[] = [];
		startRingTone(
			(s) => states.push(s),
			() => audio.ctx
		);
		await new Promise((r) => setTimeout(r, 0));
		expect(states).toEqual(['blocked']);
		expect(audio.started).toEqual([]);
		const none: string[] = [];
		startRingTone(
			(s) => none.push(s),
			() => {
				throw new Error('no audio');
			}
		);
		expect(none).toEqual(['blocked']);
	});
});

describe('desktop notifications', () => {
	it('without the API: unsupported, nothing asked, nothing shown', async () => {
		vi.stubGlobal('Notification', undefined);
		expect(alertsPermission()).toBe('unsupported');
		expect(await askForAlerts()).toBe('unsupported');
		expect(() => notifyRinging('Incoming call', '', 'c1')()).not.toThrow();
	});

	it('asks only when undecided, shows one only when granted, and closes it', async () => {
		const shown: { title: string; closed: boolean; onclick?: () => void }[] = [];
		let permission: NotificationPermission = 'default';
		class Fake {
			static get permission() {
				return permission;
			}
			static requestPermission = vi.fn(async () => (permission = 'denied'));
			onclick: (() => void) | null = null;
			entry: (typeof shown)[number];
			constructor(title: string) {
				this.entry = { title, closed: false };
				shown.push(this.entry);
			}
			close() {
				this.entry.closed = true;
			}
		}
		vi.stubGlobal('Notification', Fake);
		expect(await askForAlerts()).toBe('denied');
		expect(await askForAlerts()).toBe('denied');
		expect(Fake.requestPermission).toHaveBeenCalledTimes(1);
		notifyRinging('Incoming call — Maria', 'billing', 'c1');
		expect(shown).toEqual([]);

		permission = 'granted';
		const focus = vi.fn();
		const close = notifyRinging('Incoming call — Maria', 'billing', 'c1', focus);
		expect(shown.map((s) => s.title)).toEqual(['Incoming call — Maria']);
		close();
		expect(shown[0]!.closed).toBe(true);
	});
});
