import { describe, expect, it } from 'vitest';
import { demoFlow } from '$lib/agents/demo';
import { KOKORO_DEFAULT_URL } from '$lib/workers/tts/kokoro-hub';
import { kokoroLoadParams, kokoroVoices, sttLoadParams, voiceConfig } from './config';

const page = 'https://help.example.com/call?x=1';

describe('voice model configuration', () => {
	it('serves speech recognition and runtimes from the app by default', () => {
		const c = voiceConfig(new URL(page), '');
		expect(sttLoadParams(c, page, 'wasm')).toEqual({
			encoderUrl: 'https://help.example.com/models/moonshine-tiny/encoder_model.onnx',
			decoderUrl: 'https://help.example.com/models/moonshine-tiny/decoder_model_merged.onnx',
			shape: 'tiny',
			device: 'wasm',
			wasmPaths: 'https://help.example.com/vendor/ort/'
		});
		expect(c.kokoroUrl).toBe(KOKORO_DEFAULT_URL);
	});

	it('follows a deployment under a base path and its own model host', () => {
		const url = new URL(
			'https://x.example/app/?models=https://cdn.example/m/&kokoro=https://cdn.example/k/'
		);
		const c = voiceConfig(url, '/app');
		const stt = sttLoadParams(c, url.href, 'webgpu');
		expect(stt.encoderUrl).toBe('https://cdn.example/m/moonshine-tiny/encoder_model.onnx');
		expect(stt.wasmPaths).toBe('https://x.example/app/vendor/ort/');
		const k = kokoroLoadParams(c, url.href, demoFlow.personas, 'webgpu');
		expect(k.modelUrl).toBe('https://cdn.example/k/');
		expect(k.voicesBase).toBe('https://x.example/app/vendor/kokoro-voices/');
		expect(k.wasmPaths).toBe('https://x.example/app/vendor/ort-kokoro/');
	});

	it('runs Moonshine base when asked, and ignores a model it does not know', () => {
		const base = voiceConfig(new URL(`${page}&stt=moonshine-base`), '');
		expect(sttLoadParams(base, page, 'wasm')).toMatchObject({
			encoderUrl: 'https://help.example.com/models/moonshine-base/encoder_model.onnx',
			shape: 'base'
		});
		expect(voiceConfig(new URL(`${page}&stt=whisper-9000`), '').sttModel).toBe('moonshine-tiny');
	});

	it('ignores a Kokoro URL that is not http(s)', () => {
		const c = voiceConfig(new URL(`${page}&kokoro=javascript:alert(1)`), '');
		expect(c.kokoroUrl).toBe(KOKORO_DEFAULT_URL);
	});

	it("asks Kokoro only for the personas' own voices, once each", () => {
		const voices = kokoroVoices(demoFlow.personas);
		expect(voices).toEqual([...new Set(voices)]);
		expect(voices).toContain('af_heart');
		expect(voices).not.toContain('human');
	});
});
