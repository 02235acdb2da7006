// Transcription CLI: npm run --silent transcribe -- FILE.wav [FILE.wav ...]
// The same VAD + Moonshine pipeline as the browser, on 16 kHz or 48 kHz mono WAV files; one line
// per file: {"file", "text", "ms"}, or {"file", "error"} (exit code 1).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { speechSegments } from '../src/lib/audio/segments';
import { SILERO_FRAME, SileroVad } from '../src/lib/audio/silero';
import { parseWav, resample } from '../src/lib/audio/wav';
import { Moonshine } from '../src/lib/workers/stt/moonshine';

const files = process.argv.slice(2).filter((a) => a !== '--');
if (files.length === 0) {
	process.stderr.write(
		'transcribe: give one or more WAV files: npm run --silent transcribe -- FILE.wav [FILE.wav ...]\n'
	);
	process.exit(2);
}
const MODELS = process.env.BATON_MOONSHINE_DIR ?? join('static', 'models', 'moonshine-tiny');
if (!existsSync(join(MODELS, 'encoder_model.onnx'))) {
	process.stderr.write(
		`transcribe: no Moonshine weights in ${MODELS}: run "npm run models" first.\n`
	);
	process.exit(2);
}

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const vad = await SileroVad.create(
	ort,
	readFileSync('node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx')
);
const stt = await Moonshine.create({
	ort,
	encoder: readFileSync(join(MODELS, 'encoder_model.onnx')),
	decoder: readFileSync(join(MODELS, 'decoder_model_merged.onnx'))
});

let failed = false;
for (const file of files) {
	const t0 = performance.now();
	try {
		const wav = parseWav(new Uint8Array(readFileSync(file)));
		const audio = resample(wav.samples, wav.sampleRate, 16000);
		vad.reset();
		const probs = await vad.probabilities(audio);
		const spans = speechSegments(probs, { frameSamples: SILERO_FRAME, sampleRate: 16000 });
		const texts: string[] = [];
		for (const s of spans)
			texts.push(
				(await stt.transcribe(audio.subarray(s.start, Math.min(audio.length, s.end)))).text
			);
		const text = texts.filter(Boolean).join(' ');
		process.stdout.write(
			JSON.stringify({ file, text, ms: Math.round(performance.now() - t0) }) + '\n'
		);
	} catch (e) {
		failed = true;
		process.stdout.write(JSON.stringify({ file, error: (e as Error).message }) + '\n');
	}
}
process.exitCode = failed ? 1 : 0;
