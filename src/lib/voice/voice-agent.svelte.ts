import { assets } from '$app/paths';
import type { Persona } from '$lib/agents/flow';
import { SentenceStream } from '$lib/agents/sentence-stream';
import { BargeIn } from '$lib/audio/barge-in';
import { listen, openMicrophone, type MicListener } from '$lib/audio/mic';
import { Playback } from '$lib/audio/playback';
import { SpeechSegmenter } from '$lib/audio/segmenter';
import type { MLCEngineInterface } from '@mlc-ai/web-llm';
import {
	kokoroLoadParams,
	startSttWorker,
	startTtsWorker,
	sttLoadParams,
	voiceConfig,
	type VoiceConfig
} from './config';
import { WorkerClient, type Endpoint, type Progress } from '$lib/workers/protocol';
import type { sttHandlers } from '$lib/workers/stt/service';
import type { ttsHandlers, Speech } from '$lib/workers/tts/service';

// The voice layer of the caller page, around the text core: the model manager's state (what is
// loaded, on which backend, how big, progress), the microphone and its turns, speech-to-text, the
// agent's voice, and barge-in. The call itself stays in the Session; this only turns audio into
// caller turns and agent turns into audio.

type Api<H> = {
	[K in keyof H]: H[K] extends (p: infer P, ctx: never) => infer R ? (p: P) => R : never;
};
type SttApi = Api<ReturnType<typeof sttHandlers>>;
type TtsApi = Api<ReturnType<typeof ttsHandlers>>;

export type ModelState = {
	label: string;
	status: 'idle' | 'loading' | 'ready' | 'failed' | 'unavailable';
	backend?: string;
	bytes?: number;
	loaded?: number;
	total?: number;
	/** What `loaded`/`total` count: bytes (the default), or a 0–1 fraction. */
	unit?: 'bytes' | 'fraction';
	message?: string;
};

type ModelKey = 'stt' | 'voice' | 'natural' | 'llm';

export type MicState = 'off' | 'starting' | 'listening' | 'hearing' | 'transcribing' | 'failed';

export class VoiceAgent {
	gpu = $state<'checking' | 'available' | 'unavailable'>('checking');
	persisted = $state<boolean | null>(null);
	stt = $state<ModelState>({ label: 'Speech recognition (Moonshine tiny)', status: 'idle' });
	voice = $state<ModelState>({ label: 'Offline voice (espeak-ng)', status: 'idle' });
	natural = $state<ModelState>({ label: 'Natural voice (Kokoro 82M)', status: 'idle' });
	llm = $state<ModelState>({ label: 'Language model (Qwen2.5 0.5B)', status: 'idle' });
	/** The loaded LLM, once there is one; the call uses it for unsure routing and for replies. */
	engine = $state.raw<MLCEngineInterface | null>(null);
	mic = $state<MicState>('off');
	micError = $state<string | null>(null);
	speaking = $state(false);
	/** Last thing the agent said aloud, for the live region. */
	lastSpoken = $state('');
	/** How many sentences each engine spoke (the model manager shows which voice is in use). */
	spokenBy = $state<{ kokoro: number; espeak: number }>({ kokoro: 0, espeak: 0 });

	readonly #config: VoiceConfig;
	readonly #personas: readonly Persona[];
	#stt: WorkerClient<SttApi> | null = null;
	#tts: WorkerClient<TtsApi> | null = null;
	#playback: Playback | null = null;
	#listener: MicListener | null = null;
	#segmenter = new SpeechSegmenter();
	#bargeIn = new BargeIn();
	/** Aborts the synthesis still pending; replaced after each cancel. */
	#speech = new AbortController();
	#queue: Promise<void> = Promise.resolve();
	#onTurn: ((text: string) => void) | null = null;
	#turns: Promise<void> = Promise.resolve();
	#sttReady: Promise<void> = Promise.resolve();
	#onInterrupt: (() => void) | null = null;
	#prepared: Promise<void> | null = null;
	/** Measured on this device, shown in the model manager: speech end → first agent audio, and the
	 * caller's onset while the agent talks → the agent silent. */
	timings = $state<{ firstAudioMs: number[]; bargeInMs: number[] }>({
		firstAudioMs: [],
		bargeInMs: []
	});
	#turnEndedAt = 0;
	#onsetAt = 0;

	constructor(page: URL, personas: readonly Persona[]) {
		this.#config = voiceConfig(page, assets);
		this.stt.label = `Speech recognition (${this.#config.sttModel.replace('-', ' ')})`;
		this.#personas = personas;
	}

	get ready(): boolean {
		return this.stt.status === 'ready' && this.voice.status === 'ready';
	}

	/** Starts the workers and loads the small models; the page stays usable (text works) meanwhile. */
	prepare(): Promise<void> {
		this.#prepared ??= this.#prepare();
		return this.#prepared;
	}

