import { describe, expect, it } from 'vitest';
import { fetchedByLibrary, fileName, immutable, tierOf, voiceCallFiles } from './kit';

describe('tierOf', () => {
	it('keeps the models and runtimes a voice call loads in the model tier', () => {
		for (const path of [
			'/models/moonshine-tiny/encoder_model.onnx',
			'/models/moonshine-base/decoder_model_merged.onnx',
			'/vendor/ort/ort-wasm-simd-threaded.wasm',
			'/vendor/ort/ort-wasm-simd-threaded.jsep.wasm',
			'/vendor/espeak/espeak-ng.wasm',
			'/vendor/vad/silero_vad_v5.onnx'
		])
			expect(tierOf(path), path).toBe('model');
	});

	it('leaves the natural voice to its own cache', () => {
		expect(tierOf('/vendor/kokoro-voices/af_heart.bin')).toBe('optional');
		expect(tierOf('/vendor/ort-kokoro/ort-wasm-simd-threaded.jsep.wasm')).toBe('optional');
	});

	it('puts clips and hold music in the voice tier, and the rest in the shell', () => {
		expect(tierOf('/phrases/01f3fb422d0d86d5.wav')).toBe('voice');
		expect(tierOf('/hold.wav')).toBe('voice');
		// The phrase manifest says which clips exist: the page needs it to start.
		expect(tierOf('/phrases/manifest.json')).toBe('shell');
		expect(tierOf('/vendor/vad/vad.worklet.bundle.min.js')).toBe('shell');
		expect(tierOf('/vendor/ort/ort-wasm-simd-threaded.mjs')).toBe('shell');
		expect(tierOf('/caller.webmanifest')).toBe('shell');
		expect(tierOf('/_app/immutable/entry/start.abc.js')).toBe('shell');
	});
});

describe('what the service worker keeps by itself', () => {
	it('keeps files libraries fetch on their own, not those the model loader stores', () => {
		expect(fetchedByLibrary('/vendor/vad/silero_vad_v5.onnx')).toBe(true);
		expect(fetchedByLibrary('/vendor/ort/ort-wasm-simd-threaded.jsep.wasm')).toBe(true);
		expect(fetchedByLibrary('/vendor/ort/ort-wasm-simd-threaded.wasm')).toBe(false);
		expect(fetchedByLibrary('/models/moonshine-tiny/encoder_model.onnx')).toBe(false);
	});

	it('copies only content-named files from an older version', () => {
		expect(immutable('/_app/immutable/chunks/x.js')).toBe(true);
		expect(immutable('/phrases/01f3fb422d0d86d5.wav')).toBe(true);
		expect(immutable('/phrases/manifest.json')).toBe(false);
		expect(immutable('/')).toBe(false);
		expect(immutable('/vendor/ort/ort-wasm-simd-threaded.mjs')).toBe(false);
	});
});

describe('voiceCallFiles', () => {
	const urls = {
		encoderUrl: 'https://cdn.example/m/moonshine-tiny/encoder_model.onnx',
		decoderUrl: 'https://cdn.example/m/moonshine-tiny/decoder_model_merged.onnx',
		ortWasmUrl: 'https://app.example/vendor/ort/ort-wasm-simd-threaded.wasm?v=1.30.0',
		espeakWasmUrl: 'https://app.example/vendor/espeak/espeak-ng.wasm',
		vadModelUrl: 'https://app.example/vendor/vad/silero_vad_v5.onnx'
	};

	it('lists every file at the address the call loads it from', () => {
		const files = voiceCallFiles(urls);
		expect(files.map((f) => f.url).sort()).toEqual(Object.values(urls).sort());
		expect(new Set(files.map((f) => f.label)).size).toBe(files.length);
	});

	it("adds ONNX Runtime's WebGPU build only when recognition runs on the GPU", () => {
		const gpu = voiceCallFiles({
			...urls,
			jsepWasmUrl: 'https://app.example/vendor/ort/x.jsep.wasm'
		});
		expect(gpu).toHaveLength(6);
		expect(gpu.at(-1)?.label).toContain('WebGPU');
	});
});

describe('fileName', () => {
	it('names a file by its path, without the version query', () => {
		expect(fileName('https://app.example/vendor/ort/ort-wasm-simd-threaded.wasm?v=1.30.0')).toBe(
			'vendor/ort/ort-wasm-simd-threaded.wasm'
		);
		expect(fileName('not a url')).toBe('not a url');
	});
});
