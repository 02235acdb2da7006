/// <reference lib="webworker" />
import * as ort from 'onnxruntime-web';
import { fetchBytes } from './model-loader';
import { serve, type Endpoint } from './protocol';
import { sttHandlers } from './stt/service';

// The STT worker: Moonshine over onnxruntime-web, whose WASM runtime the app serves itself (the page
// passes its address with `load`). Threads only when the page is cross-origin isolated.

if (!self.crossOriginIsolated) ort.env.wasm.numThreads = 1;

serve(
	self as unknown as Endpoint,
	sttHandlers({
		ort,
		fetchBytes
	})
);
