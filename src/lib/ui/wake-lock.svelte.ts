// The screen kept awake while a kiosk's page is open (Screen Wake Lock). The browser releases the
// lock whenever the page is hidden (another tab, a locked screen, a minimised window); it is asked
// for again each time the page becomes visible.

export type WakeState = 'unsupported' | 'held' | 'released' | 'refused';

type Sentinel = EventTarget & { released: boolean; release(): Promise<void> };
type WakeLockApi = { request(type: 'screen'): Promise<Sentinel> };

export class ScreenWakeLock {
	#state = $state<WakeState>('released');
	#sentinel: Sentinel | null = null;
	#active = false;
	/** Why the last request was refused (the browser's words), if it was. */
	#reason = $state<string | null>(null);

	get state() {
		return this.#state;
	}
	get reason() {
		return this.#reason;
	}

	/** Holds the lock from now until the returned function is called. */
	start(): () => void {
		const api = (navigator as Navigator & { wakeLock?: WakeLockApi }).wakeLock;
		if (!api) {
			this.#state = 'unsupported';
			return () => {};
		}
		this.#active = true;
		const onVisible = () => {
			if (document.visibilityState === 'visible') void this.#acquire(api);
		};
		document.addEventListener('visibilitychange', onVisible);
		void this.#acquire(api);
		return () => {
			this.#active = false;
			document.removeEventListener('visibilitychange', onVisible);
			void this.#sentinel?.release().catch(() => {});
			this.#sentinel = null;
			this.#state = 'released';
		};
	}

	async #acquire(api: WakeLockApi): Promise<void> {
		if (!this.#active || (this.#sentinel && !this.#sentinel.released)) return;
		try {
			const sentinel = await api.request('screen');
			if (!this.#active) {
				await sentinel.release();
				return;
			}
			this.#sentinel = sentinel;
			this.#state = 'held';
			this.#reason = null;
			sentinel.addEventListener('release', () => {
				if (this.#sentinel === sentinel) this.#state = 'released';
			});
		} catch (e) {
			// Refused: the page is hidden, or a battery saver or a policy forbids it. Asked again the
			// next time the page becomes visible.
			this.#state = 'refused';
			this.#reason = (e as Error).message;
		}
	}
}
