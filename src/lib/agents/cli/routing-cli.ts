import * as v from 'valibot';
import {
	OUT_OF_SCOPE,
	TextClassifier,
	type Example,
	type TrainOptions
} from '../routing/classifier';
import { ValidationError } from '../../errors';
import { describeIssues } from '../schema-issues';
import { jsonLines } from './jsonl';
import { count, MAX_UTTERANCE_CHARS } from './limits';

// The routing CLI's inputs and loop, kept apart from process I/O so it is tested in-process.

export const PersonasFileSchema = v.object({
	personas: v.pipe(
		v.array(
			v.object({
				id: v.pipe(v.string(), v.minLength(1)),
				examples: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1))
			})
		),
		v.minLength(1)
	),
	outOfScope: v.optional(v.array(v.string()), [])
});
export type PersonasFile = v.InferOutput<typeof PersonasFileSchema>;

export function parsePersonasFile(input: unknown): PersonasFile {
	const r = v.safeParse(PersonasFileSchema, input);
	if (r.success) return r.output;
	throw new ValidationError({ what: 'personas file', issues: describeIssues(r.issues) });
}

/** What the CLI reports on stderr about the out-of-scope threshold it uses. */
export function describeThreshold(classifier: TextClassifier, given: boolean): string {
	const t = classifier.threshold.toFixed(3);
	if (given) return `threshold ${t} (--threshold)`;
	if (classifier.calibratedThreshold === null)
		return `threshold ${t} (too few examples, or none out of scope, to calibrate on)`;
	return `threshold ${t} (calibrated on held-out examples of the personas file)`;
}

export function trainFromPersonas(
	file: PersonasFile,
	options: Partial<TrainOptions> = {}
): TextClassifier {
	const examples: Example[] = [];
	for (const p of file.personas)
		for (const text of p.examples) examples.push({ text, label: p.id });
	for (const text of file.outOfScope) examples.push({ text, label: OUT_OF_SCOPE });
	// Without a threshold the classifier's own, fitted on held-out examples of this file, decides:
	// a fixed number tuned on one dataset means a different recall on another.
	return TextClassifier.train(examples, options);
}

const LineSchema = v.object({
	text: v.pipe(
		v.string(),
		v.maxLength(
			MAX_UTTERANCE_CHARS,
			(i) => `at most ${count(MAX_UTTERANCE_CHARS)} characters, not ${count(i.input.length)}`
		)
	)
});

export type RouteLine = { text: string; route: string | null; confidence: number };
export type RouteLineError = { text: null; line: number; error: string };

export async function* routeLines(
	classifier: TextClassifier,
	lines: Iterable<string> | AsyncIterable<string>
): AsyncGenerator<RouteLine | RouteLineError> {
	for await (const row of jsonLines(lines, LineSchema, '{"text": string}')) {
		if ('error' in row) {
			yield { text: null, line: row.line, error: row.error };
			continue;
		}
		const p = classifier.predict(row.value.text);
		yield {
			text: row.value.text,
			route: p.label,
			confidence: Math.round(p.confidence * 1000) / 1000
		};
	}
}
