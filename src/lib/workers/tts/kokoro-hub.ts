// Where Kokoro's files come from, apart from the synthesizer itself so the page can read these
// settings without pulling kokoro-js (and transformers.js) into its bundle. The model comes from a
// configurable URL laid out like a Hugging Face repository (config.json, tokenizer.json,
// onnx/model*.onnx). The voice files ship in the kokoro-js package and the app serves them itself:
// kokoro-js looks for them in its Cache Storage bucket under their hub address, so they are put
// there from the app first.

/** Where the model lives unless a deployment says otherwise (the policy's model hosts follow it). */
export { KOKORO_DEFAULT_URL } from '../model-sources.js';

/** The address kokoro-js fetches a voice from, and the key it caches it under. */
export const kokoroVoiceKey = (id: string) =>
	`https://huggingface.co/onnx-community/Kokoro-82M-v1.0-ONNX/resolve/main/voices/${id}.bin`;

/** Kokoro voice ids: a language/gender pair and a name, e.g. `af_heart`. */
export const KOKORO_VOICE_ID = /^[a-z]{2}_[a-z]+$/;

/**
 * transformers.js settings that make it fetch `modelUrl`'s files: host, path template, model id.
 * It accepts only hub-like model ids ("org/name" or "name"), so a hub address keeps its form and
 * any other folder becomes host = the parent folder, id = the folder's own name.
 */
export function kokoroHubSettings(modelUrl: string, pageUrl?: string) {
	const url = pageUrl ? new URL(modelUrl, pageUrl) : new URL(modelUrl);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new RangeError(`The Kokoro model URL must be http(s), not ${url.protocol}`);
	}
	const parts = url.pathname.split('/').filter(Boolean);
	const hub = /^(.*?)\/?([\w.-]+\/[\w.-]+)\/resolve\/([\w.-]+)\/?$/.exec(url.pathname);
	if (hub) {
		return {
			remoteHost: `${url.origin}${hub[1]}/`,
			// kokoro-js passes no revision, so the address's own is written into the template.
			remotePathTemplate: `{model}/resolve/${hub[3]}/`,
			modelId: hub[2]!
		};
	}
	const name = parts.pop();
	if (!name)
		throw new RangeError('The Kokoro model URL needs a path (the folder holding config.json).');
	if (!/^[\w.-]{1,96}$/.test(name) || name.includes('..')) {
		throw new RangeError(`"${name}" cannot name a model folder (letters, digits, . _ - only).`);
	}
	return {
		remoteHost: `${url.origin}/${parts.map((p) => `${p}/`).join('')}`,
		remotePathTemplate: '{model}/',
		modelId: name
	};
}

/** Copies the voices from the app's own folder into kokoro-js's cache, under their hub keys. */
export async function primeKokoroVoices(
	ids: string[],
	localBase: string,
	deps: { caches: CacheStorage; fetch: typeof fetch }
): Promise<void> {
	const cache = await deps.caches.open('kokoro-voices');
	for (const id of ids) {
		if (!KOKORO_VOICE_ID.test(id)) throw new RangeError(`"${id}" is not a Kokoro voice id.`);
		if (await cache.match(kokoroVoiceKey(id))) continue;
		const res = await deps.fetch(new URL(`${id}.bin`, localBase).toString());
		if (!res.ok) throw new Error(`Voice ${id} is not served by the app (${res.status}).`);
		await cache.put(kokoroVoiceKey(id), new Response(await res.arrayBuffer()));
	}
}

/** What the TTS worker needs to load Kokoro: the model, the app's voice files and ONNX runtime. */
export type KokoroParams = {
	modelUrl: string;
	/** The page's address, against which a relative `modelUrl` resolves. */
	pageUrl: string;
	voicesBase: string;
	voices: string[];
	device: 'webgpu' | 'wasm';
	/** Where transformers.js's own ONNX runtime files are served. */
	wasmPaths: string;
};
