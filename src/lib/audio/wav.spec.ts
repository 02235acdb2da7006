import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeWav, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, parseWav, resample, WavError } from './wav';

// The WAV reader takes files from anywhere (the transcribe CLI, the phrase clips): whatever the
// bytes, it answers with audio or a WavError saying what is wrong, and it checks what the header
// declares before it allocates anything.

/** A WAV file with the given header fields and `data` as its data chunk. */
function wav(
	o: { format?: number; channels?: number; rate?: number; bits?: number; data?: Uint8Array } = {}
): Uint8Array {
	const { format = 1, channels = 1, rate = 16000, bits = 16, data = new Uint8Array(64) } = o;
	const out = new Uint8Array(44 + data.length);
	const v = new DataView(out.buffer);
	const tag = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
	tag(0, 'RIFF');
	v.setUint32(4, 36 + data.length, true);
	tag(8, 'WAVEfmt ');
	v.setUint32(16, 16, true);
	v.setUint16(20, format, true);
	v.setUint16(22, channels, true);
	v.setUint32(24, rate, true);
	v.setUint32(28, (rate * channels * bits) / 8, true);
	v.setUint16(32, (channels * bits) / 8, true);
	v.setUint16(34, bits, true);
	tag(36, 'data');
	v.setUint32(40, data.length, true);
	out.set(data, 44);
	return out;
}

const floats = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
const error = (f: () => unknown) => {
	try {
		f();
	} catch (e) {
		expect(e).toBeInstanceOf(WavError);
		return (e as Error).message;
	}
	throw new Error('expected a WavError');
};

describe('parseWav', () => {
	it('reads what encodeWav writes', () => {
		const samples = new Float32Array([0, 0.5, -0.5, 0.25]);
		const a = parseWav(encodeWav(samples, 24000));
		expect(a.sampleRate).toBe(24000);
		expect([...a.samples].map((x) => Math.round(x * 100) / 100)).toEqual([0, 0.5, -0.5, 0.25]);
	});

	it('refuses a truncated header with a clear message, not a DataView error', () => {
		const whole = wav();
		expect(error(() => parseWav(whole.subarray(0, 8)))).toMatch(/Not a WAV file/);
		expect(error(() => parseWav(whole.subarray(0, 12)))).toMatch(/no fmt chunk/);
		// The fmt chunk cut mid-way: its declared 16 bytes run past the end of the file.
		expect(error(() => parseWav(whole.subarray(0, 30)))).toMatch(/truncated: its fmt chunk/);
		expect(error(() => parseWav(whole.subarray(0, 36)))).toMatch(/no data chunk/);
		const short = wav();
		new DataView(short.buffer).setUint32(16, 8, true);
		expect(error(() => parseWav(short))).toMatch(/fmt chunk is incomplete/);
	});

	it('refuses a 1 Hz or 10 MHz sample rate before allocating anything', () => {
		// 4 KB at 1 Hz would be over an hour of audio, and 2,000 s once resampled to 16 kHz.
		const data = new Uint8Array(4096);
		expect(error(() => parseWav(wav({ rate: 1, data })))).toMatch(
			/sample rate 1 Hz is out of range \(8000 to 192000 Hz\)/
		);
		expect(error(() => parseWav(wav({ rate: 10_000_000, data })))).toMatch(/10000000 Hz/);
		expect(parseWav(wav({ rate: MIN_SAMPLE_RATE })).sampleRate).toBe(MIN_SAMPLE_RATE);
		expect(parseWav(wav({ rate: MAX_SAMPLE_RATE })).sampleRate).toBe(MAX_SAMPLE_RATE);
	});

	it('refuses NaN and infinite float samples, saying where', () => {
		const nan = wav({ format: 3, bits: 32, data: floats([0, 0.1, NaN, 0]) });
		expect(error(() => parseWav(nan))).toMatch(/invalid sample \(NaN\) at 0\.000 s/);
		const inf = wav({
			format: 3,
			bits: 32,
			rate: 8000,
			data: floats([...Array(800).fill(0), Infinity])
		});
		expect(error(() => parseWav(inf))).toMatch(/invalid sample \(Infinity\) at 0\.100 s/);
	});

	it('refuses encodings and channel counts it cannot read', () => {
		expect(error(() => parseWav(wav({ bits: 12 })))).toMatch(/format 1, 12 bits/);
		expect(error(() => parseWav(wav({ format: 2 })))).toMatch(/format 2/);
		expect(error(() => parseWav(wav({ channels: 0 })))).toMatch(/0 channels/);
		expect(error(() => parseWav(wav({ channels: 65535 })))).toMatch(/65535 channels/);
	});

	it('returns no samples for an empty data chunk, and caps the duration when asked', () => {
		expect(parseWav(wav({ data: new Uint8Array(0) })).samples.length).toBe(0);
		const minute = wav({ rate: 8000, data: new Uint8Array(8000 * 2 * 61) });
		expect(error(() => parseWav(minute, { maxSeconds: 60 }))).toMatch(
			/61\.0 s long; the limit is 60 s/
		);
		expect(parseWav(minute).samples.length).toBe(8000 * 61);
	});

	it('trusts the file length over a data size larger than the file (a streamed WAV)', () => {
		const streamed = wav({ data: new Uint8Array(100) });
		new DataView(streamed.buffer).setUint32(40, 0x7fffffff, true);
		expect(parseWav(streamed).samples.length).toBe(50);
	});

	it('answers any bytes with audio or a WavError, never another exception', () => {
		const valid = wav({ data: new Uint8Array(32) });
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
					maxLength: 12
				}),
				fc.nat(valid.length),
				(edits, cut) => {
					const bytes = valid.slice(0, Math.max(cut, 1));
					for (const [at, b] of edits) if (at < bytes.length) bytes[at] = b;
					try {
						const a = parseWav(bytes);
						expect(a.sampleRate).toBeGreaterThanOrEqual(MIN_SAMPLE_RATE);
						expect(a.samples.length).toBeLessThanOrEqual(bytes.length);
					} catch (e) {
						expect(e).toBeInstanceOf(WavError);
					}
				}
			),
			{ numRuns: 5000 }
		);
	});
});

describe('resample', () => {
	it('keeps the duration', () => {
		expect(resample(new Float32Array(48000), 48000, 16000).length).toBe(16000);
		expect(resample(new Float32Array(8000), 8000, 16000).length).toBe(16000);
	});
});
