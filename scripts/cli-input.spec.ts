import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, readJson, readLines } from './cli-input';

// The CLIs' bounded reader: lines as readline gives them, except that a line past the limit is
// never held whole in memory.

const file = (name: string, text: string) => {
	const path = join(mkdtempSync(join(tmpdir(), 'baton-cli-')), name);
	writeFileSync(path, text);
	return path;
};
const all = async (lines: AsyncIterable<string>) => {
	const out: string[] = [];
	for await (const l of lines) out.push(l);
	return out;
};

describe('readLines', () => {
	it('splits on LF and CRLF, keeps blank lines and a last line without a newline', async () => {
		const path = file('a.jsonl', 'one\r\ntwo\n\nthree');
		expect(await all(readLines(path))).toEqual(['one', 'two', '', 'three']);
	});

	it('cuts a line past the limit at one character over, across chunks, and goes on', async () => {
		// 200,000 characters spans several of the stream's 64 KB chunks.
		const path = file('b.jsonl', `short\n${'x'.repeat(200_000)}\nafter\n`);
		const lines = await all(readLines(path, 1000));
		expect(lines.map((l) => l.length)).toEqual([5, 1001, 5]);
		expect(lines[2]).toBe('after');
	});

	it('keeps a line of exactly the limit whole', async () => {
		const path = file('c.jsonl', `${'y'.repeat(1000)}\r\nz\n`);
		expect((await all(readLines(path, 1000))).map((l) => l.length)).toEqual([1000, 1]);
	});

	it('names the file and the reason when it cannot be read', async () => {
		await expect(all(readLines(join(tmpdir(), 'nope-baton.jsonl')))).rejects.toThrow(
			/cannot read .*nope-baton\.jsonl: no such file\./
		);
		await expect(all(readLines(tmpdir()))).rejects.toThrow(InputError);
	});
});

describe('readJson', () => {
	it('says which file is not JSON', () => {
		const path = file('d.json', '{ nope');
		expect(() => readJson(path)).toThrow(InputError);
		expect(() => readJson(path)).toThrow(`${path} is not valid JSON`);
	});
});
