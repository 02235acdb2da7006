import ESpeakNg from 'espeak-ng';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-web';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { speechSamples } from '$lib/testing/speech';
import { serve, WorkerClient, type Endpoint } from './protocol';
import { sttHandlers } from './stt/service';
import type { KokoroParams, KokoroSynth } from './tts/kokoro';
import { ttsHandlers } from './tts/service';

// The worker methods behind the real protocol (a MessageChannel stands in for the Worker), with
// real weights and the real offline synthesizer. Kokoro's weights are in no package: the natural
// voice here is a stand-in object, used only to check that the worker prefers it and falls back.

const require = createRequire(import.meta.url);
const ESPEAK_WASM = require.resolve('espeak-ng').replace(/espeak-ng\.js$/, 'espeak-ng.wasm');
const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

function connect<H extends Record<string, (p: never, ctx: never) => unknown>>(handlers: H) {
	const ch = new MessageChannel();
	channels.push(ch);
	serve(ch.port2 as unknown as Endpoint, handlers as never);
	return new WorkerClient<{ [K in keyof H]: (p: Parameters<H[K]>[0]) => ReturnType<H[K]> }>(
		ch.port1 as unknown as Endpoint
	);
}

const fileBytes = async (url: string, onProgress: (l: number, t: number | null) => void) => {
	const b = new Uint8Array(readFileSync(url));
	onProgress(b.length, b.length);
	return b;
};

const voice = { id: 'af_heart', fallback: 'en-us+f3' };
const kokoroParams: KokoroParams = {
	modelUrl: 'https://models.example/kokoro/',
	pageUrl: 'https://app.example/',
	voicesBase: 'https://app.example/vendor/kokoro-voices/',
	voices: ['af_heart'],
	device: 'wasm',
	wasmPaths: 'https://app.example/vendor/ort-kokoro/'
};

describe('TTS worker methods', () => {
	const deps = (kokoro: Partial<KokoroSynth> | Error) => ({
		espeakWasmUrl: ESPEAK_WASM,
		espeakFactory: async () => ESpeakNg,
		fetchBytes: fileBytes,
		loadKokoro: async () => {
			if (kokoro instanceof Error) throw kokoro;
			return kokoro as KokoroSynth;
		}
	});

	it('says it is not loaded, with a code, until the offline voice is in', async () => {
		const tts = connect(ttsHandlers(deps(new Error('x'))));
		await expect(tts.call('speak', { text: 'Hi.', voice })).rejects.toMatchObject({
			code: 'tts_not_loaded',
			retryable: true
		});
	});

	it('speaks with the offline voice, reporting load progress', async () => {
		const tts = connect(ttsHandlers(deps(new Error('no weights'))));
		const stages: string[] = [];
		const loaded = await tts.call(
			'load',
			{ espeakWasmUrl: ESPEAK_WASM },
			{ onProgress: (p) => stages.push(p.stage) }
		);
		expect(loaded).toMatchObject({ engine: 'espeak' });
		expect(stages).toContain('offline voice');
		const s = await tts.call('speak', { text: 'Your bill is ready.', voice });
		expect(s.engine).toBe('espeak');
		expect(s.samples.length / s.sampleRate).toBeGreaterThan(0.5);
	}, 30_000);

	it('reports a natural voice that cannot load, and keeps speaking offline', async () => {
		const tts = connect(
			ttsHandlers(deps(Object.assign(new Error('offline'), { code: 'model_network_error' })))
		);
		await tts.call('load', {});
		await expect(tts.call('loadNatural', kokoroParams)).rejects.toMatchObject({
			code: 'model_network_error'
		});
		expect((await tts.call('speak', { text: 'Still here.', voice })).engine).toBe('espeak');
	}, 30_000);

	it('prefers the natural voice once loaded, and falls back per sentence when it fails', async () => {
		let fail = false;
		const natural = {
			device: 'wasm' as const,
			synthesize: async () => {
				if (fail) throw new Error('out of memory');
				return { samples: new Float32Array(2400).fill(0.1), sampleRate: 24000 };
			}
		};
		const tts = connect(ttsHandlers(deps(natural)));
		await tts.call('load', {});
		expect(await tts.call('loadNatural', kokoroParams)).toEqual({
			engine: 'kokoro',
			device: 'wasm'
		});
		expect((await tts.call('speak', { text: 'Hello.', voice })).engine).toBe('kokoro');
		fail = true;
		expect((await tts.call('speak', { text: 'Hello.', voice })).engine).toBe('espeak');
	}, 30_000);
});

