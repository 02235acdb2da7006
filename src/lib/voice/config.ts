import type { Persona } from '$lib/agents/flow';
import { configFromQuery, modelUrl, type ModelConfig } from '$lib/workers/model-loader';
import type { moonshineShapes } from '$lib/workers/stt/moonshine';
import type { SttLoadParams } from '$lib/workers/stt/service';
import { KOKORO_DEFAULT_URL, KOKORO_VOICE_ID } from '$lib/workers/tts/kokoro-hub';
import type { KokoroParams } from '$lib/workers/tts/service';

// Where the voice's models and runtime files come from. A deployment points the page at its own
// copies with query parameters: `?models=https://cdn.example/models/` for speech recognition (a
// folder per model id, e.g. `moonshine-tiny/`; `?stt=moonshine-base` for the larger model),
// `?kokoro=https://cdn.example/kokoro-82m/` for the natural voice. The runtimes themselves (ONNX Runtime's WASM, the VAD worklet, Kokoro's voice
// files, the espeak-ng module) are always served by the app, under `assets`.

export type VoiceConfig = {
	models: ModelConfig;
	kokoroUrl: string;
	/** The app's static base path (SvelteKit `assets`), '' at the root. */
	assets: string;
	/** Speech recognition model: its folder id under `models`, and its decoder shape. */
	sttModel: SttModel;
};

/** The speech recognition models the STT worker can run (`?stt=moonshine-base` picks the larger). */
export const STT_MODELS = {
	'moonshine-tiny': 'tiny',
	'moonshine-base': 'base'
} as const satisfies Record<string, keyof typeof moonshineShapes>;
export type SttModel = keyof typeof STT_MODELS;

export function voiceConfig(page: URL, assets: string): VoiceConfig {
	const kokoro = page.searchParams.get('kokoro');
	return {
		models: configFromQuery(page.searchParams, { baseUrl: `${assets}/models/` }),
		kokoroUrl: kokoro && isHttpUrl(kokoro, page) ? kokoro : KOKORO_DEFAULT_URL,
		assets,
		sttModel: sttModelFrom(page.searchParams.get('stt'))
	};
}

export function sttLoadParams(
	c: VoiceConfig,
	page: string,
	device: 'webgpu' | 'wasm'
): SttLoadParams {
	return {
		encoderUrl: modelUrl(c.models, c.sttModel, 'encoder_model.onnx', page),
		decoderUrl: modelUrl(c.models, c.sttModel, 'decoder_model_merged.onnx', page),
		shape: STT_MODELS[c.sttModel],
		device,
		wasmPaths: new URL(`${c.assets}/vendor/ort/`, page).toString()
	};
}

function sttModelFrom(v: string | null): SttModel {
	return v !== null && Object.hasOwn(STT_MODELS, v) ? (v as SttModel) : 'moonshine-tiny';
}

/** The offline voice's module: the slim espeak-ng build the app serves (see scripts/espeak-slim.mjs). */
export function espeakLoadParams(c: VoiceConfig, page: string): { espeakWasmUrl: string } {
	return { espeakWasmUrl: new URL(`${c.assets}/vendor/espeak/espeak-ng.wasm`, page).toString() };
}

/** The Kokoro voices the flow's personas use (ids like `af_heart`; anything else is not Kokoro's). */
export function kokoroVoices(personas: readonly Persona[]): string[] {
	const ids = personas.map((p) => p.voice.id).filter((v) => KOKORO_VOICE_ID.test(v));
	return [...new Set(ids)];
}

export function kokoroLoadParams(
	c: VoiceConfig,
	page: string,
	personas: readonly Persona[],
	device: 'webgpu' | 'wasm'
): KokoroParams {
	return {
		modelUrl: c.kokoroUrl,
		pageUrl: page,
		voicesBase: new URL(`${c.assets}/vendor/kokoro-voices/`, page).toString(),
		voices: kokoroVoices(personas),
		device,
		wasmPaths: new URL(`${c.assets}/vendor/ort-kokoro/`, page).toString()
	};
}

/** The model workers, as separate ES-module bundles. */
export const startSttWorker = () =>
	new Worker(new URL('../workers/stt.worker.ts', import.meta.url), { type: 'module' });
export const startTtsWorker = () =>
	new Worker(new URL('../workers/tts.worker.ts', import.meta.url), { type: 'module' });

function isHttpUrl(u: string, base: URL): boolean {
	try {
		return /^https?:$/.test(new URL(u, base).protocol);
	} catch {
		return false;
	}
}

/** The folder of the flow's pre-rendered sentences (scripts/prerender-phrases.ts). */
export function phrasesUrl(c: VoiceConfig, page: string): string {
	return new URL(`${c.assets}/phrases/`, page).toString();
}

/**
 * ONNX Runtime's plain WASM build as the app serves it. The version in the address keeps a cached
 * copy (the model cache outlives deployments) from outliving the JavaScript half it belongs to.
 */
export function ortWasmUrl(c: VoiceConfig, page: string, version: string): string {
	const url = new URL(`${c.assets}/vendor/ort/ort-wasm-simd-threaded.wasm`, page);
	url.searchParams.set('v', version);
	return url.toString();
}
