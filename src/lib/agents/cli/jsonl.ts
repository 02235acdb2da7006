import * as v from 'valibot';
import { count, MAX_LINE_CHARS } from './limits';
import { describeIssues } from '../schema-issues';

// JSON Lines input for the CLIs: one record per line, validated, with errors that name the line.
// Blank lines are skipped; line numbers count them, so they match what an editor shows.

export type JsonLine<T> = { line: number; value: T } | { line: number; error: string };

export async function* jsonLines<T>(
	lines: Iterable<string> | AsyncIterable<string>,
	schema: v.GenericSchema<unknown, T>,
	/** What a valid line looks like, for the error message, e.g. `{"text": string}`. */
	shape: string
): AsyncGenerator<JsonLine<T>> {
	let n = 0;
	for await (const line of lines) {
		n++;
		if (line.length > MAX_LINE_CHARS) {
			yield { line: n, error: `line ${n} is longer than ${count(MAX_LINE_CHARS)} characters.` };
			continue;
		}
		if (!line.trim()) continue;
		let json: unknown;
		try {
			json = JSON.parse(line);
		} catch (e) {
			yield { line: n, error: `line ${n} is not valid JSON: ${(e as Error).message}` };
			continue;
		}
		const r = v.safeParse(schema, json);
		if (r.success) yield { line: n, value: r.output };
		else
			yield { line: n, error: `line ${n} is not ${shape}: ${describeIssues(r.issues).join('; ')}` };
	}
}
