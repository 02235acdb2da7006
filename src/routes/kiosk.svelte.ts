import { openBatonDB } from '$lib/storage/db';
import { AuditLog } from '$lib/storage/audit-log';
import { wipeCallerData } from '$lib/storage/wipe';
import { ScreenWakeLock } from '$lib/ui/wake-lock.svelte';
import type { VoiceAgent } from '$lib/voice/voice-agent.svelte';
import type { CallController } from './call.svelte';
import { kioskFromUrl, resetDue, type KioskOptions } from './kiosk';

// Kiosk mode on the caller's page (kiosk.ts has its rules): the screen kept awake, full screen from
// the first tap, and a reset between callers, after the goodbye or when a caller walks away: the
// call is ended, the previous caller's words leave the screen, the page's memory and storage
// (storage/wipe.ts), and the next visitor starts with a tap. The audit record of each call, which
// holds no caller's words, is kept.

const EVERY_MS = 500;

export class Kiosk {
	readonly wake = new ScreenWakeLock();
	/** How many times the page has reset, and why it last did. */
	resets = $state(0);
	lastReset = $state<'after-call' | 'idle' | null>(null);
	readonly options: KioskOptions;
	readonly #call: CallController;
	readonly #voice: VoiceAgent;
	readonly #onReset: () => void;
	#lastActivity = Date.now();
	#endedAt: number | null = null;
	#resetting = false;

	constructor(
		options: KioskOptions,
		deps: { call: CallController; voice: VoiceAgent; onReset: () => void }
	) {
		this.options = options;
		this.#call = deps.call;
		this.#voice = deps.voice;
		this.#onReset = deps.onReset;
	}

	/** Runs kiosk mode until the returned function is called. */
	start(): () => void {
		const release = this.wake.start();
		const seen = () => this.activity();
		const events = ['pointerdown', 'keydown', 'input'] as const;
		for (const e of events) addEventListener(e, seen, { capture: true, passive: true });
		const timer = setInterval(() => this.#tick(), EVERY_MS);
		void openBatonDB()
			.then((db) => this.#call.keepAudit(new AuditLog(db)))
			.catch(() => {
				// No IndexedDB (a private window in some browsers): calls go on, unrecorded.
			});
		return () => {
			release();
			clearInterval(timer);
			for (const e of events) removeEventListener(e, seen, { capture: true });
		};
	}

	/** The caller did something (tapped, typed, spoke): the idle timeout starts again. */
	activity(): void {
		this.#lastActivity = Date.now();
	}

	/** Inside the visitor's tap on Call: full screen, where the browser allows it. */
	enterFullscreen(): void {
		if (document.fullscreenElement || !document.documentElement.requestFullscreen) return;
		document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => {
			// Refused (no gesture, or a browser in its own kiosk mode already): the page is the same.
		});
	}

	#tick(): void {
		const call = this.#call;
		if (call.state === 'ended') this.#endedAt ??= Date.now();
		else this.#endedAt = null;
		const due = resetDue(this.options, {
			state: call.state,
			waitingOnCaller: call.fallback !== null,
			endedAt: this.#endedAt,
			lastActivity: this.#lastActivity,
			now: Date.now()
		});
		if (due) void this.reset(due);
	}

	/** Ends any call and wipes the previous caller from the screen, memory and storage. */
	async reset(reason: 'after-call' | 'idle'): Promise<void> {
		if (this.#resetting) return;
		this.#resetting = true;
		try {
			this.#call.clear();
			await Promise.all([
				this.#voice.cancelSpeech(),
				this.#voice.stopListening(),
				// The language model's cached conversation (web-llm keeps the last prompt's state).
				this.#voice.models.engine?.resetChat().catch(() => {})
			]);
			this.#onReset();
			const db = await openBatonDB();
			try {
				await wipeCallerData(db);
			} finally {
				db.close();
			}
		} finally {
			this.#endedAt = null;
			this.#lastActivity = Date.now();
			this.lastReset = reason;
			this.resets++;
			this.#resetting = false;
		}
	}
}

/**
 * The caller page's kiosk, when its address asks for one (`?kiosk=1`), running while the page is
 * open: started with the page, and told of each word heard or typed (the caller is still there).
 * Call during the page's set-up.
 */
export function kioskOnPage(
	url: URL,
	deps: { call: CallController; voice: VoiceAgent; onReset: () => void }
): Kiosk | null {
	const options = kioskFromUrl(url);
	if (!options) return null;
	const kiosk = new Kiosk(options, deps);
	$effect(() => kiosk.start());
	$effect(() => {
		void deps.call.transcript.length;
		kiosk.activity();
	});
	return kiosk;
}
