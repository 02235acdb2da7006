import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../src/lib/audio/wav';
import { writeSpeech } from '../src/lib/testing/speech';

// The transcription CLI as a user runs it: VAD + Moonshine on real WAV files at 16 and 48 kHz.
const tsx = join('node_modules', '.bin', 'tsx');

describe('transcribe CLI', () => {
	it('prints one line per file with the words, and an error line for a bad file', () => {
		const dir = mkdtempSync(join(tmpdir(), 'baton-stt-'));
		const sentence = 'I have a question about a charge on my bill.';
		const at16 = join(dir, 'caller-16k.wav');
		const at48 = join(dir, 'caller-48k.wav');
		writeSpeech(at16, sentence, { sampleRate: 16000, padStart: 0.4, padEnd: 0.8 });
		writeSpeech(at48, sentence, { sampleRate: 48000, padStart: 1.0, padEnd: 1.0 });
		const bad = join(dir, 'not-audio.wav');
		writeFileSync(bad, 'hello');
		const r = spawnSync(tsx, ['scripts/transcribe.ts', at16, at48, bad], { encoding: 'utf8' });
		expect(r.status).toBe(1);
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows).toHaveLength(3);
		for (const row of rows.slice(0, 2)) {
			expect(Object.keys(row)).toEqual(['file', 'text', 'ms']);
			for (const w of ['question', 'charge', 'bill']) expect(row.text.toLowerCase()).toContain(w);
		}
		expect(rows[2]).toMatchObject({ file: bad, error: expect.stringContaining('Not a WAV file') });
	}, 120_000);

	it('refuses each bad file in one line, before any model is loaded', () => {
		const dir = mkdtempSync(join(tmpdir(), 'baton-stt-'));
		const put = (name: string, bytes: Uint8Array) => {
			writeFileSync(join(dir, name), bytes);
			return join(dir, name);
		};
		const good = encodeWav(new Float32Array(1600), 16000);
		const at = (bytes: Uint8Array, rate: number) => {
			const b = bytes.slice();
			new DataView(b.buffer).setUint32(24, rate, true);
			return b;
		};
		const nan = encodeWav(new Float32Array(4), 16000);
		// Float samples: format 3, 32 bits, one NaN.
		const float = new Uint8Array(44 + 16);
		float.set(nan.subarray(0, 44));
		const v = new DataView(float.buffer);
		v.setUint16(20, 3, true);
		v.setUint16(34, 32, true);
		v.setUint32(40, 16, true);
		v.setFloat32(48, NaN, true);
		const huge = join(dir, 'huge.wav');
		closeSync(openSync(huge, 'w'));
		truncateSync(huge, 300 * 1024 * 1024);
		const cases: [string, string][] = [
			[
				put('truncated.wav', good.subarray(0, 30)),
				'WAV file is truncated: its fmt chunk is incomplete.'
			],
			[
				put('empty.wav', encodeWav(new Float32Array(0), 16000)),
				'WAV file has no audio (0 samples).'
			],
			[put('nan.wav', float), 'WAV file has an invalid sample (NaN) at 0.000 s.'],
			[
				put('1hz.wav', at(encodeWav(new Float32Array(2048), 16000), 1)),
				'WAV sample rate 1 Hz is out of range (8000 to 192000 Hz).'
			],
			[
				put('10mhz.wav', at(good, 10_000_000)),
				'WAV sample rate 10000000 Hz is out of range (8000 to 192000 Hz).'
			],
			[
				put('long.wav', encodeWav(new Float32Array(8000 * 601), 8000)),
				'WAV file is 601.0 s long; the limit is 600 s.'
			],
			[huge, `${huge} is 300 MB; the limit is 256 MB.`],
			[join(dir, 'missing.wav'), `cannot read ${join(dir, 'missing.wav')}: no such file.`],
			[dir, `${dir} is a directory, not a file.`]
		];
		// No Moonshine weights: a file that got past its checks would fail on loading them.
		const r = spawnSync(tsx, ['scripts/transcribe.ts', ...cases.map(([f]) => f)], {
			encoding: 'utf8',
			env: { ...process.env, BATON_MOONSHINE_DIR: join(dir, 'no-models') }
		});
		expect(r.status).toBe(1);
		expect(r.stderr).toBe('');
		expect(
			r.stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l))
		).toEqual(cases.map(([file, error]) => ({ file, error })));
	}, 60_000);
});
