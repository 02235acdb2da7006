import { assets } from '$app/paths';
import type { Persona } from '$lib/agents/flow';
import type { MLCEngineInterface } from '@mlc-ai/web-llm';
import { WorkerClient, type Endpoint, type Progress } from '$lib/workers/protocol';
import type { sttHandlers } from '$lib/workers/stt/service';
import type { ttsHandlers } from '$lib/workers/tts/service';
import {
	kokoroLoadParams,
	startSttWorker,
	startTtsWorker,
	sttLoadParams,
	voiceConfig,
	type VoiceConfig
} from './config';

// The model manager's state: what the page has loaded, on which backend, how big, how far along,
// and why not when it failed. Speech recognition and the offline voice load at once, behind the
// page (text works meanwhile); the natural voice and the language model need WebGPU to be worth
// their download, and are offered as buttons without it.

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

	readonly #config: VoiceConfig;
	readonly #personas: readonly Persona[];
	#stt: WorkerClient<SttApi> | null = null;
	#tts: WorkerClient<TtsApi> | null = null;
	#prepared: Promise<void> | null = null;

	constructor(page: URL, personas: readonly Persona[]) {
		this.#config = voiceConfig(page, assets);
		this.stt.label = `Speech recognition (${this.#config.sttModel.replace('-', ' ')})`;
		this.#personas = personas;
	}

	/** The speech recognition worker, once speech recognition has loaded (or failed to). */
	async speechRecognition(): Promise<WorkerClient<SttApi> | null> {
		await this.prepare().catch(() => {});
		return this.stt.status === 'ready' ? this.#stt : null;
	}

	/** The voice worker, once the offline voice has loaded (or failed to). */
	async voiceOutput(): Promise<WorkerClient<TtsApi> | null> {
		await this.prepare().catch(() => {});
		return this.voice.status === 'ready' ? this.#tts : null;
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
		const sttLoad = this.#load('stt', () =>
			this.#stt!.call('load', sttLoadParams(this.#config, location.href, device), {
				onProgress: (p) => this.#progress('stt', p)
			}).then((r) => ({ backend: r.backend, bytes: r.bytes }))
		);
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
