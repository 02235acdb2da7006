import { BatonError } from '../errors';
// Loading model weights in production: from configurable URLs, through the browser's Cache
// Storage (so a kiosk that went offline after its first visit still starts), with byte-level
// progress for the model manager's progress bars. Nothing here knows about a specific model.

export type ModelFile = { name: string; url: string; bytes?: number };

export type ModelConfig = {
	/** Where model files live; a deployment points this at its own server or CDN. */
	baseUrl: string;
	/** Overrides per model id, e.g. `{ stt: 'https://cdn.example/moonshine-base/' }`. */
	overrides?: Record<string, string>;
};

export type LoadProgress = {
	file: string;
	loaded: number;
	total: number | null;
	fromCache: boolean;
};

export class ModelLoadError extends BatonError {
	declare readonly code: 'model_http_error' | 'model_network_error' | 'model_storage_full';

	constructor(code: ModelLoadError['code'], message: string) {
		super({ code, message, retryable: code !== 'model_http_error' });
	}
}

/** The URL of one file of one model, honouring per-model overrides; always ends a folder with /. */
export function modelUrl(
	config: ModelConfig,
	modelId: string,
	file: string,
	pageUrl?: string
): string {
	// A relative base ("/models") is resolved against the page, so one build works on any host.
	const root = pageUrl
		? new URL(withSlash(config.baseUrl), pageUrl)
		: new URL(withSlash(config.baseUrl));
	const override = config.overrides?.[modelId];
	const folder = override ? new URL(withSlash(override), root) : new URL(`${modelId}/`, root);
	return new URL(file, folder).toString();
}

function withSlash(u: string): string {
	return u.endsWith('/') ? u : `${u}/`;
}

/** Reads a model config from a page URL's query (`?models=https://…`), falling back to the default. */
export function configFromQuery(search: URLSearchParams, fallback: ModelConfig): ModelConfig {
	const base = search.get('models');
	if (!base) return fallback;
	try {
		new URL(base, 'http://x/');
	} catch {
		return fallback;
	}
	return { ...fallback, baseUrl: base };
}

export type FetchModelOptions = {
	cacheName?: string;
	onProgress?: (p: LoadProgress) => void;
	signal?: AbortSignal;
	/** Injected for tests; defaults to the global fetch and `caches`. */
	fetch?: typeof fetch;
	caches?: CacheStorage | null;
};

/** How the model workers fetch a file: bytes out, byte progress (total null when unknown). */
export type FetchBytes = (
	url: string,
	onProgress: (loaded: number, total: number | null) => void
) => Promise<Uint8Array>;

/** `fetchModel` in the shape the model workers take. */
export const fetchBytes: FetchBytes = (url, onProgress) =>
	fetchModel(url, { onProgress: (p) => onProgress(p.loaded, p.total) });

/** Fetches one file, from the cache when it is there; stores it in the cache after download. */
export async function fetchModel(
	url: string,
	options: FetchModelOptions = {}
): Promise<Uint8Array> {
	const doFetch = options.fetch ?? fetch;
	const storage = options.caches === undefined ? (globalThis.caches ?? null) : options.caches;
	const cache = storage ? await storage.open(options.cacheName ?? 'baton-models-v1') : null;
	const cached = cache ? await cache.match(url) : undefined;
	if (cached) {
		const bytes = new Uint8Array(await cached.arrayBuffer());
		options.onProgress?.({ file: url, loaded: bytes.length, total: bytes.length, fromCache: true });
		return bytes;
	}
	let response: Response;
	try {
		response = await doFetch(url, { signal: options.signal });
	} catch (e) {
		if ((e as Error).name === 'AbortError') throw e;
		throw new ModelLoadError(
			'model_network_error',
			`Could not reach ${url}. Check the connection; text mode works meanwhile.`
		);
	}
	if (!response.ok) {
		throw new ModelLoadError(
			'model_http_error',
			`${url} answered ${response.status}. Check the model URL in the settings.`
		);
	}
	// Content-Length counts the bytes on the wire; compressed, that is not what the stream yields.
	const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
	let total =
		Number(response.headers.get('x-decoded-length')) ||
		(encoded ? null : Number(response.headers.get('content-length')) || null);
	const chunks: Uint8Array[] = [];
	let loaded = 0;
	const reader = response.body?.getReader();
	if (reader) {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			loaded += value.length;
			// A host that compresses without saying so (a CDN across origins hides the encoding).
			if (total !== null && loaded > total) total = null;
			options.onProgress?.({ file: url, loaded, total, fromCache: false });
		}
	}
	const bytes = new Uint8Array(loaded);
	let at = 0;
	for (const c of chunks) {
		bytes.set(c, at);
		at += c.length;
	}
	if (cache) {
		try {
			await cache.put(
				url,
				new Response(bytes, {
					headers: {
						'content-type': 'application/octet-stream',
						'content-length': String(bytes.length)
					}
				})
			);
		} catch (e) {
			if ((e as Error).name === 'QuotaExceededError') {
				// The download still works for this session; only the offline copy is missing.
				options.onProgress?.({ file: url, loaded, total, fromCache: false });
				throw new ModelLoadError(
					'model_storage_full',
					'The device is out of storage, so the model cannot be kept for offline use. Free some space and reload.'
				);
			}
		}
	}
	return bytes;
}
