import { describe, expect, it } from 'vitest';
import {
	configFromQuery,
	fetchModel,
	ModelLoadError,
	modelUrl,
	type LoadProgress
} from './model-loader';

// A minimal CacheStorage with the two methods the loader uses, to check the cache path in Node.
function memoryCaches(opts: { full?: boolean } = {}) {
	const store = new Map<string, Uint8Array>();
	const cache = {
		match: async (url: string) =>
			store.has(url) ? new Response(store.get(url)!.slice().buffer) : undefined,
		put: async (url: string, res: Response) => {
			if (opts.full) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
			store.set(url, new Uint8Array(await res.arrayBuffer()));
		}
	};
	return { caches: { open: async () => cache } as unknown as CacheStorage, store };
}

function serving(bytes: Uint8Array, status = 200, headers?: Record<string, string>) {
	let calls = 0;
	const f = (async () => {
		calls++;
		const body = new ReadableStream<Uint8Array>({
			start(c) {
				for (let i = 0; i < bytes.length; i += 1000) c.enqueue(bytes.subarray(i, i + 1000));
				c.close();
			}
		});
		return new Response(status === 200 ? body : null, {
			status,
			headers: headers ?? { 'content-length': String(bytes.length) }
		});
	}) as typeof fetch;
	return { fetch: f, calls: () => calls };
}

describe('model URLs and config', () => {
	it('joins base, model id and file, honouring overrides and relative bases', () => {
		expect(
			modelUrl({ baseUrl: 'https://cdn.example/models' }, 'moonshine-tiny', 'encoder_model.onnx')
		).toBe('https://cdn.example/models/moonshine-tiny/encoder_model.onnx');
		expect(
			modelUrl(
				{
					baseUrl: 'https://cdn.example/models/',
					overrides: { 'moonshine-tiny': 'https://other.example/base' }
				},
				'moonshine-tiny',
				'encoder_model.onnx'
			)
		).toBe('https://other.example/base/encoder_model.onnx');
		expect(
			modelUrl(
				{ baseUrl: '/models' },
				'moonshine-tiny',
				'encoder_model.onnx',
				'https://kiosk.local/app/'
			)
		).toBe('https://kiosk.local/models/moonshine-tiny/encoder_model.onnx');
		const fallback = { baseUrl: '/models' };
		expect(
			configFromQuery(new URLSearchParams('models=https://cdn.example/m'), fallback).baseUrl
		).toBe('https://cdn.example/m');
		expect(configFromQuery(new URLSearchParams(''), fallback)).toBe(fallback);
	});
});

describe('fetching a model', () => {
	const bytes = Uint8Array.from({ length: 4500 }, (_, i) => i % 251);

	it('reports byte progress, then serves the second load from the cache', async () => {
		const server = serving(bytes);
		const { caches } = memoryCaches();
		const progress: LoadProgress[] = [];
		const first = await fetchModel('https://cdn.example/m/a.onnx', {
			fetch: server.fetch,
			caches,
			onProgress: (p) => progress.push(p)
		});
		expect(first).toEqual(bytes);
		expect(progress.map((p) => p.loaded)).toEqual([1000, 2000, 3000, 4000, 4500]);
		expect(progress.every((p) => p.total === 4500 && !p.fromCache)).toBe(true);
		const again: LoadProgress[] = [];
		expect(
			await fetchModel('https://cdn.example/m/a.onnx', {
				fetch: server.fetch,
				caches,
				onProgress: (p) => again.push(p)
			})
		).toEqual(bytes);
		expect(server.calls()).toBe(1);
		expect(again).toEqual([
			{ file: 'https://cdn.example/m/a.onnx', loaded: 4500, total: 4500, fromCache: true }
		]);
	});

	it('explains HTTP, network and full-storage failures with typed errors', async () => {
		const missing = fetchModel('https://cdn.example/m/b.onnx', {
			fetch: serving(bytes, 404).fetch,
			caches: null
		});
		await expect(missing).rejects.toMatchObject({ code: 'model_http_error', retryable: false });
		const offline = fetchModel('https://cdn.example/m/b.onnx', {
			fetch: (async () => {
				throw new TypeError('fetch failed');
			}) as typeof fetch,
			caches: null
		});
		await expect(offline).rejects.toBeInstanceOf(ModelLoadError);
		await expect(offline).rejects.toMatchObject({ code: 'model_network_error', retryable: true });
		const full = fetchModel('https://cdn.example/m/b.onnx', {
			fetch: serving(bytes).fetch,
			caches: memoryCaches({ full: true }).caches
		});
		await expect(full).rejects.toMatchObject({ code: 'model_storage_full' });
	});
});

describe('progress over a compressed response', () => {
	const bytes = new Uint8Array(10_000).map((_, i) => i % 251);
	const run = async (headers: Record<string, string>) => {
		const seen: LoadProgress[] = [];
		await fetchModel('https://app.example/m.onnx', {
			fetch: serving(bytes, 200, headers).fetch,
			caches: null,
			onProgress: (p) => seen.push(p)
		});
		return seen;
	};

	it('counts against the decoded size the server states, never past 100 %', async () => {
		const seen = await run({
			'content-length': '3000',
			'content-encoding': 'br',
			'x-decoded-length': '10000'
		});
		expect(seen.every((p) => p.total === 10_000 && p.loaded <= 10_000)).toBe(true);
	});

	it('has no total when only the compressed length is known', async () => {
		const seen = await run({ 'content-length': '3000', 'content-encoding': 'gzip' });
		expect(seen.every((p) => p.total === null)).toBe(true);
	});

	it('drops a total that the stream outgrows (a host compressing without saying so)', async () => {
		const seen = await run({ 'content-length': '3000' });
		expect(seen.at(-1)).toMatchObject({ loaded: 10_000, total: null });
		expect(seen.every((p) => p.total === null || p.loaded <= p.total)).toBe(true);
	});
});
