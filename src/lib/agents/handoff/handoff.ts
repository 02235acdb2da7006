import { latest, type CallRecord } from '../call-record';
import { parseContextPackage, type ContextPackage } from './context-package';
import { identityTool, type Flow, type Persona } from '../flow';
import { uuid } from '../ids';
import { scrub } from '../understanding/redact';
import { buildSummary } from './summary';
import type { Trigger } from '../routing/triggers';
import { clauseOf, figuresOf, joinAnd, lowerFirst } from './wording';

// The handoff engine: from the call record, at the moment a trigger fires, build the context
// package synchronously (no model call on this path), scrub it, validate it, and say the words that
// go with it. The receiving persona's opening line is built from the package alone, which is what
// proves that the context travelled.

const NEXT_STEP: Record<Trigger['kind'], string> = {
	explicit_request: 'Pick up where the assistant left off; the caller asked for you.',
	out_of_scope: 'Handle the new request; everything settled so far is below.',
	low_confidence:
		'Ask the caller in your own words what they need; two attempts to classify it failed.',
	frustration:
		'Acknowledge the frustration first, then resolve the open issue without re-asking for details.',
	tool_failure: "Look up the caller's records by hand; automated look-ups failed.",
	sensitive_topic: 'Handle the sensitive matter per policy.',
	workflow: 'Complete the step that requires a person.',
	agent_limit: 'Complete the request the assistant could not.',
	handback: 'Continue with the operator’s notes in mind.'
};

export function buildContextPackage(input: {
	record: CallRecord;
	flow: Flow;
	from: Persona;
	to: Persona;
	trigger: Trigger;
	nextStep?: string;
	now: Date;
	/** What the handing persona says to the caller as it hands over, the transcript's last line. */
	saying?: string;
}): ContextPackage {
	const { record, from, to, trigger } = input;
	const at = input.now.toISOString();
	const pkg: ContextPackage = {
		v: 1,
		handoffId: uuid(),
		callId: record.callId,
		createdAt: at,
		from: { personaId: from.id, kind: from.kind === 'human' ? 'human' : 'ai' },
		to: { personaId: to.id, kind: to.kind === 'human' ? 'human' : 'ai' },
		caller: {
			verified: record.verified !== undefined,
			language: record.language,
			channel: record.channel
		},
		intent: { ...record.intent, confidence: clamp01(record.intent.confidence) },
		trigger: { kind: trigger.kind, detail: scrub(trigger.detail) },
		summary: scrub(buildSummary(record, trigger, identityTool(input.flow)?.id)),
		entities: record.entities.map((e) => ({ ...e })),
		actions: record.actions.map((a) => ({ ...a, args: { ...a.args }, result: scrub(a.result) })),
		resolved: record.resolved.map(scrub),
		sentiment: { ...record.sentiment },
		nextStep: input.nextStep ?? NEXT_STEP[trigger.kind],
		hops: [
			...record.hops.map(({ from, to, trigger, at }) => ({ from, to, trigger, at })),
			{ from: from.id, to: to.id, trigger: trigger.kind, at }
		],
		transcript: [
			...record.transcript.map((t) => ({ ...t, text: scrub(t.text) })),
			...(input.saying
				? [{ role: 'agent' as const, personaId: from.id, text: scrub(input.saying), at }]
				: [])
		],
		notes: record.notes.map(scrub)
	};
	const name = record.verified?.name ?? latest(record, 'name');
	if (name) pkg.caller.name = name;
	const accountId = record.verified?.accountId ?? latest(record, 'account_id');
	if (accountId) pkg.caller.accountId = accountId;
	const phone = record.verified?.phone ?? latest(record, 'phone');
	if (phone) pkg.caller.phone = phone;
	if (record.verified) pkg.caller.verifiedBy = record.verified.by;
	return parseContextPackage(pkg);
}

function clamp01(x: number): number {
	return Math.max(0, Math.min(1, x));
}

/**
 * What the caller hears as the handoff happens. `back`: the caller has already spoken with `to`
 * in this call, so they hear that they are going back, not the same words as the first time.
 * `announced`: the persona's last words already said a person will take the call.
 */
