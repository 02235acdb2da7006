// The agent's voice: a queue of synthesized sentences played back to back on an AudioContext of its
// own, so barge-in can pause it at once (suspending the context stops sound within one render
// quantum) and resume it where it was, or cancel everything queued. An AnalyserNode on the output
// gives the level meter, and lets tests check that real sound came out.

export type PlaybackEvents = {
	/** The first sentence of a run started sounding. */
	onStart?: () => void;
	/** The queue ran dry (or was cancelled). */
	onIdle?: () => void;
};

export class Playback {
	readonly analyser: AnalyserNode;
	readonly #ctx: AudioContext;
	readonly #events: PlaybackEvents;
	readonly #sources = new Set<AudioBufferSourceNode>();
	#endsAt = 0;
	#paused = false;
	/** A run was queued while paused: its start is reported on resume. */
	#startHeld = false;
	#levelBuffer: Float32Array<ArrayBuffer>;

	constructor(ctx: AudioContext, events: PlaybackEvents = {}) {
		this.#ctx = ctx;
		this.#events = events;
		this.analyser = ctx.createAnalyser();
		this.analyser.fftSize = 1024;
		this.analyser.connect(ctx.destination);
		this.#levelBuffer = new Float32Array(this.analyser.fftSize);
	}

	/** Queues one sentence; it starts when the previous one ends. */
	enqueue(samples: Float32Array, sampleRate: number): void {
		if (samples.length === 0) return;
		const buffer = this.#ctx.createBuffer(1, samples.length, sampleRate);
		buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0);
		const source = this.#ctx.createBufferSource();
		source.buffer = buffer;
		source.connect(this.analyser);
		const startAt = Math.max(this.#ctx.currentTime, this.#endsAt);
		const first = this.#sources.size === 0;
		this.#sources.add(source);
		this.#endsAt = startAt + buffer.duration;
		source.onended = () => {
			this.#sources.delete(source);
			source.disconnect();
			if (this.#sources.size === 0) {
				this.#endsAt = 0;
				this.#events.onIdle?.();
			}
		};
		source.start(startAt);
		// Held by a barge-in, it is not sounding yet: it starts when resumed.
		if (first) {
			if (this.#paused) this.#startHeld = true;
			else this.#events.onStart?.();
		}
		if (this.#ctx.state === 'suspended' && !this.#paused) void this.#ctx.resume();
	}

	/** Inside a user gesture: lets a context created before it (suspended by autoplay rules) play. */
	wake(): void {
		if (this.#ctx.state === 'suspended' && !this.#paused) void this.#ctx.resume();
	}

	/** Barge-in: silence now, keep the queue. */
	async pause(): Promise<void> {
		if (this.#paused) return;
		this.#paused = true;
		await this.#ctx.suspend();
	}

	/** A backchannel ("mm-hm"): carry on from where it stopped. */
	async resume(): Promise<void> {
		if (!this.#paused) return;
		this.#paused = false;
		await this.#ctx.resume();
		// Paused again meanwhile: the held start waits for the next resume.
		if (this.#paused) return;
		if (this.#startHeld && this.#sources.size > 0) this.#events.onStart?.();
		this.#startHeld = false;
	}

	/**
	 * A real interruption: drop everything queued. With `hold` (a caller turn is still open) the
	 * output stays paused, so what is queued next waits for that turn too.
	 */
	async cancel(hold = false): Promise<void> {
		for (const s of [...this.#sources]) {
			s.onended = null;
			try {
				s.stop();
			} catch {
				// Not started yet: nothing to stop.
			}
			s.disconnect();
		}
		const had = this.#sources.size > 0;
		const wasPaused = this.#paused;
		this.#sources.clear();
		this.#endsAt = 0;
		this.#startHeld = false;
		if (hold) await this.pause();
		else {
			this.#paused = false;
			// Only a barge-in pause needs undoing. Waiting on resume() otherwise would hold a new
			// call's greeting until the audio device has started (a few hundred milliseconds).
			if (wasPaused) await this.#ctx.resume();
		}
		if (had) this.#events.onIdle?.();
	}

	/** RMS level of what is sounding now, 0–1. */
	level(): number {
		const buf = this.#levelBuffer;
		this.analyser.getFloatTimeDomainData(buf);
		return rms(buf);
	}
}

/** Root mean square of samples (0–1 for audio in −1…1): the level a meter shows. */
export function rms(samples: Float32Array): number {
	let sum = 0;
	for (const v of samples) sum += v * v;
	return Math.sqrt(sum / Math.max(1, samples.length));
}
