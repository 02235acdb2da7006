import * as v from 'valibot';
import type { Dataset } from '../dataset';
import { humanOf, type Flow } from '../flow';
import type { Router } from '../routing/router';
import { jsonLines } from './jsonl';
import { simulateCall } from './simulator';

// Two-turn routing on a flow: does a caller reach the right specialist within two turns? Each
// call is the caller's opening turn, what they would answer if triage asked them something, and
// where they should end up (a specialist's persona id, or "person" for the flow's human persona,
// whatever its id). The opening
// turn is played alone first; the answer is played only if triage kept the call and asked.

export const TwoTurnCallSchema = v.object({
	id: v.union([v.pipe(v.string(), v.minLength(1)), v.number()]),
	turns: v.pipe(
		v.array(v.pipe(v.string(), v.minLength(1))),
		v.length(2, 'a two-turn call has exactly two turns: the opening and the answer')
	),
	expect: v.pipe(v.string(), v.minLength(1))
});
export type TwoTurnCall = v.InferOutput<typeof TwoTurnCallSchema>;

/** Where one call went. */
export type TwoTurnResult = {
	id: string | number;
	expect: string;
	/** The first persona triage handed the call to within two turns, or null if triage kept it. */
	reached: string | null;
	/** Whether triage answered the opening turn with a question (or an offer) instead of a handoff. */
	asked: boolean;
};

export type TwoTurnFigures = {
	/** Callers who should reach a specialist. */
	inScope: number;
	/** …and reached it within two turns. */
	right: number;
	/** …of which at once, on the opening turn. */
	rightAtOnce: number;
	/** …of which after one question. */
	rightAfterQuestion: number;
	/** In-scope callers asked one question first (whatever happened next). */
	asked: number;
	/** In-scope callers handed to a person on the opening turn, without a question. */
	personWithoutQuestion: number;
	/** In-scope callers handed to a person after the question. */
	personAfterQuestion: number;
	/** In-scope callers who reached another specialist first. */
	wrongSpecialist: number;
	/** In-scope callers triage still held after two turns. */
	stillWithTriage: number;
	/** Callers who should reach a person, and how many did within two turns. */
	toPerson: number;
	toPersonReached: number;
};

/** What a call file writes for "the flow's human persona". */
export const PERSON = 'person';

/** Reads two-turn calls from JSON Lines; a bad line throws an error naming it. */
export async function readTwoTurnCalls(
	lines: Iterable<string> | AsyncIterable<string>,
	flow: Flow
): Promise<TwoTurnCall[]> {
	const ids = new Set(flow.personas.filter((p) => p.kind !== 'triage').map((p) => p.id));
	const human = humanOf(flow)?.id;
	const out: TwoTurnCall[] = [];
	for await (const row of jsonLines(
		lines,
		TwoTurnCallSchema,
		'a two-turn call ({"id", "turns": [opening, answer], "expect": persona id})'
	)) {
		if ('error' in row) throw new Error(row.error);
		if (row.value.expect === PERSON && human) row.value.expect = human;
		if (!ids.has(row.value.expect)) {
			throw new Error(
				`line ${row.line}: "${row.value.expect}" is not a persona triage can hand to in flow ${flow.id}`
			);
		}
		out.push(row.value);
	}
	return out;
}

/** Plays one call: the opening alone, then both turns if triage kept the call. */
export async function playTwoTurn(input: {
	flow: Flow;
	dataset: Dataset;
	router: Router;
	call: TwoTurnCall;
}): Promise<TwoTurnResult> {
	const { call } = input;
	const play = (turns: string[]) =>
		simulateCall({ ...input, human: 'available', id: call.id, turns });
	const first = await play([call.turns[0]!]);
	if (first.hops.length > 0) {
		return { id: call.id, expect: call.expect, reached: first.hops[0]!.to, asked: false };
	}
	const both = await play([...call.turns]);
	return { id: call.id, expect: call.expect, reached: both.hops[0]?.to ?? null, asked: true };
}

export function twoTurnFigures(flow: Flow, results: readonly TwoTurnResult[]): TwoTurnFigures {
	const human = humanOf(flow)?.id;
	const f: TwoTurnFigures = {
		inScope: 0,
		right: 0,
		rightAtOnce: 0,
		rightAfterQuestion: 0,
		asked: 0,
		personWithoutQuestion: 0,
		personAfterQuestion: 0,
		wrongSpecialist: 0,
		stillWithTriage: 0,
		toPerson: 0,
		toPersonReached: 0
	};
	for (const r of results) {
		if (r.expect === human) {
			f.toPerson++;
			if (r.reached === human) f.toPersonReached++;
			continue;
		}
		f.inScope++;
		if (r.asked) f.asked++;
		if (r.reached === r.expect) {
			f.right++;
			if (r.asked) f.rightAfterQuestion++;
			else f.rightAtOnce++;
		} else if (r.reached === null) f.stillWithTriage++;
		else if (r.reached === human) {
			if (r.asked) f.personAfterQuestion++;
			else f.personWithoutQuestion++;
		} else f.wrongSpecialist++;
	}
	return f;
}

/** Plays every call and returns the figures with the per-call results. */
export async function measureTwoTurn(input: {
	flow: Flow;
	dataset: Dataset;
	router: Router;
	calls: readonly TwoTurnCall[];
}): Promise<{ figures: TwoTurnFigures; results: TwoTurnResult[] }> {
	const results: TwoTurnResult[] = [];
	for (const call of input.calls) results.push(await playTwoTurn({ ...input, call }));
	return { figures: twoTurnFigures(input.flow, results), results };
}
