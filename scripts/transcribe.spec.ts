import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The transcription CLI as a user runs it: VAD + Moonshine on real WAV files at 16 and 48 kHz.
const tsx = join('node_modules', '.bin', 'tsx');

describe('transcribe CLI', () => {
	it('prints one line per file with the words, and an error line for a bad file', () => {
		const dir = mkdtempSync(join(tmpdir(), 'baton-stt-'));
		const raw = join(dir, 'raw.wav');
		execFileSync('espeak-ng', [
			'-v',
			'en-us',
			'-s',
			'150',
			'-w',
			raw,
			'I have a question about a charge on my bill.'
		]);
		const at16 = join(dir, 'caller-16k.wav');
		const at48 = join(dir, 'caller-48k.wav');
		execFileSync('sox', [raw, '-r', '16000', '-c', '1', at16, 'pad', '0.4', '0.8']);
		execFileSync('sox', [raw, '-r', '48000', '-c', '1', at48, 'pad', '1.0', '1.0']);
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
