import { BatonError } from '$lib/errors';

// The microphone, through @ricky0123/vad-web (Silero v5 in an AudioWorklet). Its worklet, model and
// ONNX runtime are served by the app (static/vendor), never a CDN. The library's own speech
// segmentation is not used: every frame's probability goes to our segmenter, whose end-of-turn
// logic is the one under test. Permission problems become errors with codes the page explains.

export type MicErrorCode = 'mic_denied' | 'mic_missing' | 'mic_unsupported' | 'mic_failed';

export class MicError extends BatonError {
	constructor(code: MicErrorCode, message: string, cause?: unknown) {
		super({ code, message, retryable: code !== 'mic_unsupported', cause });
	}
}

export const MIC_CONSTRAINTS: MediaTrackConstraints = {
	echoCancellation: true,
	noiseSuppression: true,
	autoGainControl: true,
	channelCount: 1
};

/** Asks for the microphone and turns the browser's refusals into errors a caller can act on. */
export async function openMicrophone(): Promise<MediaStream> {
	if (!navigator.mediaDevices?.getUserMedia) {
		throw new MicError(
			'mic_unsupported',
			'This browser cannot use a microphone here (it needs a secure https page). You can type instead.'
		);
	}
	try {
		return await navigator.mediaDevices.getUserMedia({ audio: MIC_CONSTRAINTS });
	} catch (e) {
		const name = (e as Error).name;
		if (name === 'NotAllowedError' || name === 'SecurityError') {
			throw new MicError(
				'mic_denied',
				'Microphone access was denied. Allow it in the address bar to talk, or type instead.',
				e
			);
		}
		if (name === 'NotFoundError' || name === 'OverconstrainedError') {
			throw new MicError(
				'mic_missing',
				'No microphone was found. Plug one in, or type instead.',
				e
			);
		}
		throw new MicError(
			'mic_failed',
			`The microphone could not start (${name}). You can type instead.`,
			e
		);
	}
}

export type MicListener = { stop(): Promise<void> };

/** Starts the VAD on a microphone stream; `onFrame` gets each 32 ms frame and its probability. */
export async function listen(options: {
	stream: MediaStream;
	/** The app's base path (SvelteKit `assets`), under which static/vendor is served. */
	assets: string;
	/** ONNX Runtime's WASM bytes when the page already has them, so the VAD does not fetch again. */
	ortWasm?: Uint8Array | null;
	onFrame: (probability: number, frame: Float32Array) => void;
}): Promise<MicListener> {
	const { ortWasm } = options;
	const { MicVAD } = await import('@ricky0123/vad-web');
	const vad = await MicVAD.new({
		model: 'v5',
		baseAssetPath: `${options.assets}/vendor/vad/`,
		onnxWASMBasePath: `${options.assets}/vendor/ort/`,
		getStream: async () => options.stream,
		pauseStream: async () => {},
		resumeStream: async () => options.stream,
		onFrameProcessed: (p, frame) => options.onFrame(p.isSpeech, frame),
		...(ortWasm ? { ortConfig: (ort) => void (ort.env.wasm.wasmBinary = ortWasm) } : {}),
		startOnLoad: true
	});
	if (vad.errored)
		throw new MicError('mic_failed', `Voice detection could not start: ${vad.errored}`);
	return {
		stop: async () => {
			await vad.destroy();
			for (const t of options.stream.getTracks()) t.stop();
		}
	};
}
