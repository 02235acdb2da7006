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

const say = (text: string) => speechSamples(text);

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
});