export function narration(
	to: Persona,
	trigger: Trigger,
	options: { back?: boolean; announced?: boolean } = {}
): string {
	if (to.kind === 'human') {
		// The persona has just said a person will take it ("so I will connect you to finish it"):
		// what is left to say is that they won't need to repeat anything.
		if (options.announced)
			return "I'm sharing our conversation with them, so you won't need to repeat anything.";
		const why =
			trigger.kind === 'sensitive_topic' || trigger.kind === 'workflow'
				? ' This is something a person should handle.'
				: '';
		return `I'm connecting you with a person and sharing our conversation, so you won't need to repeat anything.${why}`;
	}
	// A few words, so the answer comes sooner: the receiving persona's first sentence proves it has
	// the conversation (see `opening`).
	if (options.back) return `Passing you back to ${to.name} in ${teamOf(to)}.`;
	return `Connecting you to ${to.name} in ${teamOf(to)}.`;
}

/** The persona's team as the caller hears it named, from the flow. */
export function teamOf(p: Persona): string {
	return p.team ?? p.id;
}

/**
 * The receiving persona's first words, from the package alone. Its greeting, the first time it
 * speaks in the call only: a persona the call comes back to does not introduce itself again. Then
 * one short sentence that proves the context travelled: that the caller is verified, what was
 * already done (the last settled fact, as a clause, not an earlier answer word for word) or else
 * what is known of them, and what they are calling about. It never asks for a fact the package
 * holds.
 */
export function opening(to: Persona, pkg: ContextPackage, knownPhrase?: string): string {
	const spokeBefore = pkg.transcript.some((t) => t.role === 'agent' && t.personaId === to.id);
	const greeting = to.greeting && !spokeBefore ? `${to.greeting} ` : '';
	// What the call already said is not said again: the phrase itself, or (for a long one, told a
	// little differently before: "the second $65 charge…") its last six words.
	// Or its figures (amounts, dates, numbers), all in one thing said: "you have $130 to pay by
	// December 1st" was heard as "your balance is $130, due December 1st".
	const heard = (phrase: string) => {
		const tail = phrase.split(/\s+/).slice(-6).join(' ');
		const figures = figuresOf(phrase);
		return pkg.transcript.some(
			(t) =>
				t.role === 'agent' &&
				(t.text.includes(phrase) ||
					(words(phrase) >= 10 && t.text.includes(tail)) ||
					(figures.length > 0 && figures.every((f) => t.text.includes(f))))
		);
	};
	const seen: string[] = [];
	if (pkg.caller.verified && !heard("you're verified")) seen.push("you're verified");
	const done = pkg.resolved.at(-1);
	const doneClause = done ? clauseOf(done) : undefined;
	if (doneClause) {
		if (!heard(doneClause)) seen.push(doneClause);
	} else if (knownPhrase && !heard(knownPhrase)) seen.push(knownPhrase);
	const goal =
		pkg.intent.id !== 'unknown' ? `you're calling about ${lowerFirst(pkg.intent.label)}` : '';
	if (seen.length === 0)
		return `${greeting}${goal ? `I understand ${goal}.` : 'I have the details of your call so far.'}`;
	const firstName = pkg.caller.name?.trim().split(/\s+/)[0];
	const address = firstName ? `${firstName}, ` : '';
	const line = (facts: string[]) =>
		`${address}I can see ${joinAnd(facts)}${goal ? `; ${goal}` : ''}.`;
	// One short sentence: past about thirty words a listener loses the thread. What was done says
	// more than "verified", and a long fact keeps the part before its first comma.
	let said = line(seen);
	if (words(said) > MAX_CONTEXT_WORDS && seen.length > 1) seen.shift();
	said = line(seen);
	if (words(said) > MAX_CONTEXT_WORDS) {
		const last = seen.length - 1;
		const cut = seen[last]!.split(',')[0]!.trim();
		if (words(cut) >= 4) seen[last] = cut;
		said = line(seen);
	}
	return `${greeting}${said}`;
}

const MAX_CONTEXT_WORDS = 28;
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
