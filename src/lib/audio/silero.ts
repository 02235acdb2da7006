import type * as OrtModule from 'onnxruntime-web';

// Silero VAD (v5) over onnxruntime-web, one 512-sample frame at 16 kHz at a time. The runtime is
// passed in (the browser worker and Node tests load it differently), so this file holds only the
// model's calling convention: a 64-sample context carried from the previous frame and a recurrent
// state, as in silero-vad's own `OnnxWrapper`.

export type Ort = typeof OrtModule;

export const SILERO_FRAME = 512;
const CONTEXT = 64;

export class SileroVad {
	readonly #ort: Ort;
	readonly #session: OrtModule.InferenceSession;
	readonly #sr: OrtModule.Tensor;
	#state: OrtModule.Tensor;
	#context = new Float32Array(CONTEXT);

	private constructor(ort: Ort, session: OrtModule.InferenceSession) {
		this.#ort = ort;
		this.#session = session;
		this.#sr = new ort.Tensor('int64', BigInt64Array.from([16000n]));
		this.#state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
	}

	static async create(ort: Ort, model: ArrayBuffer | Uint8Array): Promise<SileroVad> {
		const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
		return new SileroVad(ort, await ort.InferenceSession.create(bytes));
	}

	/** Speech probability (0..1) of one 512-sample frame of 16 kHz mono audio. */
	async probability(frame: Float32Array): Promise<number> {
		if (frame.length !== SILERO_FRAME)
			throw new RangeError(`Silero expects ${SILERO_FRAME}-sample frames, got ${frame.length}.`);
		const input = new Float32Array(CONTEXT + SILERO_FRAME);
		input.set(this.#context, 0);
		input.set(frame, CONTEXT);
		this.#context = frame.slice(-CONTEXT);
		const out = await this.#session.run({
			input: new this.#ort.Tensor('float32', input, [1, input.length]),
			state: this.#state,
			sr: this.#sr
		});
		this.#state = out.stateN!;
		return (out.output!.data as Float32Array)[0]!;
	}

	/** Probabilities for a whole clip, frame by frame (the tail shorter than a frame is dropped). */
	async probabilities(samples: Float32Array): Promise<number[]> {
		const out: number[] = [];
		for (let i = 0; i + SILERO_FRAME <= samples.length; i += SILERO_FRAME) {
			out.push(await this.probability(samples.subarray(i, i + SILERO_FRAME)));
		}
		return out;
	}

	reset(): void {
		this.#state = new this.#ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
		this.#context = new Float32Array(CONTEXT);
	}

	async release(): Promise<void> {
		await this.#session.release();
	}
}
