import llamaTokenizer from 'llama-tokenizer-js';
import type * as OrtModule from 'onnxruntime-web';

// Moonshine speech-to-text over onnxruntime-web: an encoder over 16 kHz audio, then a greedy
// decoder with a key/value cache. The runtime is passed in, so the same class runs in the STT
// worker (WebGPU or WASM) and in Node (tests, the transcription CLI). Token ids decode with the
// Llama tokenizer Moonshine was trained with.

export type Ort = typeof OrtModule;

export type MoonshineShape = { layers: number; kvHeads: number; headDim: number };

/** Decoder sizes by model; a deployment serving Moonshine base passes `moonshineShapes.base`. */
export const moonshineShapes = {
	tiny: { layers: 6, kvHeads: 8, headDim: 36 },
	base: { layers: 8, kvHeads: 8, headDim: 52 }
} satisfies Record<string, MoonshineShape>;

const START = 1;
const EOS = 2;
/** How far (in logits) the end of text may lead the best word when the end is ruled out first. */
const FORCED_START_MAX_GAP = 4.5;
/** Moonshine emits about 6 tokens per second of speech at most; this bounds a runaway decode. */
const TOKENS_PER_SECOND = 6;

export type Transcript = { text: string; tokens: number[]; ms: number };

export class Moonshine {
	readonly #ort: Ort;
	readonly #encoder: OrtModule.InferenceSession;
	readonly #decoder: OrtModule.InferenceSession;
	readonly #shape: MoonshineShape;

	private constructor(
		ort: Ort,
		encoder: OrtModule.InferenceSession,
		decoder: OrtModule.InferenceSession,
		shape: MoonshineShape
	) {
		this.#ort = ort;
		this.#encoder = encoder;
		this.#decoder = decoder;
		this.#shape = shape;
	}

	static async create(options: {
		ort: Ort;
		encoder: Uint8Array | string;
		decoder: Uint8Array | string;
		shape?: MoonshineShape;
		sessionOptions?: OrtModule.InferenceSession.SessionOptions;
	}): Promise<Moonshine> {
		const { ort, sessionOptions = {} } = options;
		const open = (m: Uint8Array | string) =>
			typeof m === 'string'
				? ort.InferenceSession.create(m, sessionOptions)
				: ort.InferenceSession.create(m, sessionOptions);
		const [encoder, decoder] = await Promise.all([open(options.encoder), open(options.decoder)]);
		return new Moonshine(ort, encoder, decoder, options.shape ?? moonshineShapes.tiny);
	}

	/** Transcribes mono 16 kHz audio. Stops early when `signal` aborts. */
	async transcribe(audio: Float32Array, signal?: AbortSignal): Promise<Transcript> {
		const t0 = performance.now();
		const ort = this.#ort;
		// Greedy decoding now and then ends at its first step on clear speech (seen on short
		// questions, "When is my bill due?" among them, with the 300 ms of quiet kept before a
		// turn; a little more or less quiet around it decodes, but which is hard to tell). On
		// audio that may hold speech, the end of text is ruled out at the first step when the
		// model nearly chose a word instead (`firstToken`).
		const speaks = audio.length >= 16000 / 2 && peak(audio) >= 0.05;
		const { last_hidden_state: hidden } = await this.#encoder.run({
			input_values: new ort.Tensor('float32', audio, [1, audio.length])
		});
		const { layers, kvHeads, headDim } = this.#shape;
		const past: Record<string, OrtModule.Tensor> = {};
		for (let i = 0; i < layers; i++) {
			for (const side of ['decoder', 'encoder']) {
				for (const kv of ['key', 'value']) {
					past[`past_key_values.${i}.${side}.${kv}`] = new ort.Tensor(
						'float32',
						new Float32Array(0),
						[0, kvHeads, 1, headDim]
					);
				}
			}
		}
		const tokens = [START];
		const maxTokens = Math.max(4, Math.trunc((audio.length / 16000) * TOKENS_PER_SECOND));
		for (let step = 0; step < maxTokens; step++) {
			if (signal?.aborted)
				throw Object.assign(new Error('Transcription cancelled.'), { name: 'AbortError' });
			const out = await this.#decoder.run({
				input_ids: new ort.Tensor(
					'int64',
					BigInt64Array.from([BigInt(tokens[tokens.length - 1]!)]),
					[1, 1]
				),
				encoder_hidden_states: hidden!,
				use_cache_branch: new ort.Tensor('bool', [step > 0], [1]),
				...past
			});
			const logits = out.logits!.data as Float32Array;
			const next = step === 0 ? firstToken(logits, speaks) : argMax(logits);
			tokens.push(next);
			if (next === EOS) break;
			for (const [name, value] of Object.entries(out)) {
				if (!name.startsWith('present.')) continue;
				const key = name.replace('present.', 'past_key_values.');
				// Cross-attention (encoder) keys and values are computed on the first step only.
				if (step === 0 || key.includes('.decoder.')) past[key] = value;
			}
		}
		const ids = tokens.filter((t) => t !== START && t !== EOS);
		return { text: llamaTokenizer.decode(ids).trim(), tokens: ids, ms: performance.now() - t0 };
	}

	async release(): Promise<void> {
		await Promise.all([this.#encoder.release(), this.#decoder.release()]);
	}
}

/**
 * The first token: the model's choice, or, on audio that may hold speech (`speaks`), the best word
 * when the end of text leads it by little. On 72 espeak-ng questions with 0.2 to 0.4 s of quiet
 * before them, 26 ended at once, the end leading the best word by 0.1 to 4.4 in logits. On noise
 * (hums and tones, white and brown noise, breath, runs of clicks) it led by 5 to 8, but by 1.8 to
 * 3.7 on a single click or a 1 kHz tone, which the VAD rarely takes for a turn of speech.
 */
function firstToken(logits: Float32Array, speaks: boolean): number {
	const best = argMax(logits);
	if (!speaks || best !== EOS) return best;
	const end = logits[EOS]!;
	logits[EOS] = -Infinity;
	const word = argMax(logits);
	logits[EOS] = end;
	return end - logits[word]! <= FORCED_START_MAX_GAP ? word : EOS;
}

function peak(a: Float32Array): number {
	let m = 0;
	for (const v of a) m = Math.max(m, Math.abs(v));
	return m;
}

function argMax(a: Float32Array): number {
	let best = 0;
	for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
	return best;
}
