import { endOfTurn, type EndOfTurn } from './end-of-turn';
import type { SegmentEnd, SegmentMisfire, SpeechSegmenter } from './segmenter';

// When the caller's turn is over, decided from what they said as well as from the silence. At a
// short pause the turn so far is transcribed at once. Words that end like a finished sentence end
// the turn as soon as they are known, with no second transcription; open-ended ones ("and um", "my
// zip is 6 0") wait for the usual silence, or longer, and then end it with the same transcript if
// the caller said nothing more. Speech after the pause continues the same turn and throws the guess
// away. Pure apart from the injected speech-to-text and clock, so the policy is tested without a
// model or a browser.

/** Speech-to-text for a turn's 16 kHz audio; it may take the audio over (transfer it). */
export type Transcribe = (audio: Float32Array, signal: AbortSignal) => Promise<string>;

export type TurnTakerOptions = {
	/**
	 * Silence that ends a turn that trails off (a filler, a conjunction, a number being read out),
	 * instead of the segmenter's `endSilenceMs`; also the longest wait for the transcript of a pause.
	 */
	hesitationSilenceMs: number;
	/** Silence that ends a turn ending in digits read out one group at a time. */
	numberSilenceMs: number;
	/**
	 * Silence that ends a turn whose words read as finished, once they are known: longer than the
	 * pause at a comma (about 200–250 ms), where "hold on, hold on" already reads as finished, and
	 * shorter than the one between sentences. The turn's transcription started at the segmenter's
	 * pause, so it is usually known by then; a fast speech-to-text does not end a turn sooner.
	 */
	completeSilenceMs: number;
};

/** Speech this long that transcribes to nothing was said, not noise. */
export const UNHEARD_MIN_MS = 600;

export const defaultTurnTakerOptions: TurnTakerOptions = {
	// People who say "and um" are usually back within half a second; 700 ms lets most of them
	// finish while the wait after a finished sentence stays far shorter.
	hesitationSilenceMs: 700,
	// Between the groups of a number people pause briefly, and most turns that end in digits are
	// finished (a PIN, a zip code): a little over the usual silence, so the answer is not slowed.
	numberSilenceMs: 550,
	completeSilenceMs: 300
};

export function validateTurnTakerOptions(
	o: TurnTakerOptions,
	endSilenceMs: number,
	pauseMs = 0
): TurnTakerOptions {
	if (!(o.hesitationSilenceMs >= endSilenceMs))
		throw new RangeError('hesitationSilenceMs must be at least the end-of-turn silence.');
	if (o.hesitationSilenceMs > 2000)
		throw new RangeError('hesitationSilenceMs above 2000 ms makes the agent feel unresponsive.');
	if (!(o.numberSilenceMs >= endSilenceMs && o.numberSilenceMs <= o.hesitationSilenceMs))
		throw new RangeError(
			'numberSilenceMs must lie between the end-of-turn silence and hesitationSilenceMs.'
		);
	if (!(o.completeSilenceMs >= pauseMs && o.completeSilenceMs <= endSilenceMs))
		throw new RangeError(
			'completeSilenceMs must lie between the pause that starts a transcription and the end-of-turn silence.'
		);
	return o;
}

/** A caller's turn, over and transcribed. */
export type FinalTurn = {
	turn: number;
	text: string;
	/** Speech-to-text failed: `text` is empty. */
	error?: unknown;
	/** How long the caller spoke (from the first to the last speech frame). */
	speechMs: number;
	/** When the caller stopped speaking, on the injected clock. */
	endedAt: number;
	/** Ended on the words (`complete`), or on the silence (`silence`), or cut at the maximum. */
	by: 'complete' | 'silence' | 'cut';
	/** The transcript is the one taken at the pause, not a second pass over the whole turn. */
	speculative: boolean;
};

export type TurnTakerEvent =
	| { type: 'speech_start'; turn: number; lagMs: number }
	| { type: 'misfire'; turn: number }
	/** The silence ended the turn; its words follow through `onTurn`. */
	| { type: 'transcribing'; turn: number };

type Guess = {
	turn: number;
	controller: AbortController;
	/** Null when speech-to-text failed: the turn is transcribed again at its end. */
	text: Promise<string | null>;
};

type Result = { text: string; error?: unknown };

export class TurnTaker {
	readonly options: TurnTakerOptions;
	readonly #segmenter: SpeechSegmenter;
	readonly #transcribe: Transcribe;
	readonly #onTurn: (turn: FinalTurn) => void;
	readonly #now: () => number;
	#guess: Guess | null = null;
	/** The turn whose words read as finished, waiting out the short silence that ends it. */
	#complete = 0;
	/** Turns reach `onTurn` in the order spoken, whichever transcript finishes first. */
	#order: Promise<void> = Promise.resolve();
	/**
	 * One transcription at a time: onnxruntime-web cannot run a session twice at once. A cancelled
	 * one gives way at once, and one cancelled while waiting never starts.
	 */
	#stt: Promise<unknown> = Promise.resolve();
	/** Turns that ended and have not reached `onTurn` yet (their words are being made out). */
	#pending = 0;

