/// <reference lib="webworker" />
import type { Ort } from './stt/moonshine';
import { fetchBytes } from './model-loader';
import { serve, type Endpoint } from './protocol';
import { sttHandlers } from './stt/service';

// The STT worker: Moonshine over onnxruntime-web, whose WASM runtime the app serves itself (the page
// passes its address, or its bytes, with `load`). Threads only when the page is cross-origin isolated.
// Each backend imports its own build on demand: the plain SIMD-threaded one (shared with the VAD)
// for WASM, the JSEP one (WebGPU) only when a GPU will run the model.

async function ortFor(backend: 'webgpu' | 'wasm'): Promise<Ort> {
	const ort = (
		backend === 'webgpu' ? await import('onnxruntime-web') : await import('onnxruntime-web/wasm')
	) as Ort;
	if (!self.crossOriginIsolated) ort.env.wasm.numThreads = 1;
	return ort;
}

serve(self as unknown as Endpoint, sttHandlers({ ort: ortFor, fetchBytes }));
