// Transcription CLI: npm run --silent transcribe -- FILE.wav [FILE.wav ...]
// The same VAD + Moonshine pipeline as the browser, on 16 kHz or 48 kHz mono WAV files; one line
// per file: {"file", "text", "ms"}, or {"file", "error"} (exit code 1). Files are capped in size
// (MAX_WAV_BYTES), length (MAX_WAV_SECONDS) and sample rate (8 to 192 kHz, checked by parseWav).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { speechSegments } from '../src/lib/audio/segments';
import { SILERO_FRAME, SileroVad } from '../src/lib/audio/silero';
import { parseWav, resample, WavError } from '../src/lib/audio/wav';
import { Moonshine } from '../src/lib/workers/stt/moonshine';
import { InputError, MAX_WAV_BYTES, MAX_WAV_SECONDS, readBounded } from './cli-input';

const files = process.argv.slice(2).filter((a) => a !== '--');
if (files.length === 0) {
	process.stderr.write(
		'transcribe: give one or more WAV files: npm run --silent transcribe -- FILE.wav [FILE.wav ...]\n'
	);
	process.exit(2);
}
const MODELS = process.env.BATON_MOONSHINE_DIR ?? join('static', 'models', 'moonshine-tiny');

/** A file's audio at 16 kHz, or an InputError/WavError saying why it cannot be transcribed. */
function readAudio(file: string): Float32Array {
	const bytes = readBounded(file, MAX_WAV_BYTES);
	const wav = parseWav(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
		maxSeconds: MAX_WAV_SECONDS
	});
	if (wav.samples.length === 0) throw new InputError('WAV file has no audio (0 samples).');
	return resample(wav.samples, wav.sampleRate, 16000);
}

type Models = { vad: SileroVad; stt: Moonshine };
let models: Promise<Models> | null = null;
/** The models, loaded once, when the first readable file needs them. */
function loadModels(): Promise<Models> {
	if (!existsSync(join(MODELS, 'encoder_model.onnx'))) {
		process.stderr.write(
			`transcribe: no Moonshine weights in ${MODELS}: run "npm run models" first.\n`
		);
		process.exit(2);
	}
	ort.env.wasm.numThreads = 1;
	ort.env.logLevel = 'error';
	return (models ??= (async () => ({
		vad: await SileroVad.create(
			ort,
			readFileSync('node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx')
		),
		stt: await Moonshine.create({
			ort,
			encoder: readFileSync(join(MODELS, 'encoder_model.onnx')),
			decoder: readFileSync(join(MODELS, 'decoder_model_merged.onnx'))
		})
	}))());
}

let failed = false;
for (const file of files) {
	const t0 = performance.now();
	try {
		const audio = readAudio(file);
		const { vad, stt } = await loadModels();
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
		// Bad input is said as it is; anything else is the tool's failure, in one line, never a trace.
		const error =
			e instanceof InputError || e instanceof WavError
				? e.message
				: `transcription failed: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
		process.stdout.write(JSON.stringify({ file, error }) + '\n');
	}
}
process.exitCode = failed ? 1 : 0;
