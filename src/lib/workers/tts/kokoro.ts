import type { Audio } from '$lib/audio/wav';
import { kokoroHubSettings, primeKokoroVoices, type KokoroParams } from './kokoro-hub';

export type { KokoroParams };

// Kokoro-82M through kokoro-js (transformers.js underneath): the natural voice, when its weights can
// be had. transformers.js keeps the model in Cache Storage; where it comes from is kokoro-hub.ts.

export type KokoroProgress = { file: string; loaded: number; total: number | null };

type KokoroModel = {
	generate(
		text: string,
		options: { voice: string; speed?: number }
	): Promise<{ audio: Float32Array; sampling_rate: number }>;
};

/** The natural voice: fp32 on WebGPU, q8 on WASM. */
export class KokoroSynth {
	readonly device: 'webgpu' | 'wasm';
	readonly #model: KokoroModel;

	private constructor(model: KokoroModel, device: 'webgpu' | 'wasm') {
		this.#model = model;
		this.device = device;
	}

	static async load(
		options: KokoroParams & { onProgress?: (p: KokoroProgress) => void }
	): Promise<KokoroSynth> {
		const hub = kokoroHubSettings(options.modelUrl, options.pageUrl);
		await primeKokoroVoices(options.voices, options.voicesBase, {
			caches,
			fetch: globalThis.fetch.bind(globalThis)
		});
		const [{ KokoroTTS }, { env }] = await Promise.all([
			import('kokoro-js'),
			import('@huggingface/transformers')
		]);
		env.allowLocalModels = false;
		env.remoteHost = hub.remoteHost;
		env.remotePathTemplate = hub.remotePathTemplate;
		if (env.backends.onnx.wasm) env.backends.onnx.wasm.wasmPaths = options.wasmPaths;
		const model = await KokoroTTS.from_pretrained(hub.modelId, {
			dtype: options.device === 'webgpu' ? 'fp32' : 'q8',
			device: options.device,
			progress_callback: (p) => {
				if (p.status === 'progress')
					options.onProgress?.({ file: p.file, loaded: p.loaded, total: p.total || null });
			}
		});
		return new KokoroSynth(model as unknown as KokoroModel, options.device);
	}

	async synthesize(text: string, voice: string): Promise<Audio> {
		const out = await this.#model.generate(text, { voice });
		return { samples: out.audio, sampleRate: out.sampling_rate };
	}
}
