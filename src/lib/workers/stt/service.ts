import { BatonError } from '$lib/errors';
import type { FetchBytes } from '../model-loader';
import type { HandlerContext } from '../protocol';
import { Moonshine, moonshineShapes, type Ort } from './moonshine';

// The STT worker's methods, apart from the worker so they run under test in Node. Moonshine loads
// from configurable URLs (through the model cache, with byte progress); WebGPU when the page found
// an adapter, WASM otherwise, and WASM again if the WebGPU session cannot be built.

export type SttLoadParams = {
	encoderUrl: string;
	decoderUrl: string;
	shape?: keyof typeof moonshineShapes;
	device: 'webgpu' | 'wasm';
	/** Where the app serves onnxruntime-web's WASM files (the browser; Node finds its own). */
	wasmPaths?: string;
	/** The plain WASM runtime's bytes, when the page already has them (the VAD runs on the same
	 * build), so the runtime crosses the network once. Unused on WebGPU, which needs its own. */
	wasmBinary?: Uint8Array;
	/**
	 * Speech at 16 kHz for the first pass after loading (a pre-rendered greeting): the decoder runs
	 * for as many steps as a caller's turn needs, so none of its first, slower steps falls on that
	 * turn. Without it, a second of faint tone warms the encoder and a few decoder steps.
	 */
	warmUp?: Float32Array;
};

export type SttDeps = {
	/** The ONNX Runtime build for a backend: the plain WASM one, or the WebGPU one only when the
	 * GPU will be used, so a visitor without a GPU never downloads the larger build. */
	ort: (backend: 'webgpu' | 'wasm') => Promise<Ort>;
	fetchBytes: FetchBytes;
};

/** A second of a faint 220 Hz tone at 16 kHz: enough for the encoder and a few decoder steps. */
const WARM_UP = Float32Array.from(
	{ length: 16000 },
	(_, i) => 0.01 * Math.sin((2 * Math.PI * 220 * i) / 16000)
);

/** `clip` repeated to `seconds` of 16 kHz audio. */
function tiled(clip: Float32Array, seconds = 10): Float32Array {
	const out = new Float32Array(16000 * seconds);
	for (let i = 0; i < out.length; i += clip.length) out.set(clip.subarray(0, out.length - i), i);
	return out;
}

export function sttHandlers(deps: SttDeps) {
	let stt: Moonshine | null = null;
	// One transcription at a time: an ONNX Runtime session cannot run twice at once, and a caller's
	// client may give up on one (a guess at a pause, made stale by more speech) and ask for the next
	// while the first is still finishing its current decoder step here.
	let busy: Promise<unknown> = Promise.resolve();
	/** The long warm-up pass, while it may still run. */
	let warming: AbortController | null = null;

	return {
		async load(p: SttLoadParams, ctx: HandlerContext) {
			const sizes = new Map<string, [number, number | null]>();
			const report = (url: string) => (loaded: number, total: number | null) => {
				sizes.set(url, [loaded, total]);
				let l = 0;
				let t = 0;
				for (const [a, b] of sizes.values()) {
					l += a;
					t += b ?? a;
				}
				ctx.progress({ stage: 'speech recognition', loaded: l, total: t });
			};
			const [encoder, decoder] = await Promise.all([
				deps.fetchBytes(p.encoderUrl, report(p.encoderUrl)),
				deps.fetchBytes(p.decoderUrl, report(p.decoderUrl))
			]);
			const shape = moonshineShapes[p.shape ?? 'tiny'];
			const open = async (backend: 'webgpu' | 'wasm') => {
				const ort = await deps.ort(backend);
				if (p.wasmPaths) ort.env.wasm.wasmPaths = p.wasmPaths;
				if (backend === 'wasm' && p.wasmBinary) ort.env.wasm.wasmBinary = p.wasmBinary;
				return Moonshine.create({
					ort,
					encoder,
					decoder,
					shape,
					sessionOptions: { executionProviders: [backend] }
				});
			};
			let backend = p.device;
			try {
				stt = await open(backend);
			} catch (e) {
				if (backend !== 'webgpu') throw e;
				backend = 'wasm';
				stt = await open(backend);
			}
			// One pass over speech (or a second of faint sound), queued now, after the model is called
			// ready: ONNX Runtime plans and allocates on a session's first runs, and the engine compiles
			// the hot code fully only once it has run, all of which would otherwise fall on the caller's
			// first turn (the slowest turn of a call by several hundred milliseconds). A turn that
			// comes first waits for it, as it would have waited for that first run anyway.
			const model = stt;
			const warmUp = p.warmUp?.length ? p.warmUp.subarray(0, 16000 * 4) : WARM_UP;
			busy = busy.then(() => model.transcribe(warmUp)).catch(() => undefined);
			// Then one on a long turn's length (the clip repeated to ten seconds): the runtime sizes its
			// memory for it now, not on the caller's first longer turn (about 100 ms of that turn,
			// measured in Node: a 4 s turn took 323 ms first, 216 ms after). A turn that comes first
			// stops it: the caller never waits for a warm-up they do not need.
			const long = new AbortController();
			warming = long;
			busy = busy
				.then(() =>
					long.signal.aborted ? undefined : model.transcribe(tiled(warmUp), long.signal)
				)
				.catch(() => undefined);
			return { backend, bytes: encoder.length + decoder.length };
		},

		async transcribe(p: { samples: Float32Array }, ctx: HandlerContext) {
			if (!stt) {
				throw new BatonError({
					code: 'stt_not_loaded',
					message: 'Speech recognition is still loading; type meanwhile.',
					retryable: true
				});
			}
			const model = stt;
			warming?.abort();
			warming = null;
			const run = busy.then(() => {
				if (ctx.signal.aborted)
					throw Object.assign(new Error('Transcription cancelled.'), { name: 'AbortError' });
				return model.transcribe(p.samples, ctx.signal);
			});
			busy = run.catch(() => undefined);
			const { text, ms } = await run;
			return { text, ms };
		}
	};
}
