import { FlowError } from '../errors';
import type { AnswerDef, FlowFile, SlotDef, StepDef, TableDef, ToolDef } from './flows/schema';

// A flow is one company's configuration: personas, their tools and voices, the thresholds that
// drive triggers, and the hop policy. Changing who handles what is an edit here, not to code.

export type PersonaKind = 'triage' | 'specialist' | 'human';

/** A finer-grained reason for calling, owned by one persona. The classifier trains on intents when
 * a persona declares them, so the package can say *what* the caller wants, not only *who* handles it. */
export type Intent = {
	id: string;
	label: string;
	examples: string[];
	/** Facts the intent needs before its tools can run: `identity` or slot ids. */
	needs?: string[];
	/** What a specialist does for it, in order (see the flow file's documentation). */
	steps?: StepDef[];
};

export type Persona = {
	id: string;
	name: string;
	kind: PersonaKind;
	/** What the router and the LLM read to decide whether a turn belongs here. */
	description: string;
	instructions: string;
	greeting: string;
	/** Caller utterances that belong to this persona; the classifier trains on them. */
	examples: string[];
	intents: Intent[];
	/** Questions answered from what the call holds, without running steps again. */
	answers: AnswerDef[];
	tools: string[];
	voice: { id: string; fallback: string };
	handoffTo: string[];
	/** Workflow points where a human must take over (e.g. `cancel_service`). */
	humanMoments: string[];
	/** How the caller hears this persona's team named ("Connecting you to Sam in …"); else its id. */
	team?: string;
	/** What a caller may call the team when asking for it ("payments"); else its id. */
	aliases?: string[];
	/** A human persona: the AI persona an operator hands the caller back to unless they pick another. */
	handBackTo?: string;
};

export type Thresholds = {
	/** Top persona probability at or above which triage routes at once. */
	route: number;
	/** While a specialist owns the call, another persona needs at least this to take it over. */
	switch: number;
	/** Sentiment score at or below which the caller counts as frustrated (-1..1). */
	frustration: number;
	/** Failed tool calls in one call before a human is brought in. */
	toolFailures: number;
	/** Amounts at or above this are high-stakes (sensitive_topic). */
	largeAmount: number;
	/** Consecutive low-confidence turns before a human is brought in. */
	lowConfidenceTurns: number;
};

export type HopPolicy = {
	/** Most handoffs in one call; the next one goes to a human. */
	maxHops: number;
	/** No A→B→A within this many caller turns. */
	cooldownTurns: number;
	/** Automated (AI→AI) transfers before the caller is sent to a human instead. */
	maxAutomatedHops: number;
};

export type Flow = {
	id: string;
	language: string;
	/** `timeZone`: where dates and times are said in; else the device's own (the caller's). */
	company: { name: string; hours?: string; timeZone?: string };
	personas: Persona[];
	/** Utterances no persona handles: the classifier learns "none of the above" from them. */
	outOfScope: string[];
	thresholds: Thresholds;
	policy: HopPolicy;
	/** What callers say that the flow needs, and how it is recognised. */
	slots: SlotDef[];
	/** The company's data, as tables; rows come with the flow or from a data file. */
	tables: TableDef[];
	tools: ToolDef[];
	sensitiveTopics: NonNullable<FlowFile['sensitiveTopics']>;
	phrases: NonNullable<FlowFile['phrases']>;
	human: { timeoutSeconds: number; fallbacks: ('queue' | 'callback' | 'ai')[] };
};

export function personaById(flow: Flow, id: string): Persona {
	const p = flow.personas.find((x) => x.id === id);
	if (!p)
		throw new FlowError(`Flow "${flow.id}" has no persona "${id}". Add it or fix the reference.`);
	return p;
}

export function triageOf(flow: Flow): Persona {
	const p = flow.personas.find((x) => x.kind === 'triage');
	if (!p)
		throw new FlowError(`Flow "${flow.id}" has no triage persona: add one with kind "triage".`);
	return p;
}

export function humanOf(flow: Flow): Persona | undefined {
	return flow.personas.find((x) => x.kind === 'human');
}

/** The personas a call can be handed back to: triage and the specialists. */
export function aiPersonasOf(flow: Flow): Persona[] {
	return flow.personas.filter((p) => p.kind === 'specialist' || p.kind === 'triage');
}

/**
 * Where a person hands a call back by default: the assistant that handed it over (retention takes
 * back a cancellation), else where the flow's human persona names, else triage.
 */
export function handBackTarget(flow: Flow, from?: { personaId: string; kind: string }): string {
	if (from?.kind === 'ai' && aiPersonasOf(flow).some((p) => p.id === from.personaId))
		return from.personaId;
	return humanOf(flow)?.handBackTo ?? triageOf(flow).id;
}

/** The flow's verify tool, whose table holds the callers. */
export function identityTool(flow: Flow): Extract<ToolDef, { kind: 'verify' }> | undefined {
	return flow.tools.find((t): t is Extract<ToolDef, { kind: 'verify' }> => t.kind === 'verify');
}

/** What the company helps with, in the caller's words: the flow's phrase, else its teams. */
export function topicsOf(flow: Flow): string {
	if (flow.phrases.topics) return flow.phrases.topics;
	const teams = flow.personas.filter((p) => p.kind === 'specialist').map((p) => p.team ?? p.id);
	return teams.length > 0 ? orList(teams) : 'your question';
}

/** Examples of requests, for a caller who is not sure what to say: the flow's, else its intents'. */
export function examplesOf(flow: Flow): string {
	if (flow.phrases.examples) return flow.phrases.examples;
	const labels = flow.personas
		.filter((p) => p.kind === 'specialist')
		.map((p) => p.intents.find((i) => i.examples.length > 0)?.label)
		.filter((l): l is string => !!l)
		.slice(0, 3)
		.map((l) => l.charAt(0).toLowerCase() + l.slice(1));
	return labels.length > 0 ? orList(labels) : 'what you are calling about';
}

function orList(items: string[]): string {
	return items.length <= 1
		? items.join('')
		: `${items.slice(0, -1).join(', ')}, or ${items.at(-1)}`;
}
