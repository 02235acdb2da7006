import { assets } from '$app/paths';
import type { Persona } from '$lib/agents/flow';
import type { MLCEngineInterface } from '@mlc-ai/web-llm';
import { WorkerClient, type Endpoint, type Progress } from '$lib/workers/protocol';
import type { sttHandlers } from '$lib/workers/stt/service';
import type { ttsHandlers } from '$lib/workers/tts/service';
import { fetchModel } from '$lib/workers/model-loader';
import { resample } from '$lib/audio/wav';
import { PhraseBook } from './phrase-book';
import {
	espeakLoadParams,
	kokoroLoadParams,
	ortWasmUrl,
	phrasesUrl,
	startSttWorker,
	startTtsWorker,
	sttLoadParams,
	voiceConfig,
	type VoiceConfig
} from './config';

// The model manager's state: what the page has loaded, on which backend, how big, how far along,
// and why not when it failed. A page view loads nothing heavy: only the pre-rendered greeting. A
// voice call starts the offline voice and speech recognition (VAD and Moonshine share one ONNX
// Runtime download) in parallel, and each is awaited only by what needs it: the agents speak as
// soon as the voice is ready, whatever recognition is doing. A text call loads no speech model.
// The natural voice and the language model need WebGPU to be worth their download, and are
// offered as buttons without it.

type Api<H> = {
	[K in keyof H]: H[K] extends (p: infer P, ctx: never) => infer R ? (p: P) => R : never;
};
export type SttApi = Api<ReturnType<typeof sttHandlers>>;
export type TtsApi = Api<ReturnType<typeof ttsHandlers>>;

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

export class Models {
	gpu = $state<'checking' | 'available' | 'unavailable'>('checking');
	persisted = $state<boolean | null>(null);
	stt = $state<ModelState>({ label: 'Speech recognition (Moonshine tiny)', status: 'idle' });
	voice = $state<ModelState>({ label: 'Offline voice (espeak-ng)', status: 'idle' });
	natural = $state<ModelState>({ label: 'Natural voice (Kokoro 82M)', status: 'idle' });
	llm = $state<ModelState>({ label: 'Language model (Qwen2.5 0.5B)', status: 'idle' });
	/** The loaded LLM, once there is one; the call uses it for unsure routing and for replies. */
	engine = $state.raw<MLCEngineInterface | null>(null);
	/** Sentences rendered at build time in the offline voice: the greeting needs no model. */
	readonly phrases: PhraseBook;
	/** Resolves when background work may run without slowing the call (set by the voice). */
	whenQuiet: () => Promise<void> = async () => {};

	readonly #config: VoiceConfig;
	/** The personas whose voices a call may need (the page's flow can change before the call). */
	readonly #personas: () => readonly Persona[];
	#stt: WorkerClient<SttApi> | null = null;
	#tts: WorkerClient<TtsApi> | null = null;
	#gpuFound: Promise<boolean> | null = null;
	#voiceLoad: Promise<void> | null = null;
	#sttLoad: Promise<void> | null = null;
	#ortWasm: Promise<Uint8Array | null> | null = null;
	/** Bytes of the shared ONNX Runtime counted into recognition's progress: [loaded, total]. */
	#ortBytes: [number, number] = [0, 0];
	#sttBytes: [number, number] = [0, 0];

