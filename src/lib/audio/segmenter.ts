import { rms } from './playback';
import {
	TurnDetector,
	defaultTurnOptions,
	validateTurnOptions,
	type TurnEnd,
	type TurnOptions
} from './turn-detector';

// Cuts the microphone's VAD frames into the caller's turns: the turn detector decides where speech
// starts and ends (400 ms of silence by default), and this keeps the audio that goes with it, plus a
// little from just before the start so the first syllable is not clipped. A short silence inside a
// turn is reported as a `pause` with the audio so far, so speech-to-text can start before the turn
// is known to be over; whoever listens decides, from the words, to end the turn there
// (`endTurn`) or to wait longer (`holdSilence`).

export type SegmentEvent =
	| {
			type: 'speech_start';
			/** Numbers the caller's turns in order, so late results can be matched to their turn. */
			turn: number;
			atMs: number;
			/** How long ago (ms) the speech began: the frame that showed it had to be heard first. */
			lagMs: number;
	  }
	| {
			type: 'pause';
			turn: number;
			/** The turn's audio so far, a copy of its own. */
			audio: Float32Array;
			/** How long ago (ms) the speech stopped. */
			silenceMs: number;
	  }
	/** Speech again after a `pause`: the same turn goes on, and what was guessed at the pause is stale. */
	| { type: 'speech_resume'; turn: number }
	| SegmentEnd
	| SegmentMisfire;

export type SegmentMisfire = { type: 'misfire'; turn: number };

export type SegmentEnd = {
	type: 'speech_end';
	turn: number;
	audio: Float32Array;
	/** Where the speech began and stopped, on the segmenter's clock; -1 when a turn was cut. */
	startMs: number;
	endMs: number;
	/** How long ago (ms) the speech actually stopped: the silence that ended the turn. */
	silenceMs: number;
};

export type SegmenterOptions = TurnOptions & {
	/** Audio kept from before the speech starts. */
	preSpeechPadMs: number;
	/** A turn longer than this is cut here and sent, so a stuck VAD never holds the call. */
	maxTurnMs: number;
	/** Silence inside a turn that is reported as a `pause`. */
	pauseMs: number;
	/**
	 * The most of a turn's last speech frames that may count as silence when their sound has
	 * already faded (below `quietRatio` of the turn's loudest 10 ms): the VAD says "silence" a frame
	 * or three after the voice stops, and the end of turn is timed from when it stopped.
	 */
	quietTailMs: number;
	/** A 10 ms block this far below the turn's loudest (in RMS) is quiet. */
	quietRatio: number;
};

export const defaultSegmenterOptions: SegmenterOptions = {
	...defaultTurnOptions,
	preSpeechPadMs: 300,
	maxTurnMs: 30_000,
	// The transcription of the turn so far starts here, so that it is usually known by the time a
	// finished sentence may end the turn (the turn taker's `completeSilenceMs`). Some gaps between
	// words are this long: the guess is then dropped as the caller goes on, and costs a moment of
	// the speech-to-text worker.
	pauseMs: 120,
	quietTailMs: 96,
	// −26 dB: a trailing "s" or "f" is louder than this, so a word's last sound is never taken for
	// silence; room noise on an open microphone is quieter.
	quietRatio: 0.05
};

export function validateSegmenterOptions(o: SegmenterOptions): SegmenterOptions {
	validateTurnOptions(o);
	if (!(o.preSpeechPadMs >= 0)) throw new RangeError('preSpeechPadMs must not be negative.');
	if (!(o.maxTurnMs >= o.frameMs)) throw new RangeError('maxTurnMs must be at least one frame.');
	if (!(o.pauseMs >= o.frameMs)) throw new RangeError('pauseMs must be at least one frame.');
	if (!(o.pauseMs < o.endSilenceMs)) throw new RangeError('pauseMs must be below endSilenceMs.');
	if (!(o.quietTailMs >= 0 && o.quietTailMs < o.pauseMs))
		throw new RangeError('quietTailMs must lie between 0 and pauseMs.');
	if (!(o.quietRatio >= 0 && o.quietRatio < 1))
		throw new RangeError('quietRatio must lie between 0 and 1.');
	return o;
}

export class SpeechSegmenter {
	readonly options: SegmenterOptions;
	readonly #turns: TurnDetector;
	readonly #padFrames: number;
	readonly #maxFrames: number;
	#before: Float32Array[] = [];
	#speech: Float32Array[] = [];
	#t = 0;
	/** The loudest 10 ms (RMS) of the turn so far. */
	#loud = 0;
	/** Not reset with the rest: a result that arrives after a reset must not match a new turn. */
	#turn = 0;
	#paused = false;

	constructor(options: Partial<SegmenterOptions> = {}) {
		this.options = validateSegmenterOptions({ ...defaultSegmenterOptions, ...options });
		this.#turns = new TurnDetector(this.options);
		this.#padFrames = Math.round(this.options.preSpeechPadMs / this.options.frameMs);
		this.#maxFrames = Math.round(this.options.maxTurnMs / this.options.frameMs);
	}

	/** The turn being spoken, or null between turns. */
	get turn(): number | null {
		return this.#turns.speaking ? this.#turn : null;
	}

