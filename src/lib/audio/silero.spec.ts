import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { SileroVad, SILERO_FRAME } from './silero';
import { TurnDetector, type TurnEvent } from './turn-detector';
import { speechSamples } from '../testing/speech';

// Real weights: Silero v5 as shipped by @ricky0123/vad-web, on speech made by espeak-ng, padded
// with known silence by sox. The detected turn must cover the speech and nothing much else.

const MODEL = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';
const LEAD_S = 1.0;
const TAIL_S = 1.5;

function speech(text: string): { samples: Float32Array; speechStartS: number; speechEndS: number } {
	const samples = speechSamples(text, { padStart: LEAD_S, padEnd: TAIL_S, wordsPerMinute: 160 });
	return { samples, speechStartS: LEAD_S, speechEndS: samples.length / 16000 - TAIL_S };
}

let vad: SileroVad;
beforeAll(async () => {
	ort.env.wasm.numThreads = 1;
	vad = await SileroVad.create(ort, readFileSync(MODEL));
});

describe('Silero VAD on espeak-ng speech (real weights)', () => {
	it('finds the speech span and ends the turn 400 ms after it', async () => {
		const clip = speech('Hi, I have a question about a charge on my bill.');
		vad.reset();
		const probs = await vad.probabilities(clip.samples);
		const detector = new TurnDetector();
		const events: TurnEvent[] = probs.flatMap((p) => detector.push(p));
		const ends = events.filter((e) => e.type === 'speech_end');
		expect(ends).toHaveLength(1);
		const turn = ends[0] as Extract<TurnEvent, { type: 'speech_end' }>;
		const frameS = SILERO_FRAME / 16000;
		expect(Math.abs(turn.startMs / 1000 - clip.speechStartS)).toBeLessThan(0.25);
		expect(Math.abs(turn.endMs / 1000 - clip.speechEndS)).toBeLessThan(0.3);
		// Silence before and after stays silent.
		expect(Math.max(...probs.slice(0, Math.floor(0.8 / frameS)))).toBeLessThan(0.5);
	});

	it('hears nothing in silence', async () => {
		vad.reset();
		const probs = await vad.probabilities(new Float32Array(16000 * 2));
		expect(Math.max(...probs)).toBeLessThan(0.2);
	});
});