	constructor(page: URL, personas: readonly Persona[] | (() => readonly Persona[])) {
		this.#config = voiceConfig(page, assets);
		this.stt.label = `Speech recognition (${this.#config.sttModel.replace('-', ' ')})`;
		this.#personas = typeof personas === 'function' ? personas : () => personas;
		this.phrases = new PhraseBook(phrasesUrl(this.#config, page.href));
	}

	/** The speech recognition worker, once speech recognition has loaded (or failed to). */
	async speechRecognition(): Promise<WorkerClient<SttApi> | null> {
		this.startRecognition();
		await this.#sttLoad;
		return this.stt.status === 'ready' ? this.#stt : null;
	}

	/** The voice worker, once the offline voice has loaded (or failed to). */
	async voiceOutput(): Promise<WorkerClient<TtsApi> | null> {
		this.startVoice();
		await this.#voiceLoad;
		return this.voice.status === 'ready' ? this.#tts : null;
	}

	get ready(): boolean {
		return this.stt.status === 'ready' && this.voice.status === 'ready';
	}

	/** Everything a voice call needs, loading in parallel; resolves when all of it has settled. */
	async prepare(): Promise<void> {
		this.startVoice();
		this.startRecognition();
		await Promise.all([this.#voiceLoad, this.#sttLoad]);
	}

	/** Starts loading the offline voice (idempotent). */
	startVoice(): void {
		this.#voiceLoad ??= this.#loadVoice();
	}

	/** Starts loading speech recognition (idempotent). */
	startRecognition(): void {
		this.#sttLoad ??= this.#loadRecognition();
	}

	/**
	 * ONNX Runtime's plain WASM build, fetched once through the model cache and shared by the VAD
	 * (on the page) and speech recognition (in its worker). Null when it cannot be fetched: each
	 * then asks ONNX Runtime to fetch it itself, and fails with its own message if that fails too.
	 */
	ortRuntime(): Promise<Uint8Array | null> {
		this.#ortWasm ??= (async () => {
			try {
				const { env } = await import('onnxruntime-web/wasm');
				const url = ortWasmUrl(this.#config, location.href, env.versions.web ?? '');
				return await fetchModel(url, {
					onProgress: (p) => {
						this.#ortBytes = [p.loaded, p.total ?? p.loaded];
						this.#showSttProgress();
					}
				});
			} catch {
				return null;
			}
		})();
		return this.#ortWasm;
	}

	#loadVoice(): Promise<void> {
		this.#tts = new WorkerClient<TtsApi>(
			spawn(startTtsWorker(), (m) => this.#workerDied('tts', m))
		);
		return this.#load('voice', () =>
			this.#tts!.call('load', espeakLoadParams(this.#config, location.href), {
				onProgress: (p) => this.#progress('voice', p)
			}).then((r) => ({ backend: 'wasm', bytes: r.bytes }))
		).then(() => this.#afterCore());
	}

	#loadRecognition(): Promise<void> {
		this.#stt = new WorkerClient<SttApi>(
			spawn(startSttWorker(), (m) => this.#workerDied('stt', m))
		);
		return this.#load('stt', async () => {
			const gpu = await this.#detectGpu();
			const device = gpu ? 'webgpu' : 'wasm';
			// Without a GPU the model runs on the same runtime as the VAD: one download for both.
			// The greeting's clip, once fetched, is real speech to warm recognition up on.
			const [wasmBinary, said] = await Promise.all([
				device === 'wasm' ? this.ortRuntime() : null,
				this.phrases.played()
			]);
			const warmUp = said ? resample(said.samples, said.sampleRate, 16000) : null;
			const r = await this.#stt!.call(
				'load',
				{
					...sttLoadParams(this.#config, location.href, device),
					...(wasmBinary ? { wasmBinary } : {}),
					...(warmUp ? { warmUp } : {})
				},
				{
					onProgress: (p) => {
						if (p.loaded === undefined) return;
						this.#sttBytes = [p.loaded, p.total ?? p.loaded];
						this.#showSttProgress();
					}
				}
			);
			return { backend: r.backend, bytes: r.bytes + (wasmBinary?.length ?? 0) };
		}).then(() => {
			// With the large downloads done, the narrations follow, one by one, so a handoff's
			// first words play without a round trip. Not when the app's service worker serves the
			// page: it keeps every clip already, and reading them all again would only take time.
			if (!navigator.serviceWorker?.controller) void this.phrases.warm(() => this.whenQuiet());
			return this.#afterCore();
		});
	}

	#showSttProgress(): void {
		if (this.stt.status !== 'loading') return;
		this.stt = {
			...this.stt,
			loaded: this.#ortBytes[0] + this.#sttBytes[0],
			total: this.#ortBytes[1] + this.#sttBytes[1]
		};
	}

	#detectGpu(): Promise<boolean> {
		this.#gpuFound ??= Promise.all([detectWebGpu(), this.#persist()]).then(([gpu]) => {
			this.gpu = gpu ? 'available' : 'unavailable';
			return gpu;
		});
		return this.#gpuFound;
	}

	#optionalStarted = false;

	/** Once the voice and recognition have settled, the optional models (GPU only) follow. */
	async #afterCore(): Promise<void> {
		if (this.#optionalStarted || !this.#voiceLoad || !this.#sttLoad) return;
		if (this.voice.status === 'loading' || this.stt.status === 'loading') return;
		this.#optionalStarted = true;
		const gpu = await this.#detectGpu();
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
		if (this.natural.status === 'loading' || this.natural.status === 'ready') return;
		this.startVoice();
		if (!this.#tts) return;
		const device = (await this.#detectGpu()) ? 'webgpu' : 'wasm';
		const params = kokoroLoadParams(this.#config, location.href, this.#personas(), device);
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

export function explain(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
