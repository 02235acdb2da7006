import { BatonError } from '../errors';
// Reads PCM WAV files (8/16/24/32-bit integer or 32-bit float; 1 to 8 channels) into mono float
// samples, and resamples to the 16 kHz the speech models expect.

export type Audio = { sampleRate: number; samples: Float32Array };

export class WavError extends BatonError {
	constructor(message: string) {
		super({ code: 'invalid_wav', message });
	}
}

/** Sample rates a WAV file may declare: telephone speech (8 kHz) to studio audio (192 kHz). */
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192_000;
const MAX_CHANNELS = 8;

export type WavLimits = {
	/** The longest audio accepted, in seconds; checked from the header, before any sample is read. */
	maxSeconds?: number;
};

/**
 * Reads a WAV file. Everything the header declares is checked before anything is allocated, so a
 * hostile header cannot make the reader (or a resampler after it) ask for gigabytes; every
 * problem is a WavError whose message says what is wrong with the file.
 */
export function parseWav(bytes: Uint8Array, limits: WavLimits = {}): Audio {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
	if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
		throw new WavError('Not a WAV file (no RIFF/WAVE header).');
	let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
	let data: Uint8Array | null = null;
	for (let at = 12; at + 8 <= bytes.length;) {
		const id = tag(at);
		const size = view.getUint32(at + 4, true);
		const body = at + 8;
		if (id === 'fmt ') {
			if (size < 16 || body + 16 > bytes.length)
				throw new WavError('WAV file is truncated: its fmt chunk is incomplete.');
			let format = view.getUint16(body, true);
			if (format === 0xfffe) {
				if (size < 26 || body + 26 > bytes.length)
					throw new WavError('WAV file is truncated: its extensible fmt chunk is incomplete.');
				format = view.getUint16(body + 24, true);
			}
			fmt = {
				format,
				channels: view.getUint16(body + 2, true),
				sampleRate: view.getUint32(body + 4, true),
				bits: view.getUint16(body + 14, true)
			};
		} else if (id === 'data') {
			// espeak-ng writes 0x7fffffff as the size when it streams; trust the file length.
			data = bytes.subarray(body, Math.min(bytes.length, body + size));
		}
		at = body + size + (size % 2);
	}
	if (!fmt) throw new WavError('WAV file has no fmt chunk (truncated or not audio).');
	if (!data) throw new WavError('WAV file has no data chunk (truncated or not audio).');
	const { format, channels, sampleRate, bits } = fmt;
	if (!(format === 1 && [8, 16, 24, 32].includes(bits)) && !(format === 3 && bits === 32))
		throw new WavError(`Unsupported WAV encoding (format ${format}, ${bits} bits).`);
	if (channels < 1 || channels > MAX_CHANNELS)
		throw new WavError(
			`WAV file declares ${channels} channels; 1 to ${MAX_CHANNELS} are supported.`
		);
	if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE)
		throw new WavError(
			`WAV sample rate ${sampleRate} Hz is out of range (${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz).`
		);
	const step = (bits / 8) * channels;
	const frames = Math.floor(data.length / step);
	const seconds = frames / sampleRate;
	if (limits.maxSeconds !== undefined && seconds > limits.maxSeconds)
		throw new WavError(
			`WAV file is ${seconds.toFixed(1)} s long; the limit is ${limits.maxSeconds} s.`
		);
	const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
	const samples = new Float32Array(frames);
	for (let i = 0; i < frames; i++) {
		let sum = 0;
		for (let c = 0; c < channels; c++) {
			const at = i * step + c * (bits / 8);
			let x: number;
			if (format === 3) x = d.getFloat32(at, true);
			else if (bits === 16) x = d.getInt16(at, true) / 32768;
			else if (bits === 8) x = (d.getUint8(at) - 128) / 128;
			else if (bits === 24)
				x = (d.getUint8(at) | (d.getUint8(at + 1) << 8) | (d.getInt8(at + 2) << 16)) / 8388608;
			else x = d.getInt32(at, true) / 2147483648;
			sum += x;
		}
		// Float files can hold NaN or infinity, which would poison every model downstream.
		if (!Number.isFinite(sum))
			throw new WavError(
				`WAV file has an invalid sample (${sum}) at ${(i / sampleRate).toFixed(3)} s.`
			);
		samples[i] = sum / channels;
	}
	return { sampleRate, samples };
}

/** Linear-interpolation resampling; good enough for speech models at 16 kHz. */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
	if (from === to) return samples;
	const out = new Float32Array(Math.floor((samples.length * to) / from));
	const ratio = from / to;
	for (let i = 0; i < out.length; i++) {
		const x = i * ratio;
		const j = Math.floor(x);
		const f = x - j;
		out[i] = (samples[j] ?? 0) * (1 - f) + (samples[j + 1] ?? samples[j] ?? 0) * f;
	}
	return out;
}

/** Mono 16-bit PCM WAV bytes from float samples in −1…1 (clipped). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
	const out = new Uint8Array(44 + samples.length * 2);
	const view = new DataView(out.buffer);
	const tag = (at: number, s: string) =>
		[...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
	tag(0, 'RIFF');
	view.setUint32(4, 36 + samples.length * 2, true);
	tag(8, 'WAVEfmt ');
	view.setUint32(16, 16, true);
	view.setUint16(20, 1, true);
	view.setUint16(22, 1, true);
	view.setUint32(24, sampleRate, true);
	view.setUint32(28, sampleRate * 2, true);
	view.setUint16(32, 2, true);
	view.setUint16(34, 16, true);
	tag(36, 'data');
	view.setUint32(40, samples.length * 2, true);
	for (let i = 0; i < samples.length; i++) {
		view.setInt16(44 + i * 2, Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), true);
	}
	return out;
}
