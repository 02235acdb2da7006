/// <reference lib="webworker" />
import ESpeakNg from 'espeak-ng';
import espeakWasmUrl from 'espeak-ng/dist/espeak-ng.wasm?url';
import { fetchBytes } from './model-loader';
import { serve, type Endpoint } from './protocol';
import { KokoroSynth } from './tts/kokoro';
import { ttsHandlers } from './tts/service';

// The TTS worker: the offline espeak-ng voice at once, Kokoro when asked and when it can load.

serve(
	self as unknown as Endpoint,
	ttsHandlers({
		espeakWasmUrl: new URL(espeakWasmUrl, self.location.href).toString(),
		espeakFactory: async () => ESpeakNg,
		fetchBytes,
		loadKokoro: (p, onProgress) => KokoroSynth.load({ ...p, onProgress })
	})
);
