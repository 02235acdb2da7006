// How a ringing call reaches an operator who is looking elsewhere: a ring tone made with Web Audio
// (no sound file), and a desktop notification when the operator has allowed them. Each start
// returns what stops it; the console stops both on accept, decline, a missed call or a hang-up.

/** What the console can tell about desktop notifications in this browser. */
export type AlertsPermission = 'granted' | 'denied' | 'default' | 'unsupported';

type NotificationApi = {
	readonly permission: NotificationPermission;
	requestPermission(): Promise<NotificationPermission>;
};

function api():
	(NotificationApi & (new (title: string, o?: NotificationOptions) => Notification)) | null {
	return typeof Notification === 'undefined' ? null : Notification;
}

export function alertsPermission(): AlertsPermission {
	return api()?.permission ?? 'unsupported';
}

/**
 * Asks to show desktop notifications; call it from a click (browsers ignore a request made
 * without one). Never throws: a refusal or a browser without notifications is an answer.
 */
export async function askForAlerts(): Promise<AlertsPermission> {
	const n = api();
	if (!n) return 'unsupported';
	if (n.permission !== 'default') return n.permission;
	try {
		return await n.requestPermission();
	} catch {
		return n.permission;
	}
}

/** One ring: two short bursts of a two-tone bell, then a pause; repeated until stopped. */
export const RING = { burstS: 0.4, gapS: 0.2, periodS: 3, tonesHz: [440, 480], gain: 0.12 };

/**
 * Plays the ring tone until stopped. The AudioContext is made here, after the operator has
 * clicked on the page (signing in), which browsers require; where audio cannot start, `onState`
 * says so and the visual alerts carry on alone.
 */
export function startRingTone(
	onState: (state: 'playing' | 'blocked') => void = () => {},
	make: () => AudioContext = () => new AudioContext()
): () => void {
	let ctx: AudioContext;
	try {
		ctx = make();
	} catch {
		onState('blocked');
		return () => {};
	}
	const out = ctx.createGain();
	out.gain.value = RING.gain;
	out.connect(ctx.destination);
	const burst = (at: number) => {
		for (const hz of RING.tonesHz) {
			const osc = ctx.createOscillator();
			const env = ctx.createGain();
			osc.frequency.value = hz;
			// Soft edges: no click at the start or the end of a burst.
			env.gain.setValueAtTime(0, at);
			env.gain.linearRampToValueAtTime(0.5, at + 0.02);
			env.gain.setValueAtTime(0.5, at + RING.burstS - 0.03);
			env.gain.linearRampToValueAtTime(0, at + RING.burstS);
			osc.connect(env).connect(out);
			osc.start(at);
			osc.stop(at + RING.burstS);
		}
	};
	const ring = () => {
		const at = ctx.currentTime + 0.05;
		burst(at);
		burst(at + RING.burstS + RING.gapS);
	};
	let timer: ReturnType<typeof setInterval> | undefined;
	void ctx
		.resume()
		.then(() => {
			if (ctx.state !== 'running') return onState('blocked');
			onState('playing');
			ring();
			timer = setInterval(ring, RING.periodS * 1000);
		})
		.catch(() => onState('blocked'));
	return () => {
		clearInterval(timer);
		void ctx.close().catch(() => {});
	};
}

/**
 * Shows a desktop notification for the ringing call when allowed; clicking it brings the console
 * forward. Returns what closes it.
 */
export function notifyRinging(
	title: string,
	body: string,
	tag: string,
	focus: () => void = () => window.focus()
): () => void {
	const n = api();
	if (!n || n.permission !== 'granted') return () => {};
	let note: Notification;
	try {
		note = new n(title, { body, tag, requireInteraction: true });
	} catch {
		// Some browsers allow notifications only from a service worker; the page alerts carry on.
		return () => {};
	}
	note.onclick = () => {
		focus();
		note.close();
	};
	return () => note.close();
}
