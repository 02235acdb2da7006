import { assets } from '$app/paths';
import type { Persona } from '$lib/agents/flow';
import { leadClause, speechSentences } from '$lib/agents/handoff/phrases';
import { SentenceStream } from '$lib/agents/sentence-stream';
import { BargeIn } from '$lib/audio/barge-in';
import { listen, openMicrophone, type MicListener } from '$lib/audio/mic';
import { Playback, rms } from '$lib/audio/playback';
import { SpeechSegmenter } from '$lib/audio/segmenter';
import { audioServiceReady, warmAudioService } from './audio-service';
import { TurnTaker, UNHEARD_MIN_MS, type FinalTurn } from '$lib/audio/turn-taker';
import type { Speech } from '$lib/workers/tts/service';
import { explain, type Models, type TtsApi } from './models.svelte';
import type { WorkerClient } from '$lib/workers/protocol';

// The voice layer of the caller page, around the text core: the microphone and its turns,
// speech-to-text, the agents' voices, and barge-in. The call itself stays in the Session; this only
// turns audio into caller turns and agent turns into audio. The models come from `Models`.

/**
 * One caller turn's end of speech → first agent audio, by stage: `endOfTurnMs` until the turn was
 * decided and transcribed (silence, the speculative transcript), `callMs` in the conversation core
 * (routing, tools, the reply's first words), `voiceMs` until those words sounded (a pre-rendered
 * clip or synthesis).
 */
export type TurnTiming = {
	totalMs: number;
	endOfTurnMs: number;
	callMs: number;
	voiceMs: number;
	by: FinalTurn['by'];
};

export type MicState = 'off' | 'starting' | 'listening' | 'hearing' | 'transcribing' | 'failed';

export class VoiceAgent {
	readonly models: Models;
	mic = $state<MicState>('off');
	micError = $state<string | null>(null);
	speaking = $state(false);
	/** How many sentences each engine spoke (the model manager shows which voice is in use). */
	spokenBy = $state<{ kokoro: number; espeak: number }>({ kokoro: 0, espeak: 0 });
	/** Sentences voiced from the build's clips, made by the voice worker, and not voiced at all. */
	voiced = $state({ clips: 0, live: 0, failed: 0 });
	/** Measured on this device, shown in the model manager: speech end → first agent audio, and the
	 * caller's onset while the agent talks → the agent silent. */
	timings = $state<{ firstAudioMs: number[]; bargeInMs: number[]; turns: TurnTiming[] }>({
		firstAudioMs: [],
		turns: [],
		bargeInMs: []
	});

	#playback: Playback | null = null;
	#listener: MicListener | null = null;
	#segmenter = new SpeechSegmenter();
	#bargeIn = new BargeIn();
	/** Aborts the synthesis still pending; replaced after each cancel. */
	#speech = new AbortController();
	#queue: Promise<void> = Promise.resolve();
	#onTurn: ((text: string) => void) | null = null;
	#onInterrupt: (() => void) | null = null;
	#onUnheard: (() => void) | null = null;
	#turns: Promise<void> = Promise.resolve();
	#turnEndedAt = 0;
	/** A turn was handed to the call and no audio has been queued since. */
	#awaitingAnswer = false;
	/** Where a turn's time goes: when it was handed to the call, and when its first words were. */
	#turnHandedAt = 0;
	#firstWordsAt = 0;
	#turnBy: FinalTurn['by'] = 'silence';
	#micLevel = 0;
	/** Sentences of the agent's turns still being synthesized or waiting to be queued for playback. */
	#unsaid = 0;
	#onsetAt = 0;

	constructor(models: Models) {
		this.models = models;
		this.models.whenQuiet = () => this.#quiet();
		warmAudioService();
	}

	/**
	 * Resolves once the caller is not speaking and their last turn has been answered (or given
	 * three seconds): the moments background work can take without delaying an answer.
	 */
	async #quiet(): Promise<void> {
		const busy = () =>
			this.mic === 'hearing' ||
			this.mic === 'transcribing' ||
			(this.#turnEndedAt > 0 && performance.now() - this.#turnEndedAt < 3000);
		while (busy()) await new Promise((r) => setTimeout(r, 200));
	}

