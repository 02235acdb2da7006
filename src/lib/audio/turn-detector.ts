// End-of-turn detection over voice-activity probabilities, one per VAD frame. Pure: the model is
// not in here, so it is tested on recorded probability traces. The caller's turn ends after
// `endSilenceMs` of silence (400 ms by default, not the 1.4 s that VAD libraries default to), and
// a blip shorter than `minSpeechMs` is a misfire, not a turn.

export type TurnOptions = {
	/** Duration of one VAD frame (Silero v5: 512 samples at 16 kHz = 32 ms). */
	frameMs: number;
	/** A frame at or above this starts speech. */
	positiveSpeechThreshold: number;
	/** Below this a frame counts as silence; in between, speech continues. */
	negativeSpeechThreshold: number;
	/** Speech shorter than this is a misfire (a cough, a click). */
	minSpeechMs: number;
	/** Silence that ends the turn. */
	endSilenceMs: number;
};

export const defaultTurnOptions: TurnOptions = {
	frameMs: 32,
	positiveSpeechThreshold: 0.5,
	negativeSpeechThreshold: 0.35,
	minSpeechMs: 128,
	endSilenceMs: 400
};

export type TurnEvent =
	| { type: 'speech_start'; atMs: number }
	| { type: 'speech_end'; startMs: number; endMs: number }
	| { type: 'misfire'; startMs: number; endMs: number };

export type TurnEnd = Exclude<TurnEvent, { type: 'speech_start' }>;

export function validateTurnOptions(o: TurnOptions): TurnOptions {
	if (!(o.frameMs > 0)) throw new RangeError('frameMs must be positive.');
	if (!(o.negativeSpeechThreshold < o.positiveSpeechThreshold)) {
		throw new RangeError('negativeSpeechThreshold must be below positiveSpeechThreshold.');
	}
	if (!(o.endSilenceMs >= o.frameMs))
		throw new RangeError('endSilenceMs must be at least one frame.');
	if (o.endSilenceMs > 2000)
		throw new RangeError('endSilenceMs above 2000 ms makes the agent feel unresponsive.');
	return o;
}

export class TurnDetector {
	readonly options: TurnOptions;
	#t = 0;
	#speaking = false;
	#start = 0;
	#lastSpeech = 0;
	#speechMs = 0;
	#silenceMs = 0;
	/** The silence that ends the current pause, when the caller of `holdSilence` chose one. */
	#limitMs: number | null = null;

	constructor(options: Partial<TurnOptions> = {}) {
		this.options = validateTurnOptions({ ...defaultTurnOptions, ...options });
	}

	get speaking(): boolean {
		return this.#speaking;
	}

	/** Silence so far in the current turn (0 while speech goes on). */
	get silenceMs(): number {
		return this.#speaking ? this.#silenceMs : 0;
	}

	/** Confident speech so far in the current turn. */
	get speechMs(): number {
		return this.#speaking ? this.#speechMs : 0;
	}

	/**
	 * The current silence ends the turn after `ms` instead of `endSilenceMs`: what was said so far
	 * can tell that the caller is done, or only thinking. Forgotten when speech resumes.
	 */
	holdSilence(ms: number): void {
		if (!(ms >= this.options.frameMs) || ms > 2000)
			throw new RangeError('A silence limit must be between one frame and 2000 ms.');
		if (this.#speaking) this.#limitMs = ms;
	}

	/** Ends the current turn now (its words were judged complete); the next speech is a new turn. */
	endTurn(): TurnEnd | null {
		if (!this.#speaking) return null;
		return this.#end();
	}

	#end(): TurnEnd {
		this.#speaking = false;
		this.#limitMs = null;
		const ev = { startMs: this.#start, endMs: this.#lastSpeech };
		return this.#speechMs < this.options.minSpeechMs
			? { type: 'misfire', ...ev }
			: { type: 'speech_end', ...ev };
	}

	/**
	 * Feeds one frame's speech probability; returns what happened at this frame. `quietTailMs`, on
	 * the first silent frame after speech, is how much of the speech frames just before it was
	 * already quiet (the VAD's probability falls a frame or three after the voice stops): the
	 * silence is counted from there.
	 */
	push(probability: number, quietTailMs = 0): TurnEvent[] {
		const o = this.options;
		const now = this.#t;
		this.#t += o.frameMs;
		const events: TurnEvent[] = [];
		if (!this.#speaking) {
			if (probability >= o.positiveSpeechThreshold) {
				this.#speaking = true;
				this.#start = now;
				this.#lastSpeech = now + o.frameMs;
				this.#speechMs = o.frameMs;
				this.#silenceMs = 0;
				this.#limitMs = null;
				events.push({ type: 'speech_start', atMs: now });
			}
			return events;
		}
		if (probability >= o.negativeSpeechThreshold) {
			this.#silenceMs = 0;
			this.#limitMs = null;
			this.#lastSpeech = now + o.frameMs;
			if (probability >= o.positiveSpeechThreshold) this.#speechMs += o.frameMs;
			return events;
		}
		if (this.#silenceMs === 0 && quietTailMs > 0) {
			const tail = Math.min(quietTailMs, this.#lastSpeech - this.#start - o.frameMs);
			if (tail > 0) {
				this.#silenceMs += tail;
				this.#lastSpeech -= tail;
			}
		}
		this.#silenceMs += o.frameMs;
		// Frames are 32 ms, so 400 ms is 12.5 frames: round to the nearest frame rather than up, so
		// the turn never ends later than the configured silence.
		if (this.#silenceMs >= (this.#limitMs ?? o.endSilenceMs) - o.frameMs / 2)
			events.push(this.#end());
		return events;
	}

	reset(): void {
		this.#t = 0;
		this.#speaking = false;
		this.#silenceMs = 0;
		this.#speechMs = 0;
		this.#limitMs = null;
	}
}