	/** One VAD frame: its speech probability and its 16 kHz samples. */
	push(probability: number, frame: Float32Array): SegmentEvent[] {
		const o = this.options;
		const wasSpeaking = this.#turns.speaking;
		this.#t += o.frameMs;
		// The first silent frame after speech: how long the sound had already faded before it.
		const fading =
			wasSpeaking &&
			this.#turns.silenceMs === 0 &&
			probability < o.negativeSpeechThreshold &&
			o.quietTailMs > 0
				? this.#quietTail()
				: 0;
		const events = this.#turns.push(probability, fading);
		const out: SegmentEvent[] = [];
		if (wasSpeaking || this.#turns.speaking) {
			this.#speech.push(frame);
			if (this.#turns.speaking) this.#loud = Math.max(this.#loud, loudest(frame));
		} else {
			this.#before.push(frame);
			if (this.#before.length > this.#padFrames) this.#before.shift();
		}
		for (const e of events) {
			if (e.type === 'speech_start') {
				this.#turn++;
				this.#loud = loudest(frame);
				this.#paused = false;
				this.#speech = [...this.#before, frame];
				this.#before = [];
				out.push({ type: 'speech_start', turn: this.#turn, atMs: e.atMs, lagMs: this.#t - e.atMs });
			} else out.push(this.#ended(e));
		}
		if (!this.#turns.speaking) return out;
		const silence = this.#turns.silenceMs;
		if (silence === 0 && this.#paused) {
			this.#paused = false;
			out.push({ type: 'speech_resume', turn: this.#turn });
		} else if (
			!this.#paused &&
			silence >= o.pauseMs - o.frameMs / 2 &&
			// Too little speech yet to be more than a cough: not worth transcribing.
			this.#turns.speechMs >= o.minSpeechMs
		) {
			this.#paused = true;
			out.push({
				type: 'pause',
				turn: this.#turn,
				audio: concat(this.#speech),
				silenceMs: silence
			});
		}
		if (this.#speech.length >= this.#maxFrames) {
			out.push({
				type: 'speech_end',
				turn: this.#turn,
				audio: concat(this.#speech),
				startMs: -1,
				endMs: -1,
				silenceMs: 0
			});
			this.#speech = [];
			this.#paused = false;
			this.#turns.reset();
			this.#t = 0;
		}
		return out;
	}

	/**
	 * Ends `turn` now, if it is still being spoken: the words so far were judged complete. Returns
	 * its end (or misfire), and the next speech starts a new turn.
	 */
	endTurn(turn: number): SegmentEnd | SegmentMisfire | null {
		if (this.turn !== turn) return null;
		const e = this.#turns.endTurn();
		return e && this.#ended(e);
	}

	/**
	 * The current silence of `turn` ends it after `ms` (more when the caller trails off, less when
	 * the words are done). When that much silence has already passed, the turn ends now and its end
	 * is returned.
	 */
	holdSilence(turn: number, ms: number): SegmentEnd | SegmentMisfire | null {
		if (this.turn !== turn) return null;
		if (this.#turns.silenceMs >= ms - this.options.frameMs / 2) return this.endTurn(turn);
		this.#turns.holdSilence(ms);
		return null;
	}

	/** How much (ms) of the end of the turn's audio so far is quiet, in 10 ms blocks, up to the cap. */
	#quietTail(): number {
		const floor = this.#loud * this.options.quietRatio;
		const max = (this.options.quietTailMs * 16000) / 1000;
		let samples = 0;
		for (let f = this.#speech.length - 1; f >= 0 && samples < max; f--) {
			const frame = this.#speech[f]!;
			for (let end = frame.length; end > 0 && samples < max; end -= BLOCK) {
				const from = Math.max(0, end - BLOCK);
				if (rms(frame.subarray(from, end)) >= floor) return (samples * 1000) / 16000;
				samples += end - from;
			}
		}
		return (Math.min(samples, max) * 1000) / 16000;
	}

	reset(): void {
		this.#turns.reset();
		this.#t = 0;
		this.#loud = 0;
		this.#before = [];
		this.#speech = [];
		this.#paused = false;
	}

	#ended(e: TurnEnd): SegmentEnd | SegmentMisfire {
		const speech = this.#speech;
		this.#speech = [];
		this.#paused = false;
		if (e.type === 'misfire') return { type: 'misfire', turn: this.#turn };
		return {
			type: 'speech_end',
			turn: this.#turn,
			audio: concat(speech),
			startMs: e.startMs,
			endMs: e.endMs,
			silenceMs: this.#t - e.endMs
		};
	}
}

/** 10 ms at 16 kHz. */
const BLOCK = 160;

/** The loudest 10 ms block of a frame, in RMS. */
function loudest(frame: Float32Array): number {
	let max = 0;
	for (let end = BLOCK; end <= frame.length; end += BLOCK)
		max = Math.max(max, rms(frame.subarray(end - BLOCK, end)));
	return max;
}

function concat(frames: Float32Array[]): Float32Array {
	const out = new Float32Array(frames.reduce((n, f) => n + f.length, 0));
	let at = 0;
	for (const f of frames) {
		out.set(f, at);
		at += f.length;
	}
	return out;
}
