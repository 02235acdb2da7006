import { existsSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { speechSamples } from '../../testing/speech';
import { Moonshine } from './moonshine';

// Real weights: Moonshine tiny (quantized) from the @moonshine-ai/moonshine-js tarball, fetched by
// `npm run models`, on sentences spoken by espeak-ng. Synthetic speech is harder than a person's,
// so the test asserts the words that matter, not the exact text.

const DIR = 'static/models/moonshine-tiny';
let stt: Moonshine;

const say = (text: string, options: Parameters<typeof speechSamples>[1] = {}) =>
	speechSamples(text, options);

beforeAll(async () => {
	if (!existsSync(`${DIR}/encoder_model.onnx`)) {
		throw new Error(
			'Moonshine weights are missing: run "npm run models" (npm test does it for you).'
		);
	}
	ort.env.wasm.numThreads = 1;
	stt = await Moonshine.create({
		ort,
		encoder: readFileSync(`${DIR}/encoder_model.onnx`),
		decoder: readFileSync(`${DIR}/decoder_model_merged.onnx`)
	});
}, 60_000);

describe('Moonshine tiny on espeak-ng speech (real weights)', () => {
	it.each([
		['I have a question about a charge on my bill.', ['question', 'charge', 'bill']],
		['I want to upgrade my phone plan.', ['upgrade', 'plan']],
		['My internet is not working.', ['internet', 'working']]
	])(
		'hears the key words in "%s"',
		async (sentence, words) => {
			const { text } = await stt.transcribe(say(sentence));
			console.log(`moonshine: "${sentence}" → "${text}"`);
			for (const w of words) expect(text.toLowerCase()).toContain(w);
		},
		60_000
	);

	it('stops when cancelled', async () => {
		const ac = new AbortController();
		ac.abort();
		await expect(stt.transcribe(say('Hello there.'), ac.signal)).rejects.toMatchObject({
			name: 'AbortError'
		});
	});

	it('hears a question that greedy decoding would end at once, and still hears nothing in noise', async () => {
		// With 0.4 s of quiet before it, "When is my bill due?" often decoded to nothing: the end
		// of text was the model's first choice, a little ahead of the first word.
		for (const wordsPerMinute of [130, 170]) {
			const speech = say('When is my bill due?', { wordsPerMinute, padStart: 0.4, padEnd: 0.2 });
			const { text } = await stt.transcribe(speech);
			expect(text.toLowerCase()).toContain('bill');
		}
		// The same white noise on every run (a fixed linear congruential sequence), so the test
		// does not depend on the draw.
		let seed = 12345;
		const noise = Float32Array.from({ length: 16000 }, () => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return (seed / 2 ** 31 - 0.5) * 0.3;
		});
		const hum = Float32Array.from(
			{ length: 16000 },
			(_, i) => 0.3 * Math.sin((2 * Math.PI * 120 * i) / 16000)
		);
		expect((await stt.transcribe(noise)).text).toBe('');
		expect((await stt.transcribe(hum)).text).toBe('');
	}, 60_000);
});
