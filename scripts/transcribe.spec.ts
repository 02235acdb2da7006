import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