	async #prepare(): Promise<void> {
		const [gpu] = await Promise.all([detectWebGpu(), this.#persist()]);
		this.gpu = gpu ? 'available' : 'unavailable';
		const device = gpu ? 'webgpu' : 'wasm';
		this.#stt = new WorkerClient<SttApi>(
			spawn(startSttWorker(), (m) => this.#workerDied('stt', m))
		);
		this.#tts = new WorkerClient<TtsApi>(
			spawn(startTtsWorker(), (m) => this.#workerDied('tts', m))
		);
		const sttLoad = (this.#sttReady = this.#load('stt', () =>
			this.#stt!.call('load', sttLoadParams(this.#config, location.href, device), {
				onProgress: (p) => this.#progress('stt', p)
			}).then((r) => ({ backend: r.backend, bytes: r.bytes }))
		));
		const voiceLoad = this.#load('voice', () =>
			this.#tts!.call('load', {}, { onProgress: (p) => this.#progress('voice', p) }).then((r) => ({
				backend: 'wasm',
				bytes: r.bytes
			}))
		);
		await Promise.all([sttLoad, voiceLoad]);
		// The language model needs WebGPU (web-llm has no CPU path); without it the scripted replies
		// and the classifier serve, which the model manager says.
		if (gpu) void this.loadLanguageModel();
		else
			this.llm = {
				...this.llm,
				status: 'unavailable',
				message:
					'Needs WebGPU. Replies come from the built-in scripts, routing from the classifier.'
			};
		// The natural voice downloads about 90 MB at fp32 on WebGPU; without a GPU it is too slow
		// to be worth fetching unasked, so the model manager offers it as a button instead.
		if (gpu) void this.loadNaturalVoice();
		else
			this.natural = {
				...this.natural,
				status: 'unavailable',
				message: 'Needs WebGPU to run in real time; the offline voice speaks instead.'
			};
	}

	/** Fetches Kokoro (from the configured URL) and switches to it once it is ready. */
	async loadNaturalVoice(): Promise<void> {
		if (!this.#tts || this.natural.status === 'loading' || this.natural.status === 'ready') return;
		const device = this.gpu === 'available' ? 'webgpu' : 'wasm';
		const params = kokoroLoadParams(this.#config, location.href, this.#personas, device);
		await this.#load('natural', () =>
			this.#tts!.call('loadNatural', params, {
				onProgress: (p) => this.#progress('natural', p)
			}).then((r) => ({ backend: r.device }))
		);
	}

	/** Downloads the LLM (web-llm's cache keeps it) and hands it to the call when ready. */
	async loadLanguageModel(): Promise<void> {
		if (this.llm.status === 'loading' || this.llm.status === 'ready') return;
		// web-llm is large: it is fetched only when a model is actually going to load.
		const { llmChoice, loadLlm } = await import('./llm');
		let choice;
		try {
			choice = llmChoice(location.href);
		} catch (e) {
			this.llm = { ...this.llm, status: 'failed', message: explain(e) };
			return;
		}
		this.llm = { ...this.llm, label: `Language model (${choice.modelId})` };
		await this.#load('llm', async () => {
			this.engine = await loadLlm(choice, (p) => {
				this.llm = { ...this.llm, loaded: p.progress, total: 1, unit: 'fraction', message: p.text };
			});
			return { backend: 'webgpu', message: undefined };
		});
	}

	async #load(
		which: ModelKey,
		run: () => Promise<{ backend?: string; bytes?: number; message?: string }>
	): Promise<void> {
		this[which] = { label: this[which].label, status: 'loading' };
		try {
			const r = await run();
			this[which] = { ...this[which], status: 'ready', ...r, loaded: undefined, total: undefined };
		} catch (e) {
			this[which] = { ...this[which], status: 'failed', message: FAILED[which](explain(e)) };
		}
	}

	#progress(which: ModelKey, p: Progress): void {
		if (p.loaded === undefined) return;
		this[which] = { ...this[which], loaded: p.loaded, ...(p.total ? { total: p.total } : {}) };
	}

	#workerDied(which: 'stt' | 'tts', message: string): void {
		const key = which === 'stt' ? 'stt' : 'voice';
		this[key] = {
			...this[key],
			status: 'failed',
			message: `The ${which.toUpperCase()} worker stopped: ${message}`
		};
	}

	async #persist(): Promise<void> {
		// Downloaded models survive storage pressure only in persistent storage; the browser decides.
		try {
			this.persisted = (await navigator.storage?.persist?.()) ?? null;
		} catch {
			this.persisted = false;
		}
	}

	/** Opens the microphone and starts turning speech into caller turns. */
	async startListening(
		onTurn: (text: string) => void,
		/** A real interruption: the reply being generated should stop too. */
		onInterrupt?: () => void
	): Promise<void> {
		this.#onTurn = onTurn;
		this.#onInterrupt = onInterrupt ?? null;
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
				onFrame: (p, frame) => this.#frame(p, frame)
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
		await l?.stop();
	}

	#frame(probability: number, frame: Float32Array): void {
		for (const e of this.#segmenter.push(probability, frame)) {
			if (e.type === 'speech_start') {
				this.mic = 'hearing';
				this.#onsetAt = performance.now() - e.lagMs;
				if (this.#bargeIn.speechStart(this.speaking) === 'pause') void this.#pause();
			} else if (e.type === 'misfire') {
				this.mic = 'listening';
				if (this.#bargeIn.misfire() === 'resume') void this.#playback?.resume();
			} else {
				// Turns are transcribed one after another, so they reach the call in the order spoken.
				const { audio, silenceMs } = e;
				this.#turns = this.#turns
					.then(() => this.#turn(audio, silenceMs))
					.catch((err) => {
						this.micError = explain(err);
					});
			}
		}
	}

	async #pause(): Promise<void> {
		await this.#playback?.pause();
		const ms = Math.round(performance.now() - this.#onsetAt);
		this.timings = { ...this.timings, bargeInMs: [...this.timings.bargeInMs, ms] };
	}

	async #turn(audio: Float32Array, silenceMs: number): Promise<void> {
		this.mic = 'transcribing';
		// The caller stopped talking when the silence began, not when the turn detector noticed.
		const endedAt = performance.now() - silenceMs;
		// Speech that came before recognition finished loading waits for it rather than being lost.
		await this.#sttReady;
		let text = '';
		try {
			text =
				(await this.#stt?.call('transcribe', { samples: audio }, { transfer: [audio.buffer] }))
					?.text ?? '';
		} catch (e) {
			this.micError = explain(e);
		}
		if (this.mic === 'transcribing') this.mic = 'listening';
		const decision = this.#bargeIn.speechEnd((audio.length / 16000) * 1000, text);
		if (decision === 'resume') {
			await this.#playback?.resume();
			return;
		}
		if (decision === 'cancel') {
			this.#onInterrupt?.();
			await this.cancelSpeech();
		}
		if (!text.trim()) return;
		this.#turnEndedAt = endedAt;
		this.#onTurn?.(text.trim());
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
		const signal = this.#speech.signal;
		const splitter = new SentenceStream();
		const sentences = [...splitter.push(text), ...splitter.flush()];
		const synth = sentences.map((s) =>
			// Synthesis of every sentence starts now; playback keeps their order.
			this.#tts
				? this.#tts.call('speak', { text: s, voice: persona.voice }, { signal }).catch(() => null)
				: Promise.resolve(null)
		);
		this.#queue = this.#queue.then(async () => {
			for (const [i, pending] of synth.entries()) {
				const speech: Speech | null = await pending;
				if (signal.aborted || !speech) continue;
				this.#play(speech, sentences[i]!);
			}
		});
		return this.#queue;
	}

	#play(speech: Speech, sentence: string): void {
		if (!this.#playback) {
			this.#playback = new Playback(new AudioContext(), {
				onStart: () => {
					this.speaking = true;
					if (this.#turnEndedAt) {
						const ms = Math.round(performance.now() - this.#turnEndedAt);
						this.timings = { ...this.timings, firstAudioMs: [...this.timings.firstAudioMs, ms] };
						this.#turnEndedAt = 0;
					}
				},
				onIdle: () => (this.speaking = false)
			});
		}
		this.spokenBy = { ...this.spokenBy, [speech.engine]: this.spokenBy[speech.engine] + 1 };
		this.lastSpoken = sentence;
		this.#playback.enqueue(speech.samples, speech.sampleRate);
	}

	/** Stops the agent's voice and drops whatever was still being synthesized. */
	async cancelSpeech(): Promise<void> {
		this.#reply = new SentenceStream();
		this.#speech.abort();
		this.#speech = new AbortController();
		this.#queue = Promise.resolve();
		await this.#playback?.cancel();
	}

	/** The agent's output level now (0–1), for the meter. */
	level(): number {
		return this.#playback?.level() ?? 0;
	}

	async close(): Promise<void> {
		await this.stopListening();
		await this.#playback?.close();
		this.#playback = null;
	}
}

function spawn(worker: Worker, onDeath: (message: string) => void): Endpoint {
	worker.addEventListener('error', (e) => onDeath(e.message || 'failed to start'));
	return worker as unknown as Endpoint;
}

async function detectWebGpu(): Promise<boolean> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
	if (!gpu) return false;
	try {
		return (await gpu.requestAdapter()) !== null;
	} catch {
		return false;
	}
}

/** What a failed load means for the call, by model. */
const FAILED: Record<ModelKey, (why: string) => string> = {
	stt: (why) => `Speech recognition could not load (${why}). Type instead; it retries on reload.`,
	voice: (why) => `The offline voice could not load (${why}). Replies appear as text.`,
	natural: (why) =>
		`The natural voice could not be downloaded (${why}). The offline voice speaks instead.`,
	llm: (why) =>
		`The language model could not be downloaded (${why}). The built-in scripts answer instead.`
};

function explain(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
