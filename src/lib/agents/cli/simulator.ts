import * as v from 'valibot';
import type { AuditEvent } from '../audit';
import type { ContextPackage, TranscriptEntry, TriggerKind } from '../handoff/context-package';
import type { Dataset } from '../dataset';
import type { Flow } from '../flow';
import { Router } from '../routing/router';
import { jsonLines } from './jsonl';
import { count, MAX_TURNS, MAX_UTTERANCE_CHARS } from './limits';
import { AttemptLimiter } from '../tools/verification';
import {
	Session,
	type FallbackChoice,
	type HumanAvailability,
	type Outcome,
	type SessionOptions
} from '../session';

// The headless simulator drives the very same Session as the caller page, one scripted call per
// line, so routing, triggers and packages can be checked in bulk without a browser.

const CallSchema = v.object({
	id: v.union([v.pipe(v.string(), v.minLength(1)), v.number()]),
	turns: v.pipe(
		v.array(
			v.pipe(
				v.string(),
				v.maxLength(
					MAX_UTTERANCE_CHARS,
					(i) =>
						`a turn is at most ${count(MAX_UTTERANCE_CHARS)} characters, not ${count(i.input.length)}`
				)
			)
		),
		v.maxLength(
			MAX_TURNS,
			(i) => `a call has at most ${MAX_TURNS} turns, not ${count(i.input.length)}`
		)
	)
});

export type SimulatedCall = {
	id: string | number;
	personas: string[];
	hops: { from: string; to: string; trigger: TriggerKind }[];
	packages: ContextPackage[];
	transcript: TranscriptEntry[];
	outcome: Outcome;
};
export type SimulationError = { id: null; line: number; error: string };

export async function simulateCall(input: {
	flow: Flow;
	dataset: Dataset;
	router: Router;
	human: HumanAvailability;
	id: string | number;
	turns: readonly string[];
	/** Receives the call's audit events (for metrics). */
	audit?: AuditEvent[];
	/** Verification attempts shared across calls (one device), a responder or LLM router. */
	options?: Pick<SessionOptions, 'attempts' | 'device' | 'responder' | 'llmRouter' | 'now'>;
	/** What a caller offered the queue, a callback or the AI chooses, instead of their next turn. */
	fallback?: FallbackChoice;
	/** Sees the session before it starts (a benchmark's checks listen to its events). */
	onSession?: (session: Session) => void;
}): Promise<SimulatedCall> {
	const session = new Session({
		...input.options,
		flow: input.flow,
		dataset: input.dataset,
		router: input.router,
		human: input.human,
		channel: 'text'
	});
	input.onSession?.(session);
	await session.start();
	for (const turn of input.turns) {
		await session.hear(turn);
		if (input.fallback && session.awaitingFallback) await session.chooseFallback(input.fallback);
	}
	session.end();
	input.audit?.push(...session.audit);
	return {
		id: input.id,
		personas: collapse(session.owners),
		hops: session.record.hops.map(({ from, to, trigger }) => ({ from, to, trigger })),
		packages: session.packages,
		transcript: session.record.transcript,
		outcome: session.outcome!
	};
}

/** Owners in order, without repeating a persona that kept the call across a fallback. */
function collapse(ids: string[]): string[] {
	return ids.filter((id, i) => i === 0 || ids[i - 1] !== id);
}

/** Runs JSONL call scripts; yields one result per non-blank line, in input order. */
export async function* simulate(input: {
	flow: Flow;
	dataset: Dataset;
	lines: Iterable<string> | AsyncIterable<string>;
	human: HumanAvailability;
	router?: Router;
	/** Failed verification attempts, shared by every call of the run (one device). */
	attempts?: AttemptLimiter;
	/** The calls' clock ("today", "tonight" are said relative to it); else the real one. */
	now?: () => Date;
}): AsyncGenerator<SimulatedCall | SimulationError> {
	const router = input.router ?? Router.train(input.flow);
	const attempts = input.attempts ?? AttemptLimiter.memory();
	for await (const row of jsonLines(
		input.lines,
		CallSchema,
		'a call ({"id", "turns": [string]})'
	)) {
		if ('error' in row) {
			yield { id: null, line: row.line, error: row.error };
			continue;
		}
		const n = row.line;
		try {
			yield await simulateCall({
				...input,
				router,
				id: row.value.id,
				turns: row.value.turns,
				options: { attempts, device: 'simulator', ...(input.now ? { now: input.now } : {}) }
			});
		} catch (e) {
			yield { id: null, line: n, error: `line ${n} failed: ${(e as Error).message}` };
		}
	}
}
