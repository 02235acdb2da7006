import { dev } from '$app/environment';
import { assets } from '$app/paths';
import { fetchModel, ModelLoadError } from '$lib/workers/model-loader';
import {
	espeakLoadParams,
	ortWasmUrl,
	sttLoadParams,
	voiceConfig,
	type VoiceConfig
} from '$lib/voice/config';
import {
	fileName,
	MODEL_CACHE,
	voiceCallFiles,
	type FromWorker,
	type KeepVoiceReply,
	type OfflineFile,
	type ToWorker
} from './kit';
import { STORAGE_FULL_INSTALL } from './precache';
import { StorageFullError } from '$lib/storage/quota';

// The page's side of offline use: whether the network is there, the service worker (registered
// once no call is in progress; a new version is offered between calls and never swapped in under
// one), how much this device keeps and may keep, and which files a voice call would lack with no
// network. One instance per page (`offline`), shared by the indicator and the Call button's guard.

export type StorageInfo = { usage: number; quota: number; persisted: boolean | null };
export type WorkerState = 'unsupported' | 'after-first-call' | 'installing' | 'ready' | 'failed';

export class OfflineStatus {
	#online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	#worker = $state<WorkerState>('after-first-call');
	#updateReady = $state(false);
	#storage = $state<StorageInfo | null>(null);
	/** Files a voice call needs that this device does not hold; null until checked. */
	#missing = $state.raw<OfflineFile[] | null>(null);
	/** Bytes the missing files take, when the server said. */
	#missingBytes = $state<number | null>(null);
	#keeping = $state<{ done: number; total: number } | null>(null);
	#problem = $state<string | null>(null);
	#refusal = $state<string | null>(null);
	#registration: ServiceWorkerRegistration | null = null;
	#reloadOnChange = false;
	#started = false;

	get online() {
		return this.#online;
	}
	get worker() {
		return this.#worker;
	}
	/** A new version is installed and waits; the page offers it only between calls. */
	get updateReady() {
		return this.#updateReady;
	}
	get storage() {
		return this.#storage;
	}
	get missing() {
		return this.#missing;
	}
	get missingBytes() {
		return this.#missingBytes;
	}
	get keeping() {
		return this.#keeping;
	}
	/** Why keeping files for offline use failed (storage full, no network), if it did. */
	get problem() {
		return this.#problem;
	}
	/** Why the last Call was refused, naming the missing file. */
	get refusal() {
		return this.#refusal;
	}

