// Bundled by bench-voice.ts and run in Chromium: Silero VAD and Moonshine tiny on onnxruntime-web's
// WASM backend, timed frame by frame and utterance by utterance.
import * as ort from 'onnxruntime-web';
import { SileroVad, SILERO_FRAME } from '../src/lib/audio/silero';
import { TurnDetector } from '../src/lib/audio/turn-detector';
import { parseWav, resample } from '../src/lib/audio/wav';
import { Moonshine } from '../src/lib/workers/stt/moonshine';

type Input = { wav: number[]; vadModel: string; encoder: string; decoder: string; threads: number };

declare global {
	interface Window {
		voiceBench: (input: Input) => Promise<{
			isolated: boolean;
			threads: number;
			vadFrameMs: number[];
			endOfTurnMs: number;
			sttMs: number[];
			audioS: number;
			text: string;
		}>;
	}
}

window.voiceBench = async ({ wav, vadModel, encoder, decoder, threads }) => {
	ort.env.wasm.wasmPaths = '/ort/';
	ort.env.wasm.numThreads = threads;
	const audio = parseWav(Uint8Array.from(wav));
	const samples = resample(audio.samples, audio.sampleRate, 16000);
	const vad = await SileroVad.create(
		ort,
		new Uint8Array(await (await fetch(vadModel)).arrayBuffer())
	);
	const vadFrameMs: number[] = [];
	const detector = new TurnDetector();
	let lastSpeechEnd = -1;
	let detectedAt = -1;
	for (let i = 0, f = 0; i + SILERO_FRAME <= samples.length; i += SILERO_FRAME, f++) {
		const t0 = performance.now();
		const p = await vad.probability(samples.subarray(i, i + SILERO_FRAME));
		vadFrameMs.push(performance.now() - t0);
		for (const e of detector.push(p)) {
			if (e.type === 'speech_end' && detectedAt < 0) {
				lastSpeechEnd = e.endMs;
				detectedAt = (f + 1) * 32;
			}
		}
	}
	const stt = await Moonshine.create({ ort, encoder, decoder });
	const sttMs: number[] = [];
	let text = '';
	for (let run = 0; run < 5; run++) {
		const r = await stt.transcribe(samples);
		sttMs.push(r.ms);
		text = r.text;
	}
	return {
		isolated: globalThis.crossOriginIsolated,
		threads,
		vadFrameMs,
		endOfTurnMs: detectedAt - lastSpeechEnd,
		sttMs,
		audioS: samples.length / 16000,
		text
	};
};
