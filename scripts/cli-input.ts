// What the command-line tools read, bounded: a file too large is refused from its size before it
// is read, a JSON Lines line is never held past its limit, and a file that cannot be read gets a
// plain reason rather than a raw system error.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { count, MAX_LINE_CHARS } from '../src/lib/agents/cli/limits';
import { BatonError } from '../src/lib/errors';

/** A JSON file read whole (personas, a dataset). */
export const MAX_JSON_BYTES = 32 * 1024 * 1024;
/** A JSON Lines file, streamed (calls, utterances). */
export const MAX_JSONL_BYTES = 256 * 1024 * 1024;
/** A WAV file: ten minutes of 48 kHz stereo 32-bit audio is 220 MB. */
export const MAX_WAV_BYTES = 256 * 1024 * 1024;
/** The longest recording the transcription CLI takes. */
export const MAX_WAV_SECONDS = 600;

/** Bad input named for the person running the tool; the CLIs print its message as it is. */
export class InputError extends BatonError {
	constructor(message: string) {
		super({ code: 'invalid_input', message });
	}
}

const mb = (bytes: number) => `${count(Math.round(bytes / (1024 * 1024)))} MB`;

/** Checks that `path` is a readable regular file of at most `max` bytes; returns its size. */
export function checkFile(path: string, max: number): number {
	let size: number;
	try {
		const st = statSync(path);
		if (st.isDirectory()) throw new InputError(`${path} is a directory, not a file.`);
		size = st.size;
	} catch (e) {
		if (e instanceof InputError) throw e;
		throw new InputError(`cannot read ${path}: ${reason(e)}.`);
	}
	if (size > max) throw new InputError(`${path} is ${mb(size)}; the limit is ${mb(max)}.`);
	return size;
}

/** The bytes of a file of at most `max` bytes. */
export function readBounded(path: string, max: number): Buffer {
	checkFile(path, max);
	try {
		return readFileSync(path);
	} catch (e) {
		throw new InputError(`cannot read ${path}: ${reason(e)}.`);
	}
}

/** A JSON file of at most MAX_JSON_BYTES, parsed. */
export function readJson(path: string): unknown {
	const text = readBounded(path, MAX_JSON_BYTES).toString('utf8');
	try {
		return JSON.parse(text);
	} catch (e) {
		throw new InputError(`${path} is not valid JSON: ${(e as Error).message}`);
	}
}

/** What went wrong reading a file, in words, from a Node system error. */
export function reason(e: unknown): string {
	const code = (e as { code?: string }).code;
	switch (code) {
		case 'ENOENT':
			return 'no such file';
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EISDIR':
			return 'it is a directory';
		case 'ENOTDIR':
			return 'a part of the path is not a folder';
		case 'EMFILE':
		case 'ENFILE':
			return 'too many open files';
		default:
			return code ? `system error ${code}` : 'unexpected error';
	}
}

/**
 * The lines of a JSON Lines file of at most MAX_JSONL_BYTES, streamed. A line longer than
 * `maxChars` is not accumulated: it is yielded cut at `maxChars + 1` characters, which the reader
 * (agents/jsonl.ts) refuses by its length, and the rest of it is skipped.
 */
export async function* readLines(path: string, maxChars = MAX_LINE_CHARS): AsyncGenerator<string> {
	checkFile(path, MAX_JSONL_BYTES);
	const stream = createReadStream(path, { encoding: 'utf8' });
	let line = '';
	let over = false;
	try {
		for await (const chunk of stream as AsyncIterable<string>) {
			let from = 0;
			for (;;) {
				const nl = chunk.indexOf('\n', from);
				const piece = chunk.slice(from, nl === -1 ? undefined : nl);
				if (!over) {
					line += piece;
					if (line.length > maxChars) {
						line = line.slice(0, maxChars + 1);
						over = true;
					}
				}
				if (nl === -1) break;
				yield line.endsWith('\r') ? line.slice(0, -1) : line;
				line = '';
				over = false;
				from = nl + 1;
			}
		}
	} catch (e) {
		throw new InputError(`cannot read ${path}: ${reason(e)}.`);
	}
	if (line) yield line.endsWith('\r') ? line.slice(0, -1) : line;
}