	constructor(init: {
		segmenter: SpeechSegmenter;
		transcribe: Transcribe;
		onTurn: (turn: FinalTurn) => void;
		options?: Partial<TurnTakerOptions>;
		now?: () => number;
	}) {
		this.#segmenter = init.segmenter;
		this.options = validateTurnTakerOptions(
			{ ...defaultTurnTakerOptions, ...init.options },
			init.segmenter.options.endSilenceMs,
			init.segmenter.options.pauseMs
		);
		this.#transcribe = init.transcribe;
		this.#onTurn = init.onTurn;
		this.#now = init.now ?? (() => performance.now());
	}

	/** How many ended turns have not reached `onTurn` yet: each will want an answer. */
	get pending(): number {
		return this.#pending;
	}

	/** Resolves when every turn ended so far has reached `onTurn`. */
	get settled(): Promise<void> {
		return this.#order;
	}

	/** One VAD frame: its speech probability and its 16 kHz samples. */
	push(probability: number, frame: Float32Array): TurnTakerEvent[] {
		const out: TurnTakerEvent[] = [];
		for (const e of this.#segmenter.push(probability, frame)) {
			if (e.type === 'speech_start')
				out.push({ type: 'speech_start', turn: e.turn, lagMs: e.lagMs });
			else if (e.type === 'pause') this.#pause(e.turn, e.audio);
			else if (e.type === 'speech_resume') {
				this.#complete = 0;
				this.#drop();
			} else {
				const by =
					e.type === 'speech_end' && e.startMs < 0
						? 'cut'
						: this.#complete === e.turn
							? 'complete'
							: 'silence';
				const ended = this.#ended(e, by);
				if (ended) out.push(ended);
			}
		}
		return out;
	}

	/** Drops the turn being spoken and any guess at it (the microphone stopped). */
	reset(): void {
		this.#drop();
		this.#segmenter.reset();
	}

	#pause(turn: number, audio: Float32Array): void {
		this.#drop();
		const controller = new AbortController();
		const guess: Guess = {
			turn,
			controller,
			text: this.#run(audio, controller.signal).catch(() => null)
		};
		this.#guess = guess;
		// Until the words are known the turn must not end on the usual silence: "and um" would be
		// cut off. The longer wait caps how long a slow transcript can hold the turn.
		this.#segmenter.holdSilence(turn, this.options.hesitationSilenceMs);
		void guess.text.then((text) => {
			if (this.#guess !== guess) return;
			// No words to judge (speech-to-text failed): back to the usual silence, then the whole turn.
			const judged: EndOfTurn =
				text === null ? { complete: false, reason: 'empty', hesitating: false } : endOfTurn(text);
			if (judged.complete) this.#complete = turn;
			const end = judged.complete
				? this.#segmenter.holdSilence(turn, this.options.completeSilenceMs)
				: this.#segmenter.holdSilence(
						turn,
						!judged.complete && judged.reason === 'number'
							? this.options.numberSilenceMs
							: judged.hesitating
								? this.options.hesitationSilenceMs
								: this.#segmenter.options.endSilenceMs
					);
			if (end) this.#ended(end, judged.complete ? 'complete' : 'silence');
		});
	}

	#run(audio: Float32Array, signal: AbortSignal): Promise<string> {
		const run = this.#stt.then(() => {
			if (signal.aborted) throw new DOMException('The transcription was cancelled.', 'AbortError');
			return this.#transcribe(audio, signal);
		});
		this.#stt = run.catch(() => undefined);
		return run;
	}

	/** A guess no longer needed stops, so it does not hold up the next transcription. */
	#drop(): void {
		this.#guess?.controller.abort();
		this.#guess = null;
	}

	#ended(e: SegmentEnd | SegmentMisfire, by: FinalTurn['by']): TurnTakerEvent | null {
		const guess = this.#guess?.turn === e.turn ? this.#guess : null;
		this.#guess = null;
		if (e.type === 'misfire') {
			guess?.controller.abort();
			return { type: 'misfire', turn: e.turn };
		}
		const endedAt = this.#now() - e.silenceMs;
		const speechMs = e.startMs < 0 ? (e.audio.length / 16000) * 1000 : e.endMs - e.startMs;
		// No speech since the pause: the guess (done or on its way) already covers every word.
		let speculative = guess !== null;
		const whole = (): Promise<Result> => {
			speculative = false;
			return this.#run(e.audio, new AbortController().signal).then(
				(text) => ({ text }),
				(error: unknown) => ({ text: '', error })
			);
		};
		// Queued now, not after a tick, so it goes before any guess at the next turn.
		// A guess that came back empty on a real stretch of speech is worth one pass over the whole
		// turn before the turn is given up as unheard.
		const result = guess
			? guess.text.then((text) =>
					text === null || (!text.trim() && speechMs >= UNHEARD_MIN_MS) ? whole() : { text }
				)
			: whole();
		this.#pending++;
		const delivered = this.#order.then(async () => {
			const r = await result;
			this.#pending--;
			this.#onTurn({ turn: e.turn, ...r, speechMs, endedAt, by, speculative });
		});
		// A listener that throws surfaces as an unhandled rejection but does not stop later turns.
		this.#order = delivered.catch(() => undefined);
		return by === 'complete' ? null : { type: 'transcribing', turn: e.turn };
	}
}