describe('STT worker methods (Moonshine tiny, real weights)', () => {
	ort.env.wasm.numThreads = 1;
	const load = {
		encoderUrl: 'static/models/moonshine-tiny/encoder_model.onnx',
		decoderUrl: 'static/models/moonshine-tiny/decoder_model_merged.onnx',
		device: 'wasm' as const
	};

	it('refuses to transcribe before loading, with a code the page can show', async () => {
		const stt = connect(sttHandlers({ ort: async () => ort, fetchBytes: fileBytes }));
		await expect(
			stt.call('transcribe', { samples: new Float32Array(16000) })
		).rejects.toMatchObject({
			code: 'stt_not_loaded'
		});
	});

	it('loads with progress over both files and transcribes', async () => {
		const stt = connect(sttHandlers({ ort: async () => ort, fetchBytes: fileBytes }));
		let last = { loaded: 0, total: 0 };
		const info = await stt.call('load', load, {
			onProgress: (p) => (last = { loaded: p.loaded ?? 0, total: p.total ?? 0 })
		});
		expect(info.backend).toBe('wasm');
		expect(last.loaded).toBe(info.bytes);
		expect(last.total).toBe(info.bytes);
		// A sentence Moonshine tiny hears reliably in the espeak-ng voice ("bill" came back as
		// "will" on a busy machine): this checks loading and decoding, not recognition accuracy.
		const { text } = await stt.call('transcribe', {
			samples: speechSamples('My internet is not working.')
		});
		expect(text.toLowerCase()).toContain('internet');
	}, 60_000);

	it('warms up on speech it is given, and the first turn after it is heard', async () => {
		const stt = connect(sttHandlers({ ort: async () => ort, fetchBytes: fileBytes }));
		await stt.call('load', { ...load, warmUp: speechSamples('Thanks for calling Northwind.') });
		const { text } = await stt.call('transcribe', {
			samples: speechSamples('My internet is not working.')
		});
		expect(text.toLowerCase()).toContain('internet');
	}, 60_000);

	it('runs one transcription at a time, so a cancelled guess never breaks the next one', async () => {
		// Regression: a guess abandoned at a pause kept the model busy while the next turn was sent,
		// and ONNX Runtime cannot run one session twice at once. A stand-in runtime counts overlaps.
		const fake = overlapCountingOrt();
		const stt = connect(sttHandlers({ ort: async () => fake.ort, fetchBytes: fileBytes }));
		await stt.call('load', load);
		const guess = new AbortController();
		const first = stt.call(
			'transcribe',
			{ samples: new Float32Array(16000 * 3) },
			{ signal: guess.signal }
		);
		await new Promise((r) => setTimeout(r, 25));
		guess.abort();
		await expect(first).rejects.toBeDefined();
		await stt.call('transcribe', { samples: new Float32Array(16000) });
		expect(fake.overlaps()).toBe(0);
	});

	it('stops its long warm-up pass for a turn that comes first', async () => {
		const fake = overlapCountingOrt();
		const stt = connect(sttHandlers({ ort: async () => fake.ort, fetchBytes: fileBytes }));
		// Two seconds of warm-up speech: 12 decoder steps, then up to 60 for its ten-second repeat.
		await stt.call('load', { ...load, warmUp: new Float32Array(16000 * 2) });
		await stt.call('transcribe', { samples: new Float32Array(16000) });
		// The short pass (12), at most a step of the long one, and the turn's own 6.
		expect(fake.steps()).toBeLessThanOrEqual(12 + 1 + 6);
		expect(fake.overlaps()).toBe(0);
		// Left alone, the long pass runs to its end.
		const idle = overlapCountingOrt();
		const quiet = connect(sttHandlers({ ort: async () => idle.ort, fetchBytes: fileBytes }));
		await quiet.call('load', { ...load, warmUp: new Float32Array(16000 * 2) });
		await vi.waitFor(() => expect(idle.steps()).toBe(12 + 60), { timeout: 5000 });
	});

	it('imports only the plain WASM runtime when there is no GPU', async () => {
		const asked: string[] = [];
		const stt = connect(
			sttHandlers({ ort: async (b) => (asked.push(b), ort), fetchBytes: fileBytes })
		);
		await stt.call('load', load);
		expect(asked).toEqual(['wasm']);
	}, 60_000);

	it('falls back to WASM when the WebGPU session cannot be built', async () => {
		const stt = connect(sttHandlers({ ort: async () => ort, fetchBytes: fileBytes }));
		// Node has no WebGPU: asking for it exercises the same fallback a GPU-less browser takes.
		const info = await stt.call('load', { ...load, device: 'webgpu' });
		expect(info.backend).toBe('wasm');
	}, 60_000);
});

/** An ONNX Runtime stand-in whose decoder steps take 10 ms and never end the text; it counts runs
 * of one session that overlap, which the real runtime refuses. */
function overlapCountingOrt() {
	let overlaps = 0;
	class Tensor {
		constructor(
			readonly type: string,
			readonly data: unknown,
			readonly dims: number[]
		) {}
	}
	let created = 0;
	let steps = 0;
	const session = (encoder: boolean) => {
		let running = 0;
		return {
			async run() {
				if (!encoder) steps++;
				if (running++ > 0) overlaps++;
				if (!encoder) await new Promise((r) => setTimeout(r, 10));
				running--;
				if (encoder) return { last_hidden_state: new Tensor('float32', new Float32Array(1), [1]) };
				const logits = new Float32Array(8);
				logits[5] = 1;
				return { logits: { data: logits } };
			},
			async release() {}
		};
	};
	const fakeOrt = {
		env: { wasm: {} },
		Tensor,
		InferenceSession: { create: async () => session(created++ % 2 === 0) }
	};
	return {
		ort: fakeOrt as unknown as typeof ort,
		overlaps: () => overlaps,
		/** Decoder steps run so far. */
		steps: () => steps
	};
}
