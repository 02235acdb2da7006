/// <reference lib="webworker" />
import ESpeakNg from 'espeak-ng';
import { fetchBytes } from './model-loader';
import { serve, type Endpoint } from './protocol';
import { KokoroSynth } from './tts/kokoro';
import { ttsHandlers } from './tts/service';

// The TTS worker: the offline espeak-ng voice at once, Kokoro when asked and when it can load.
// The espeak-ng module is the slim one scripts/espeak-slim.mjs writes (the package's own embeds
// every language's data, 18 MB); the page names its address, since only the page knows the app's
// base path. The default suits an app served at the root.

serve(
	self as unknown as Endpoint,
	ttsHandlers({
		espeakWasmUrl: new URL('/vendor/espeak/espeak-ng.wasm', self.location.origin).toString(),
		espeakFactory: async () => ESpeakNg,
		fetchBytes,
		loadKokoro: (p, onProgress) => KokoroSynth.load({ ...p, onProgress })
	})
);