	/** Opens the microphone and starts turning speech into caller turns. */
	async startListening(
		onTurn: (text: string) => void,
		/** A real interruption: the reply being generated should stop too. */
		onInterrupt?: () => void,
		/** Speech was heard but not a word of it recognised. */
		onUnheard?: () => void
	): Promise<void> {
		this.#onTurn = onTurn;
		this.#onInterrupt = onInterrupt ?? null;
		this.#onUnheard = onUnheard ?? null;
		// The VAD compiles ONNX Runtime on this thread: not while the first words are starting.
		await this.firstWords();
		// Once refused, the microphone is not asked again on every turn: the caller retries by hand.
		if (this.#listener || this.mic === 'starting' || this.mic === 'failed') return;
		await this.#openMic();
	}

	/** After a refusal: the caller fixed the permission and asks again. */
	async retryMicrophone(): Promise<void> {
		if (this.mic !== 'failed' || !this.#onTurn) return;
		await this.#openMic();
	}

	async #openMic(): Promise<void> {
		this.mic = 'starting';
		this.micError = null;
		try {
			const stream = await openMicrophone();
			this.#listener = await listen({
				stream,
				assets,
				ortWasm: await this.models.ortRuntime(),
				onFrame: (p, frame) => {
					this.#micLevel = rms(frame);
					this.#frame(p, frame);
				}
			});
			if (!this.#onTurn) {
				// The call moved on (to a person, or ended) while the microphone was opening.
				await this.stopListening();
				return;
			}
			this.mic = 'listening';
		} catch (e) {
			this.mic = 'failed';
			this.micError = explain(e);
		}
	}

	async stopListening(): Promise<void> {
		this.#onTurn = null;
		const l = this.#listener;
		this.#listener = null;
		this.mic = 'off';
		this.#segmenter.reset();
		// No turn is left to decide on an answer held for it.
		if (this.#bargeIn.reset() === 'resume') void this.#playback?.resume();
		await l?.stop();
	}

	/** Speech-to-text for the turn taker; a guess it no longer needs is cancelled in the worker. */
	#transcribe = async (audio: Float32Array, signal: AbortSignal): Promise<string> => {
		// Speech that came before recognition finished loading waits for it rather than being lost.
		const stt = await this.models.speechRecognition();
		if (!stt) {
			this.micError = 'Speech recognition is not available (see Models), so please type.';
			return '';
		}
		// A turn cut at a short pause has little silence after it; Moonshine hears the last word
		// better with some (and more often returns nothing without it).
		const padded = new Float32Array(audio.length + TRAILING_SILENCE);
		padded.set(audio);
		const samples = { samples: padded };
		return (await stt.call('transcribe', samples, { transfer: [padded.buffer], signal })).text;
	};

	/** Ends the caller's turns on their words as well as on silence (see TurnTaker). */
	#turnTaker = new TurnTaker({
		segmenter: this.#segmenter,
		transcribe: this.#transcribe,
		// It hands turns over in the order spoken; the chain keeps their handling in that order too.
		onTurn: (t) => {
			this.#turns = this.#turns
				.then(() => this.#turn(t))
				.catch((err) => {
					this.micError = explain(err);
				});
		}
	});

	#frame(probability: number, frame: Float32Array): void {
		for (const e of this.#turnTaker.push(probability, frame)) {
			if (e.type === 'speech_start') {
				this.mic = 'hearing';
				this.#onsetAt = performance.now() - e.lagMs;
				// Between two sentences of one reply the agent is still talking: the caller who starts
				// then is interrupting it, as much as one who talks over a sentence. So is one who
				// speaks again before the answer to their last turn has started: it is held, paused,
				// until this turn shows whether it was a new request.
				const talking = this.speaking || this.#unsaid > 0 || this.#answerDue();
				if (this.#bargeIn.speechStart(e.turn, talking) === 'pause') void this.#pause(this.speaking);
			} else if (e.type === 'misfire') {
				this.mic = 'listening';
				if (this.#bargeIn.misfire(e.turn) === 'resume') void this.#playback?.resume();
			} else this.mic = 'transcribing';
		}
	}

	/** Holds the agent's audio; `audible`: it was sounding, so the barge-in delay is timed. */
	async #pause(audible: boolean): Promise<void> {
		await this.#playback?.pause();
		if (!audible) return;
		const ms = Math.round(performance.now() - this.#onsetAt);
		this.timings = { ...this.timings, bargeInMs: [...this.timings.bargeInMs, ms] };
	}

	/**
	 * A caller turn ended and its answer has not started sounding: its words are still being made
	 * out, or the call is working on it. A turn with no spoken answer stops counting after a while.
	 */
	#answerDue(): boolean {
		return (
			this.#turnTaker.pending > 0 ||
			(this.#awaitingAnswer && performance.now() - this.#turnHandedAt < ANSWER_DUE_MS)
		);
	}

	async #turn({ turn, text, error, speechMs, endedAt, by }: FinalTurn): Promise<void> {
		if (error) this.micError = explain(error);
		// A turn ended on its words never showed 'transcribing'; the next turn may already be heard.
		if (this.#segmenter.turn === null && (this.mic === 'transcribing' || this.mic === 'hearing'))
			this.mic = 'listening';
		const decision = this.#bargeIn.speechEnd(turn, speechMs, text);
		if (decision === 'resume') {
			await this.#playback?.resume();
			return;
		}
		if (decision === 'ignore') return;
		if (decision === 'cancel') {
			this.#onInterrupt?.();
			await this.cancelSpeech();
		}
		if (!text.trim()) {
			// Someone spoke for a while and nothing was recognised: say so, rather than leave them
			// waiting for an answer that will not come.
			if (speechMs >= UNHEARD_MIN_MS && !error) this.#onUnheard?.();
			return;
		}
		// The microphone stopped (the call moved on) while this turn's words were made out.
		if (!this.#onTurn) return;
		this.#turnEndedAt = endedAt;
		this.#turnHandedAt = performance.now();
		this.#awaitingAnswer = true;
		this.#firstWordsAt = 0;
		this.#turnBy = by;
		this.#onTurn(text.trim());
	}

	#reply = new SentenceStream();

	/** Part of a reply still being generated: each sentence is spoken as soon as it is complete. */
	replyChunk(text: string, persona: Persona): void {
		for (const sentence of this.#reply.push(text)) void this.say(sentence, persona);
	}

	/** The streamed reply is complete: speak what is left of it. */
	endReply(persona: Persona): void {
		const rest = this.#reply.flush().join(' ');
		if (rest) void this.say(rest, persona);
	}

	/** Speaks one agent turn in a persona's voice, sentence by sentence, after what is queued. */
	say(text: string, persona: Persona): Promise<void> {
		const answering = this.#turnEndedAt > 0 && !this.#firstWordsAt;
		if (answering) this.#firstWordsAt = performance.now();
		const signal = this.#speech.signal;
		const sentences = speechSentences(text);
		// An answer's first sentence, when long, starts with its first clause: the offline voice
		// makes a short clause in a fraction of the time, and the rest while it plays. Not before
		// that voice has loaded, when the build's clips speak whole sentences, nor with the natural
		// voice: on a slow GPU the rest might not be ready when the clause ends.
		const lead =
			answering &&
			this.models.voice.status === 'ready' &&
			this.models.natural.status !== 'ready' &&
			leadClause(sentences[0] ?? '');
		if (lead) sentences.splice(0, 1, ...lead);
		const synth = sentences.map((s) =>
			// Synthesis of every sentence starts as soon as it can; playback keeps their order.
			this.#render(s, persona, signal)
		);
		this.#unsaid += synth.length;
		this.#queue = this.#queue.then(async () => {
			for (const pending of synth) {
				const speech: Speech | null = await pending;
				// Sentences dropped by a cancel were already cleared from the count.
				if (!signal.aborted) this.#unsaid--;
				if (signal.aborted || !speech) continue;
				this.#play(speech);
			}
		});
		return this.#queue;
	}

	/**
	 * One sentence's audio: the build's pre-rendered clip when there is one (the greeting and the
	 * narrations need no model), else the voice worker, which a call may have to wait for. The
	 * worker is asked in the order the sentences are said, whatever order their clip lookups finish
	 * in: the first sentence gets the instance the worker made ahead, and is ready first.
	 */
	async #render(sentence: string, persona: Persona, signal: AbortSignal): Promise<Speech | null> {
		const asked = this.#asked.then(() =>
			signal.aborted ? { speech: Promise.resolve(null) } : this.#ask(sentence, persona, signal)
		);
		this.#asked = asked.catch(() => undefined);
		try {
			const speech = await (await asked).speech;
			if (speech?.clip) this.voiced.clips++;
			else if (speech) this.voiced.live++;
			return speech;
		} catch (e) {
			// The sentence stays in the transcript; the reason is kept for the console, once a call.
			if (!signal.aborted) {
				this.voiced.failed++;
				if (this.voiced.failed === 1)
					console.error('The voice could not say a sentence; it is shown as text only.', e);
			}
			return null;
		}
	}

	/** Sentences whose voice was asked for: the next one is asked once this settles. */
	#asked: Promise<unknown> = Promise.resolve();

	/**
	 * Asks for one sentence's audio and returns once it is asked for (the clip is being fetched, or
	 * the worker has the request), not once it is ready: wrapped, so awaiting this does not wait.
	 */
	async #ask(
		sentence: string,
		persona: Persona,
		signal: AbortSignal
	): Promise<{ speech: Promise<(Speech & { clip?: true }) | null> }> {
		// Once the natural voice speaks, clips in the offline voice would sound like someone else.
		if (
			this.models.natural.status !== 'ready' &&
			(await this.models.phrases.has(persona.voice.fallback, sentence))
		) {
			const clip = this.models.phrases.get(persona.voice.fallback, sentence);
			return {
				speech: clip.then(async (c) => {
					if (c) return { ...c, engine: 'espeak' as const, clip: true as const };
					// A clip that could not be fetched is synthesized after all.
					const tts = await this.models.voiceOutput();
					return tts ? this.#speak(tts, sentence, persona, signal) : null;
				})
			};
		}
		const tts = await this.models.voiceOutput();
		return { speech: tts ? this.#speak(tts, sentence, persona, signal) : Promise.resolve(null) };
	}

	/** Posts a sentence to the voice worker at once; the promise is of its audio. */
	#speak(
		tts: WorkerClient<TtsApi>,
		sentence: string,
		persona: Persona,
		signal: AbortSignal
	): Promise<Speech> {
		return tts.call(
			'speak',
			// A plain copy: the flow may sit in reactive state, whose proxies cannot be posted.
			{ text: sentence, voice: $state.snapshot(persona.voice) },
			{ signal }
		);
	}

	/**
	 * Creates the audio output inside the caller's click: browsers only let a page start sound from
	 * a user gesture, and every later sentence plays on this same context.
	 */
	unlockAudio(): void {
		this.#output().wake();
		this.#audible = Promise.withResolvers<void>();
	}

	/**
	 * Builds the audio output before the caller presses Call, once the audio service is up (see
	 * `warmAudioService`), so the AudioContext takes milliseconds. It stays suspended, silent, until
	 * `unlockAudio`.
	 */
	prepareAudio(): void {
		void audioServiceReady().then(() => this.#output());
	}

	#audible = Promise.withResolvers<void>();

	/**
	 * Resolves once the agent's first words of the call are sounding, or after `maxMs`. Heavy
	 * start-up work (models read from the cache, runtimes compiled) waits for it, so that it cannot
	 * delay the greeting on a 2-core device; it only gives way for a moment.
	 */
	firstWords(maxMs = 1500): Promise<void> {
		return Promise.race([this.#audible.promise, new Promise<void>((r) => setTimeout(r, maxMs))]);
	}

	#output(): Playback {
		if (!this.#playback) {
			this.#playback = new Playback(new AudioContext(), {
				onStart: () => {
					this.#audible.resolve();
					this.speaking = true;
					if (this.#turnEndedAt) {
						const now = performance.now();
						const ms = Math.round(now - this.#turnEndedAt);
						const words = this.#firstWordsAt || now;
						const turn: TurnTiming = {
							totalMs: ms,
							endOfTurnMs: Math.round(this.#turnHandedAt - this.#turnEndedAt),
							callMs: Math.round(words - this.#turnHandedAt),
							voiceMs: Math.round(now - words),
							by: this.#turnBy
						};
						// On the page's performance timeline too, where profilers and benchmarks read it.
						performance.measure('baton:turn', {
							start: this.#turnEndedAt,
							end: now,
							detail: turn
						});
						this.timings = {
							...this.timings,
							firstAudioMs: [...this.timings.firstAudioMs, ms],
							turns: [...this.timings.turns, turn]
						};
						this.#turnEndedAt = 0;
					}
				},
				onIdle: () => (this.speaking = false)
			});
		}
		return this.#playback;
	}

	#play(speech: Speech): void {
		this.#awaitingAnswer = false;
		const output = this.#output();
		this.spokenBy = { ...this.spokenBy, [speech.engine]: this.spokenBy[speech.engine] + 1 };
		output.enqueue(speech.samples, speech.sampleRate);
	}

	/** Stops the agent's voice and drops whatever was still being synthesized. */
	async cancelSpeech(): Promise<void> {
		this.#reply = new SentenceStream();
		this.#speech.abort();
		this.#speech = new AbortController();
		this.#queue = Promise.resolve();
		this.#asked = Promise.resolve();
		this.#unsaid = 0;
		// A caller turn is still open: what is said next waits for it, as what was dropped did.
		await this.#playback?.cancel(this.#bargeIn.paused);
	}

	/** The caller's microphone level on the latest VAD frame (0–1), for their own meter. */
	micLevel(): number {
		return this.mic === 'off' || this.mic === 'failed' ? 0 : this.#micLevel;
	}

	/** The agent's output level now (0–1), for the meter. */
	level(): number {
		return this.#playback?.level() ?? 0;
	}
}

/** How long an answer counts as on its way (a language model's reply can take seconds). */
const ANSWER_DUE_MS = 10_000;

/** 200 ms at 16 kHz. */
const TRAILING_SILENCE = 3200;