	/** Connects to the browser: network events, storage, the service worker. Returns the cleanup. */
	start(): () => void {
		if (this.#started) return () => {};
		this.#started = true;
		const onOnline = () => {
			this.#online = true;
			this.#refusal = null;
			void this.#registration?.update().catch(() => {});
		};
		const onOffline = () => {
			this.#online = false;
			void this.check();
		};
		addEventListener('online', onOnline);
		addEventListener('offline', onOffline);
		// The service worker's install failed: a full disk is said as such.
		const onWorkerMessage = (e: MessageEvent<FromWorker>) => {
			if (e.data?.type !== 'install-failed') return;
			this.#worker = 'failed';
			this.#problem = e.data.code === 'storage_full' ? STORAGE_FULL_INSTALL : null;
		};
		navigator.serviceWorker?.addEventListener('message', onWorkerMessage);
		// Online, the check waits for the end of a call (it loads ONNX Runtime's JavaScript to learn
		// the runtime's version); offline, a Call may depend on it.
		if (!this.#online) void this.check();
		return () => {
			removeEventListener('online', onOnline);
			removeEventListener('offline', onOffline);
			navigator.serviceWorker?.removeEventListener('message', onWorkerMessage);
			this.#started = false;
		};
	}

	/**
	 * Between calls. The service worker is registered once this device has been used for a call
	 * (or runs as an installed app, or was registered on an earlier visit): a visitor who only
	 * looks downloads nothing beyond the page, and an install never competes with a call's first
	 * downloads. After each call it looks for a new version and keeps what the call did not fetch.
	 */
	async idle(busy: () => boolean, { called }: { called: boolean }): Promise<void> {
		// The dev server's pages change with every edit: a cache-first service worker would hide that.
		if (!('serviceWorker' in navigator) || dev) {
			this.#worker = 'unsupported';
			return;
		}
		if (this.#registration) {
			// Between calls: a new version, and the files the last call did not fetch.
			await this.#registration.update().catch(() => {});
			await this.#topUp();
			return;
		}
		const earlier = await navigator.serviceWorker.getRegistration().catch(() => undefined);
		if (!earlier && !called && !installedApp()) {
			this.#worker = 'after-first-call';
			return;
		}
		// After the page's own load, so the install does not hold up the first screen.
		if (document.readyState !== 'complete')
			await new Promise((done) => addEventListener('load', done, { once: true }));
		// A call started meanwhile: the component asks again when it ends.
		if (busy()) return;
		if (!(await this.#register())) return;
		// An installed app (a kiosk) is made ready for offline use at once; a web page only once it
		// has made a voice call, so a visitor who only looks downloads no model.
		await this.#topUp(installedApp());
	}

	async #register(): Promise<boolean> {
		if (this.#registration) return true;
		this.#worker = 'installing';
		try {
			const reg = await navigator.serviceWorker.register(`${assets}/service-worker.js`);
			this.#registration = reg;
			this.#watch(reg);
			await installed(reg);
			this.#worker = 'ready';
			return true;
		} catch {
			this.#worker = 'failed';
			return false;
		}
	}

	#watch(reg: ServiceWorkerRegistration): void {
		const seeWaiting = () => {
			// A waiting worker with none in control is a first install, which activates by itself.
			if (reg.waiting && navigator.serviceWorker.controller) this.#updateReady = true;
		};
		seeWaiting();
		reg.addEventListener('updatefound', () => {
			const next = reg.installing;
			next?.addEventListener('statechange', () => {
				if (next.state === 'installed') seeWaiting();
			});
		});
		navigator.serviceWorker.addEventListener('controllerchange', () => {
			// Another tab took the update: this one reloads when its visitor chooses to.
			if (this.#reloadOnChange) location.reload();
			else this.#updateReady = true;
		});
	}

	/** Takes the waiting version and reloads; only offered between calls. */
	applyUpdate(): void {
		const waiting = this.#registration?.waiting;
		this.#reloadOnChange = true;
		if (waiting) waiting.postMessage({ type: 'skip-waiting' } satisfies ToWorker);
		else location.reload();
	}

	/**
	 * Whether a call must be refused: a voice call with no network on a device that lacks a file it
	 * needs (a text call needs none). Online, the files download as usual, so nothing is refused.
	 */
	refusesCall({ voice }: { voice: boolean }): boolean {
		this.#refusal = null;
		if (!voice || this.#online || !this.#missing?.length) return false;
		const first = this.#missing[0]!;
		this.#refusal =
			`No network, and this device does not have ${fileName(first.url)} (${first.label})` +
			`${this.#missing.length > 1 ? ` or ${this.#missing.length - 1} other file(s)` : ''}, ` +
			'so a voice call could not be finished. Tick Text only to type to us, or connect once so ' +
			'the voice can be kept on this device.';
		return true;
	}

	/** Looks up which of a voice call's files this device holds, and how much storage is left. */
	async check(): Promise<void> {
		await this.#estimate();
		try {
			const files = await voiceFiles();
			const cache = await caches.open(MODEL_CACHE);
			const missing: OfflineFile[] = [];
			for (const f of files) if (!(await cache.match(f.url))) missing.push(f);
			this.#missing = missing;
			this.#missingBytes = this.#online && missing.length ? await sizeOf(missing) : null;
		} catch {
			// Cache Storage unavailable (private mode in some browsers): nothing can be kept.
			this.#missing = null;
		}
	}

	/** Downloads what an offline voice call would lack: the models, phrase clips and hold music. */
	async keepForOffline(): Promise<void> {
		if (this.#keeping) return;
		this.#problem = null;
		if ('serviceWorker' in navigator && !dev && !(await this.#register())) {
			this.#problem = 'The app could not be kept on this device, so it needs the network to start.';
			return;
		}
		await this.check();
		const missing = this.#missing ?? (await voiceFiles());
		this.#keeping = { done: 0, total: missing.length + 1 };
		try {
			for (const f of missing) {
				await fetchModel(f.url);
				this.#keeping = { ...this.#keeping, done: this.#keeping.done + 1 };
			}
			await this.#keepVoiceClips();
		} catch (e) {
			this.#problem =
				(e instanceof ModelLoadError && e.code === 'model_storage_full') ||
				e instanceof StorageFullError
					? 'This device is out of storage, so the voice cannot be kept for offline use. Online calls work as usual; offline, only text calls. Free some space and try again.'
					: `Could not keep everything for offline use: ${(e as Error).message}`;
		} finally {
			this.#keeping = null;
			await this.check();
		}
	}

	/** Asks the service worker to keep the phrase clips and hold music of this version. */
	async #keepVoiceClips(): Promise<void> {
		const worker = (await navigator.serviceWorker?.ready)?.active;
		if (!worker) return;
		await new Promise<void>((done, fail) => {
			const channel = new MessageChannel();
			channel.port1.onmessage = (e: MessageEvent<KeepVoiceReply>) => {
				const reply = e.data;
				if (reply.ok) return done();
				fail(
					reply.code === 'storage_full'
						? new StorageFullError(reply.error)
						: new Error(reply.error || 'the service worker failed')
				);
			};
			worker.postMessage({ type: 'keep-voice' } satisfies ToWorker, [channel.port2]);
		});
	}

	/**
	 * After a call: a device that holds any of the voice's files (it has made a voice call) gets
	 * the rest, so it can take a voice call with no network; `always` for an installed app.
	 */
	async #topUp(always = false): Promise<void> {
		if (!this.#online || this.#keeping) return;
		const used = always || (await caches.has(MODEL_CACHE).catch(() => false));
		if (!used) return;
		await this.check();
		const missing = this.#missing;
		if (!missing) return;
		const all = await voiceFiles().catch(() => []);
		if (missing.length > 0 && (always || missing.length < all.length)) await this.keepForOffline();
		else if (missing.length === 0) await this.#keepVoiceClips().catch(() => {});
	}

	async #estimate(): Promise<void> {
		try {
			const e = await navigator.storage?.estimate?.();
			if (!e) return;
			const persisted = (await navigator.storage.persisted?.()) ?? null;
			this.#storage = { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted };
		} catch {
			this.#storage = null;
		}
	}
}

function installedApp(): boolean {
	return matchMedia('(display-mode: standalone), (display-mode: fullscreen)').matches;
}

/** Resolves once a worker of `reg` is active; rejects when the install fails (a file missing). */
function installed(reg: ServiceWorkerRegistration): Promise<void> {
	return new Promise((done, fail) => {
		const look = () => {
			if (reg.active) return done();
			const w = reg.installing ?? reg.waiting;
			if (!w) return fail(new Error('the service worker did not install'));
			w.addEventListener('statechange', () => {
				if (w.state === 'redundant') fail(new Error('the service worker did not install'));
				else if (w.state === 'activated' || reg.active) done();
			});
		};
		look();
	});
}

/** The one instance per page. */
export const offline = new OfflineStatus();

async function voiceFiles(): Promise<OfflineFile[]> {
	const page = new URL(location.href);
	const c: VoiceConfig = voiceConfig(page, assets);
	const gpu = await hasWebGpu();
	const stt = sttLoadParams(c, page.href, gpu ? 'webgpu' : 'wasm');
	// The version in ONNX Runtime's address is its JavaScript half's, which the page has cached.
	const { env } = await import('onnxruntime-web/wasm');
	return voiceCallFiles({
		encoderUrl: stt.encoderUrl,
		decoderUrl: stt.decoderUrl,
		ortWasmUrl: ortWasmUrl(c, page.href, env.versions.web ?? ''),
		espeakWasmUrl: espeakLoadParams(c, page.href).espeakWasmUrl,
		vadModelUrl: new URL(`${assets}/vendor/vad/silero_vad_v5.onnx`, page).toString(),
		...(gpu
			? { jsepWasmUrl: new URL(`${stt.wasmPaths}ort-wasm-simd-threaded.jsep.wasm`).toString() }
			: {})
	});
}

async function hasWebGpu(): Promise<boolean> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
	try {
		return !!gpu && (await gpu.requestAdapter()) !== null;
	} catch {
		return false;
	}
}

/** The decoded size of each file, as the server says (HEAD); null when it does not. */
async function sizeOf(files: OfflineFile[]): Promise<number | null> {
	let total = 0;
	for (const f of files) {
		try {
			const r = await fetch(f.url, { method: 'HEAD', cache: 'no-store' });
			const n = Number(r.headers.get('x-decoded-length') || r.headers.get('content-length'));
			if (!r.ok || !n) return null;
			total += n;
		} catch {
			return null;
		}
	}
	return total;
}
