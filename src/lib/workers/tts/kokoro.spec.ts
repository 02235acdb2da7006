import { describe, expect, it } from 'vitest';
import {
	KOKORO_DEFAULT_URL,
	kokoroHubSettings,
	kokoroVoiceKey,
	primeKokoroVoices
} from './kokoro-hub';

// The Kokoro model itself is in no npm package, so only its configuration is tested here: where the
// model is fetched from, and how the app's own voice files reach kokoro-js's cache.

describe('Kokoro model URL', () => {
	it('keeps a hub address in hub form, so transformers.js accepts the model id', () => {
		expect(kokoroHubSettings(KOKORO_DEFAULT_URL)).toEqual({
			remoteHost: 'https://huggingface.co/',
			remotePathTemplate: '{model}/resolve/main/',
			modelId: 'onnx-community/Kokoro-82M-v1.0-ONNX'
		});
	});

	it('turns any other folder into host = its parent, id = its name', () => {
		expect(kokoroHubSettings('https://cdn.example.com/voices/kokoro-82m/')).toEqual({
			remoteHost: 'https://cdn.example.com/voices/',
			remotePathTemplate: '{model}/',
			modelId: 'kokoro-82m'
		});
	});

	it('resolves a relative folder against the page, so one build works on any host', () => {
		expect(kokoroHubSettings('/models/kokoro', 'https://kiosk.local:8443/call')).toMatchObject({
			remoteHost: 'https://kiosk.local:8443/models/',
			modelId: 'kokoro'
		});
	});

	it('refuses URLs that cannot hold a model', () => {
		expect(() => kokoroHubSettings('https://cdn.example.com/')).toThrow(/needs a path/);
		expect(() => kokoroHubSettings('https://cdn.example.com/a%20b/')).toThrow(/cannot name/);
		expect(() => kokoroHubSettings('file:///tmp/kokoro/')).toThrow(/http/);
	});
});

describe('Kokoro voices served by the app', () => {
	function fakeCaches() {
		const store = new Map<string, ArrayBuffer>();
		const cache = {
			match: async (k: string) => (store.has(k) ? new Response(store.get(k)) : undefined),
			put: async (k: string, r: Response) => void store.set(k, await r.arrayBuffer())
		};
		return { store, caches: { open: async () => cache } as unknown as CacheStorage };
	}

	it('copies each voice from the local folder under the key kokoro-js looks up, once', async () => {
		const { store, caches } = fakeCaches();
		const fetched: string[] = [];
		const fetch = (async (u: string) => {
			fetched.push(u);
			return new Response(new Uint8Array([1, 2, 3]));
		}) as unknown as typeof globalThis.fetch;
		await primeKokoroVoices(
			['af_heart', 'am_michael'],
			'https://app.example/vendor/kokoro-voices/',
			{ caches, fetch }
		);
		await primeKokoroVoices(['af_heart'], 'https://app.example/vendor/kokoro-voices/', {
			caches,
			fetch
		});
		expect(fetched).toEqual([
			'https://app.example/vendor/kokoro-voices/af_heart.bin',
			'https://app.example/vendor/kokoro-voices/am_michael.bin'
		]);
		expect([...store.keys()]).toEqual([kokoroVoiceKey('af_heart'), kokoroVoiceKey('am_michael')]);
	});

	it('refuses a voice id that could escape the folder, and reports a voice the app lacks', async () => {
		const { caches } = fakeCaches();
		const fetch = (async () =>
			new Response('nope', { status: 404 })) as unknown as typeof globalThis.fetch;
		await expect(
			primeKokoroVoices(['../secret'], 'https://a/v/', { caches, fetch })
		).rejects.toThrow(RangeError);
		await expect(
			primeKokoroVoices(['af_nobody'], 'https://a/v/', { caches, fetch })
		).rejects.toThrow(/404/);
	});
});
