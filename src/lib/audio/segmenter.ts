import { TurnDetector, type TurnOptions } from './turn-detector';

// Cuts the microphone's VAD frames into the caller's turns: the turn detector decides where speech
// starts and ends (400 ms of silence by default), and this keeps the audio that goes with it, plus a
// little from just before the start so the first syllable is not clipped.

export type SegmentEvent =
	| {
			type: 'speech_start';
			atMs: number;
			/** How long ago (ms) the speech began: the frame that showed it had to be heard first. */
			lagMs: number;
	  }
	| {
			type: 'speech_end';
			audio: Float32Array;
			startMs: number;
			endMs: number;
			/** How long ago (ms) the speech actually stopped: the silence that ended the turn. */
			silenceMs: number;
	  }
	| { type: 'misfire' };

export type SegmenterOptions = TurnOptions & {
	/** Audio kept from before the speech starts. */
	preSpeechPadMs: number;
	/** A turn longer than this is cut here and sent, so a stuck VAD never holds the call. */
	maxTurnMs: number;
};

export class SpeechSegmenter {
	readonly #turns: TurnDetector;
	readonly #padFrames: number;
	readonly #maxFrames: number;
	#before: Float32Array[] = [];
	#speech: Float32Array[] = [];
	#t = 0;

	constructor(options: Partial<SegmenterOptions> = {}) {
		this.#turns = new TurnDetector(options);
		const frameMs = this.#turns.options.frameMs;
		this.#padFrames = Math.round((options.preSpeechPadMs ?? 300) / frameMs);
		this.#maxFrames = Math.round((options.maxTurnMs ?? 30_000) / frameMs);
	}

	/** One VAD frame: its speech probability and its 16 kHz samples. */
	push(probability: number, frame: Float32Array): SegmentEvent[] {
		const wasSpeaking = this.#turns.speaking;
		this.#t += this.#turns.options.frameMs;
		const events = this.#turns.push(probability);
		const out: SegmentEvent[] = [];
		if (wasSpeaking || this.#turns.speaking) this.#speech.push(frame);
		else {
			this.#before.push(frame);
			if (this.#before.length > this.#padFrames) this.#before.shift();
		}
		for (const e of events) {
			if (e.type === 'speech_start') {
				this.#speech = [...this.#before, frame];
				this.#before = [];
				out.push({ type: 'speech_start', atMs: e.atMs, lagMs: this.#t - e.atMs });
			} else if (e.type === 'misfire') {
				this.#speech = [];
				out.push({ type: 'misfire' });
			} else {
				out.push({
					type: 'speech_end',
					audio: concat(this.#speech),
					startMs: e.startMs,
					endMs: e.endMs,
					silenceMs: this.#t - e.endMs
				});
				this.#speech = [];
			}
		}
		if (this.#turns.speaking && this.#speech.length >= this.#maxFrames) {
			out.push({
				type: 'speech_end',
				audio: concat(this.#speech),
				startMs: -1,
				endMs: -1,
				silenceMs: 0
			});
			this.#speech = [];
			this.#turns.reset();
			this.#t = 0;
		}
		return out;
	}

	reset(): void {
		this.#turns.reset();
		this.#t = 0;
		this.#before = [];
		this.#speech = [];
	}
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
