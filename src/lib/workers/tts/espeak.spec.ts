import ESpeakNg from 'espeak-ng';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseWav, resample } from '$lib/audio/wav';
import { demoFlow } from '$lib/agents/demo';
import { Moonshine } from '../stt/moonshine';
import { EspeakSynth } from './espeak';

// The offline voice, for real: the espeak-ng WebAssembly build speaks, and Moonshine tiny (real
// weights) must hear the words back. Each persona's voice must sound different from the others.

const require = createRequire(import.meta.url);
let synth: EspeakSynth;
let stt: Moonshine;

beforeAll(async () => {
	const wasm = readFileSync(
		require.resolve('espeak-ng').replace(/espeak-ng\.js$/, 'espeak-ng.wasm')
	);
	synth = await EspeakSynth.create(ESpeakNg, wasm);
	ort.env.wasm.numThreads = 1;
	stt = await Moonshine.create({
		ort,
		encoder: readFileSync('static/models/moonshine-tiny/encoder_model.onnx'),
		decoder: readFileSync('static/models/moonshine-tiny/decoder_model_merged.onnx')
	});
}, 60_000);

const rms = (x: Float32Array) =>
	Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

/** Zero crossings per second: a crude pitch and timbre signature. */
const crossings = (x: Float32Array, rate: number) => {
	let n = 0;
	for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 !== x[i]! < 0) n++;
	return (n / x.length) * rate;
};

describe('espeak-ng offline voice (real synthesizer)', () => {
	it('speaks a sentence that speech-to-text hears back', async () => {
		const audio = await synth.synthesize('Your bill is due on the fifth of March.', {
			voice: 'en-us+f3'
		});
		expect(audio.samples.length / audio.sampleRate).toBeGreaterThan(1);
		expect(rms(audio.samples)).toBeGreaterThan(0.02);
		const { text } = await stt.transcribe(resample(audio.samples, audio.sampleRate, 16000));
		// espeak-ng's female variants mix in random breath noise, so the audio differs from run to run
		// and so does what Moonshine hears ("on the fifth of March", "number fifth and March"): the
		// words that matter are asserted, not the exact text.
		for (const w of ['bill', 'march']) expect(text.toLowerCase()).toContain(w);
	}, 60_000);

	it('gives each demo persona a voice of its own', async () => {
		const voiced = demoFlow.personas.filter((p) => p.kind !== 'human');
		const signatures = await Promise.all(
			voiced.map(async (p) => {
				const a = await synth.synthesize(
					'Thanks for calling, how can I help?',
					EspeakSynth.parseVoice(p.voice.fallback)
				);
				return `${Math.round(a.samples.length / 100)}:${Math.round(crossings(a.samples, a.sampleRate) / 10)}`;
			})
		);
		expect(new Set(signatures).size).toBe(voiced.length);
	}, 60_000);

	it('parses voice specs and refuses what is not one', () => {
		expect(EspeakSynth.parseVoice('en-gb+f2 pitch=60 wpm=170')).toEqual({
			voice: 'en-gb+f2',
			pitch: 60,
			wpm: 170
		});
		expect(() => EspeakSynth.parseVoice('--help')).toThrow(RangeError);
		expect(() => EspeakSynth.parseVoice('en-us speed=3')).toThrow(RangeError);
	});

	it('treats a leading dash as text, not an option, and says nothing for empty text', async () => {
		const a = await synth.synthesize('--version', { voice: 'en-us' });
		expect(a.samples.length).toBeGreaterThan(1000);
		expect((await synth.synthesize('  ', { voice: 'en-us' })).samples.length).toBe(0);
	});

	it('says each sentence as the command line run afresh does, one after another', async () => {
		// The plain voice has no breath noise, so the same words give the same samples.
		const fresh = async (text: string) => {
			const m = await ESpeakNg({ arguments: ['-v', 'en-us', '-w', '/out.wav', text], print() {} });
			return m.FS.readFile('/out.wav');
		};
		const sentences = ['Thanks for calling.', 'Your balance is $94.00.', 'Goodbye!', 'Sure.'];
		const said = [];
		// Back to back, and two at once: a spare instance is never used twice.
		for (const s of sentences.slice(0, 2)) said.push(await synth.synthesize(s, { voice: 'en-us' }));
		said.push(
			...(await Promise.all(sentences.slice(2).map((s) => synth.synthesize(s, { voice: 'en-us' }))))
		);
		for (const [i, s] of sentences.entries()) {
			const expected = parseWav(await fresh(s));
			expect(said[i]!.samples).toEqual(expected.samples);
		}
	}, 60_000);

	it('explains a voice it does not have, and speaks the next sentence', async () => {
		await expect(synth.synthesize('Hello.', { voice: 'zz-nope' })).rejects.toThrow(
			/espeak-ng wrote no audio: .*voice does not exist\.$/
		);
		expect((await synth.synthesize('Hello.', { voice: 'en-us' })).samples.length).toBeGreaterThan(
			1000
		);
	});
});
