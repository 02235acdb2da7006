import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { encodeWav, parseWav, resample } from '../audio/wav';

// Test speech: espeak-ng says the text, sox pads it with known silence and converts it. Used by the
// real-weights tests, the fake microphone and the voice benchmark. Needs Debian's espeak-ng and sox
// (the test set-up installs them).

export type SpeechOptions = {
	/** Output sample rate (the fake microphone wants 48 kHz; the models want 16 kHz). */
	sampleRate?: number;
	/** Silence before and after, in seconds. */
	padStart?: number;
	padEnd?: number;
	wordsPerMinute?: number;
};

/** A mono 16-bit WAV file's bytes. */
export function speechWav(text: string, options: SpeechOptions = {}): Buffer {
	const { sampleRate = 16000, padStart = 0, padEnd = 0, wordsPerMinute = 150 } = options;
	const raw = execFileSync('espeak-ng', [
		'-v',
		'en-us',
		'-s',
		String(wordsPerMinute),
		'--stdout',
		text
	]);
	// -V1: the piped header's length is rewritten by the reader, so sox's warning about it is noise.
	return execFileSync(
		'sox',
		[
			'-V1',
			'-t',
			'wav',
			'-',
			'-t',
			'wav',
			'-r',
			String(sampleRate),
			'-c',
			'1',
			'-b',
			'16',
			'-',
			'pad',
			String(padStart),
			String(padEnd)
		],
		{ input: raw }
	);
}

export function writeSpeech(file: string, text: string, options: SpeechOptions = {}): void {
	writeFileSync(file, speechWav(text, options));
}

/** 16 kHz mono samples, ready for the VAD and speech-to-text models. */
export function speechSamples(
	text: string,
	options: Omit<SpeechOptions, 'sampleRate'> = {}
): Float32Array {
	const audio = parseWav(new Uint8Array(speechWav(text, { ...options, sampleRate: 16000 })));
	return resample(audio.samples, audio.sampleRate, 16000);
}

/**
 * A caller's side of a conversation as one WAV: numbers are seconds of silence, strings are said.
 * `[6, 'I have a question about my bill.', 2.5, 'Wait, what is my balance?', 10]`.
 */
export function writeConversation(
	file: string,
	parts: (string | number)[],
	options: Omit<SpeechOptions, 'padStart' | 'padEnd'> = {}
): void {
	const sampleRate = options.sampleRate ?? 16000;
	const pieces: Float32Array[] = parts.map((p) =>
		typeof p === 'number'
			? new Float32Array(Math.round(p * sampleRate))
			: parseWav(new Uint8Array(speechWav(p, { ...options, sampleRate }))).samples
	);
	const all = new Float32Array(pieces.reduce((n, x) => n + x.length, 0));
	let at = 0;
	for (const x of pieces) {
		all.set(x, at);
		at += x.length;
	}
	writeFileSync(file, encodeWav(all, sampleRate));
}
