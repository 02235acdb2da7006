// What a device needs to take calls with no network, in three tiers, shared by the service worker
// (src/service-worker.ts) and the page (offline.svelte.ts):
// - the shell: the app's pages, scripts and styles, kept in a cache per build version and fetched
//   when the service worker installs, so the version that runs is always whole;
// - the voice: files a voice call uses besides the models (phrase clips, hold music), kept in the
//   same versioned cache once used or when the device is made ready for offline use;
// - the models: the speech models and runtimes, kept in the model cache the page already fills
//   (`baton-models-v1`, workers/model-loader.ts), under the exact addresses the page loads them
//   from, so nothing is downloaded twice. The large optional models (the natural voice, the
//   language model) are not part of any tier: they stay in their own caches, as before.

/** The model cache `fetchModel` reads and fills; the service worker serves from it too. */
export const MODEL_CACHE = 'baton-models-v1';
/** The prefix of the versioned caches the service worker owns; older versions are deleted. */
export const SHELL_CACHE_PREFIX = 'baton-shell-';

/** The build's list of files under _app/immutable/, workers included (scripts/offline-files.ts). */
export const OFFLINE_FILES = '_app/offline.json';
export type OfflineFiles = { v: 1; immutable: string[] };

export const shellCacheName = (version: string) => `${SHELL_CACHE_PREFIX}${version}`;

export type Tier = 'shell' | 'voice' | 'model' | 'optional';

/**
 * Which tier a static file (a path under the app's base, starting with /) belongs to. Models and
 * runtimes the page fetches through the model cache are `model`; the natural voice's files are
 * `optional`; pre-rendered clips and hold music are `voice`; everything else is `shell`.
 */
export function tierOf(path: string): Tier {
	if (/^\/vendor\/(ort-kokoro|kokoro-voices)\//.test(path)) return 'optional';
	if (
		path.startsWith('/models/') ||
		/^\/vendor\/ort\/[^/]+\.wasm$/.test(path) ||
		/^\/vendor\/espeak\/[^/]+\.wasm$/.test(path) ||
		/^\/vendor\/vad\/[^/]+\.onnx$/.test(path)
	)
		return 'model';
	if (/^\/phrases\/[^/]+\.wav$/.test(path) || path === '/hold.wav') return 'voice';
	return 'shell';
}

/**
 * Model-tier files that libraries fetch themselves rather than through `fetchModel` (the VAD's
 * Silero model, ONNX Runtime's WebGPU build): the service worker keeps a copy when it sees them.
 */
export function fetchedByLibrary(path: string): boolean {
	return /^\/vendor\/vad\/[^/]+\.onnx$/.test(path) || /\.jsep\.wasm$/.test(path);
}

/** Files whose names never change with their content: a copy from an older version is as good. */
export function immutable(path: string): boolean {
	return path.startsWith('/_app/immutable/') || /^\/phrases\/[^/]+\.wav$/.test(path);
}

/** One file an offline voice call cannot do without, by address, with what it is for. */
export type OfflineFile = { url: string; label: string };

/**
 * The model-tier files a voice call loads, at the addresses it loads them from (model URLs honour
 * `?models=` and `?stt=`; ONNX Runtime's carries its version). `urls` come from voice/config.ts.
 */
export function voiceCallFiles(urls: {
	encoderUrl: string;
	decoderUrl: string;
	ortWasmUrl: string;
	espeakWasmUrl: string;
	vadModelUrl: string;
	/** ONNX Runtime's WebGPU build, when speech recognition will run on the GPU. */
	jsepWasmUrl?: string;
}): OfflineFile[] {
	return [
		{ url: urls.ortWasmUrl, label: 'ONNX Runtime (WebAssembly)' },
		{ url: urls.vadModelUrl, label: 'voice detection (Silero)' },
		{ url: urls.encoderUrl, label: 'speech recognition (encoder)' },
		{ url: urls.decoderUrl, label: 'speech recognition (decoder)' },
		{ url: urls.espeakWasmUrl, label: 'offline voice (espeak-ng)' },
		...(urls.jsepWasmUrl ? [{ url: urls.jsepWasmUrl, label: 'ONNX Runtime (WebGPU)' }] : [])
	];
}

/** A file's name for a person: its path on the site, without the query. */
export function fileName(url: string): string {
	try {
		return new URL(url).pathname.replace(/^\//, '');
	} catch {
		return url;
	}
}

/**
 * Messages from the page to the service worker, each with a `type` tag: take over now (sent only
 * between calls), or keep this version's voice files (phrase clips, hold music), answering
 * `{ ok, error? }` on the port sent with the message.
 */
export type ToWorker = { type: 'skip-waiting' } | { type: 'keep-voice' };
export type KeepVoiceReply =
	{ ok: true; kept: number } | { ok: false; error: string; code?: 'storage_full' };

/** What the service worker tells the pages by itself: its install failed, and why. */
export type FromWorker = {
	type: 'install-failed';
	code: 'storage_full' | 'failed';
	message: string;
};
