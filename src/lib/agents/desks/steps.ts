import type { CallRecord } from '../call-record';
import type { Flow, Intent, Persona } from '../flow';
import type { Condition, Row, SlotDef, StepDef } from '../flows/schema';
import { Scope, holds, type SlotBinding } from '../flows/scope';
import type { Tables } from '../flows/tables';
import type { Clock } from '../flows/spoken';
import type { FoundEntity } from '../understanding/entities';
import type { GuardedOutcome } from '../tools/tool-guard';
import { identityTool } from '../tools/tool-guard';
import type { Trigger } from '../routing/triggers';
import { saidNo, saidYes } from './skills';

// The specialist's steps, read from the flow file: verify the caller, fill the slots an intent
// needs (asking for exactly what is missing), run tools, say templated answers, ask and confirm,
// and hand off. Nothing here knows a company: every word a caller hears comes from the flow.

export type StepResult = {
	say: string;
	/** Facts the reply relies on (tool results), for a responder that rephrases. */
	facts: string[];
	/** Set when this turn requires a handoff (workflow, agent_limit, sensitive_topic). */
	trigger?: Trigger & { nextStep?: string };
};

/** The question a step asked, as worded, and in other words for a second asking. */
export type Asked = { text: string; again?: string; label?: string; alternatives?: string[] };

/** What the persona asked the caller, so the next turn can answer it. */
export type Pending = {
	intent: string;
	step: number;
	kind: 'identity' | 'slot' | 'answer' | 'confirm';
	/** The slot asked for, or the name the answer is kept under. */
	name?: string;
	/** What the caller said when the steps began: their request, for `said` conditions later. */
	said?: string;
	/** A confirm's question, as asked: "can you open a ticket?" to "Shall I open a ticket…?" is a yes. */
	question?: string;
};

export type StepContext = {
	flow: Flow;
	persona: Persona;
	tables: Tables;
	record: CallRecord;
	/** Redacted text of the current turn. */
	text: string;
	/** The caller's words when these steps began (the request), if not this turn. */
	opening?: string;
	turnEntities: FoundEntity[];
	/** A secret the caller gave (a PIN), not yet used. Never stored in the record. */
	secret?: string;
	/** The verified caller's row. */
	caller(): Row | undefined;
	/** Per call: what steps remembered, tool results and answers by name. */
	memory: Record<string, unknown>;
	results: Record<string, unknown>;
	/** Runs a tool through the call's guard. */
	call(
		tool: string,
		args: Record<string, unknown>,
		scope: Scope,
		quiet: boolean
	): Promise<GuardedOutcome>;
	settle(fact: string): void;
	consumeSecret(): void;
	/** The call's clock, for dates and times worded by templates. */
	clock?: Clock;
};

/** A yes wherever it is said, not only at the start; a bare "ok" is not one. */
const STRONG_YES =
	/\b(yes|yeah|yep|sure|sounds good|that works|works for me|i'?ll take|i will take|let'?s do|go ahead|please do)\b/i;

const LOCKED_NEXT =
	'Verify the caller another way; the lock-out can be lifted in the console once they are.';

function bindings(flow: Flow): Map<string, SlotBinding> {
	const m = new Map<string, SlotBinding>();
	for (const s of flow.slots)
		if (s.values) m.set(s.id, { table: s.values.table, field: s.values.field });
	return m;
}

/** Values of a slot: this turn's first, then the call's, latest first. */
function slotValues(ctx: StepContext, slot: SlotDef): string[] {
	const turn = ctx.turnEntities.filter((e) => e.type === slot.entity).map((e) => e.value);
	const before = ctx.record.entities
		.filter((e) => e.type === slot.entity)
		.map((e) => e.value)
		.reverse();
	return [...new Set([...turn, ...before])];
}

/** The facts templates read this turn. */
export function scopeFor(ctx: StepContext): Scope {
	const roots: Record<string, unknown> = {
		company: ctx.flow.company,
		caller: ctx.caller(),
		memory: ctx.memory,
		text: ctx.text,
		...(ctx.opening !== undefined && ctx.opening !== ctx.text ? { request: ctx.opening } : {}),
		answer: saidYes(ctx.text) ? 'yes' : saidNo(ctx.text) ? 'no' : '',
		secretGiven: ctx.secret !== undefined,
		...ctx.results
	};
	const turn: Record<string, string[]> = {};
	for (const s of ctx.flow.slots) {
		const values = slotValues(ctx, s);
		if (values.length > 0 && roots[s.id] === undefined) roots[s.id] = values[0];
		turn[s.id] = ctx.turnEntities.filter((e) => e.type === s.entity).map((e) => e.value);
	}
	roots.turn = turn;
	return new Scope(ctx.tables, roots, bindings(ctx.flow), [], ctx.clock);
}

/**
 * Whether the turn is what a step before `step` listens for (a `said` condition matching this
 * turn's own words, or a condition on what this turn named, `turn.…`) and that step would now
 * run: "the calls keep dropping", asked whether an offer would help, is a reason to check for an
 * outage, not a missing yes; "what's the difference between Unlimited and Unlimited Plus", asked
 * which plan interests them, is a comparison, not a choice.
 */
export function rereads(intent: Intent, step: number, ctx: StepContext): boolean {
	const scope = scopeFor({ ...ctx, opening: undefined });
	return (intent.steps ?? [])
		.slice(0, step)
		.some((s) => s.when !== undefined && listensFor(s.when, ctx.text) && holds(s.when, scope));
}

/**
 * Whether a step after `step` listens for this turn and would run on it: "it's too expensive",
 * asked whether an offer would help, is the reason the steps go on to cheaper plans for, not a
 * new request for another of the persona's intents.
 */
export function readsOn(intent: Intent, step: number, ctx: StepContext): boolean {
	const scope = scopeFor({ ...ctx, opening: undefined });
	return (intent.steps ?? [])
		.slice(step + 1)
		.some((s) => s.when !== undefined && listensFor(s.when, ctx.text) && holds(s.when, scope));
}

function listensFor(cond: Condition, text: string): boolean {
	if ('all' in cond) return cond.all.some((c) => listensFor(c, text));
	if ('any' in cond) return cond.any.some((c) => listensFor(c, text));
	if ('not' in cond) return false;
	if ('path' in cond) return cond.path.startsWith('turn.');
	return 'said' in cond && new RegExp(cond.said, 'iu').test(text);
}

function intentOf(persona: Persona, id: string): Intent | undefined {
	return persona.intents.find((i) => i.id === id);
}

/** Runs an intent's steps from the start, or from where the caller's answer resumes it. */
export async function runIntent(
	intentId: string,
	ctx: StepContext,
	resume?: Pending
): Promise<StepResult & { pending?: Pending; asked?: Asked }> {
	let intent = intentOf(ctx.persona, intentId);
	if (!intent?.steps || intent.steps.length === 0) {
		return {
			say: 'I am not able to do that myself.',
			facts: [],
			trigger: { kind: 'agent_limit', detail: `No steps handle the intent "${intentId}".` }
		};
	}
	// A fresh run forgets what an earlier run of the same steps found, so a step skipped by its
	// `when` cannot leave a stale result for a later one to read; a resumed run keeps it.
	// A turn that is neither a yes nor a no, but what an earlier step listens for, starts the steps
	// again with it rather than being taken for no answer.
	const rereading =
		resume?.intent === intent.id &&
		(resume.kind === 'slot' ||
			(resume.kind === 'answer' &&
				!saidYes(ctx.text) &&
				!saidNo(ctx.text) &&
				!takesWhatWasOffered(resume.question, ctx.text))) &&
		rereads(intent, resume.step, ctx);
	const resuming = resume !== undefined && resume.intent === intent.id && !rereading;
	if (!resuming) forget(ctx, intent);
	// A `said` condition reads the request that started the steps as well as this turn, so "list
	// my charges" still counts after the turn that gave the PIN.
	const opening = resuming ? (resume.said ?? ctx.text) : ctx.text;
	ctx.opening = opening;
	const scope = scopeFor(ctx);
	const say: string[] = [];
	const facts: string[] = [];
	const out = (extra: Partial<StepResult & { pending: Pending; asked: Asked }> = {}) => ({
		say: [...say, ...(extra.say ? [extra.say] : [])].join(' ').replace(/\s+/g, ' ').trim(),
		facts,
		...(extra.trigger ? { trigger: extra.trigger } : {}),
		...(extra.pending ? { pending: { ...extra.pending, said: opening } } : {}),
		...(extra.asked ? { asked: extra.asked } : {})
	});
	const asking = (text: string, again?: string, label?: string): Asked => ({
		text,
		...(again ? { again: scope.text(again) } : {}),
		...(label ? { label } : {})
	});
	let i = 0;
	if (resume && resuming) {
		if (resume.kind === 'answer' || resume.kind === 'confirm') {
			const answer = saidYes(ctx.text)
				? 'yes'
				: saidNo(ctx.text)
					? 'no'
					: takesWhatWasOffered(resume.question, ctx.text)
						? 'yes'
						: '';
			const step = intent.steps[resume.step];
			if (resume.kind === 'confirm' && step && 'confirm' in step) {
				if (answer === 'no') return out({ say: scope.text(step.declined) });
				if (answer !== 'yes') {
					// Neither yes nor no: the question stands, asked shorter rather than word for word.
					return out({
						say: 'Sorry, is that a yes or a no?',
						pending: resume,
						asked: { text: 'Sorry, is that a yes or a no?', again: 'Just a yes or a no, please.' }
					});
				}
				i = resume.step + 1;
			} else if (resume.name) {
				ctx.results[resume.name] = answer;
				scope.set(resume.name, answer);
				i = resume.step + 1;
			}
		} else if (resume.kind === 'slot' && resume.name) {
			const step = intent.steps[resume.step];
			// A slot asked for by an `ask` step: its value is in the scope now; go on after it.
			if (step && 'ask' in step && 'as' in step) i = resume.step + 1;
		}
	}
	let steps: StepDef[] = intent.steps;
	for (let guard = 0; i < steps.length && guard < 200; i++, guard++) {
		const step = steps[i]!;
		if (step.when && !holds(step.when, scope)) continue;
		if ('verify' in step) {
			const asked = await ensureIdentity(ctx, scope);
			if ('say' in asked) {
				say.push(asked.say);
				return out({
					...(asked.trigger ? { trigger: asked.trigger } : {}),
					...(asked.stop ? {} : { pending: { intent: intent.id, step: i, kind: 'identity' } }),
					...(asked.asked ? { asked: asked.asked } : {})
				});
			}
			scope.set('caller', asked.row);
			continue;
		}
		if ('need' in step) {
			const slot = ctx.flow.slots.find((s) => s.id === step.need)!;
			let value: unknown;
			for (const candidate of slotValues(ctx, slot)) {
				if (!step.accept || holds(step.accept, scope.with({ [slot.id]: candidate }))) {
					value = candidate;
					break;
				}
			}
			for (const t of step.from ?? []) {
				if (value !== undefined && value !== '') break;
				value = scope.value(t);
			}
			if (value === undefined || value === '') {
				const ask = scope.text(step.ask);
				return out({
					say: ask,
					pending: { intent: intent.id, step: i, kind: 'slot', name: slot.id },
					asked: asking(ask, step.again, slot.label)
				});
			}
			scope.set(slot.id, value);
			continue;
		}
		if ('run' in step) {
			const args: Record<string, unknown> = {};
			for (const [k, t] of Object.entries(step.args ?? {})) {
				const v = scope.value(t);
				if (v !== undefined && v !== '') args[k] = v;
			}
			const r = await ctx.call(step.run, args, scope, step.quiet === true);
			const value = { ok: r.ok, result: r.result, ...(r.data ?? {}) };
			const name = step.as ?? step.run;
			scope.set(name, value);
			ctx.results[name] = value;
			if (!step.quiet) facts.push(r.result);
			continue;
		}
		if ('goto' in step) {
			const next = intentOf(ctx.persona, step.goto);
			if (!next?.steps) continue;
			intent = next;
			steps = next.steps;
			for (const name of forget(ctx, next)) scope.set(name, undefined);
			i = -1;
			continue;
		}
		if ('remember' in step) {
			for (const [k, t] of Object.entries(step.remember)) ctx.memory[k] = scope.value(t);
			continue;
		}
		if ('confirm' in step) {
			const confirm = scope.text(step.confirm);
			// "Did that fix it?" answered "can you open a ticket please": the caller asked for what
			// the next question offers, so it is not asked.
			if (resume && asksForWhatWasOffered(confirm, ctx.text)) continue;
			return out({
				say: confirm,
				pending: { intent: intent.id, step: i, kind: 'confirm', question: confirm },
				asked: asking(lastQuestion(confirm) ?? confirm, step.again)
			});
		}
		if ('ask' in step) {
			const slot = ctx.flow.slots.find((s) => s.id === step.as);
			const ask = scope.text(step.ask);
			return out({
				say: ask,
				pending: {
					intent: intent.id,
					step: i,
					kind: slot ? 'slot' : 'answer',
					name: step.as,
					// With what came before it: the options a question like "would any of those help?"
					// is about.
					...(slot ? {} : { question: [...say, ask].join(' ') })
				},
				asked: asking(ask, step.again, slot?.label)
			});
		}
		if ('handoff' in step) {
			const h = step.handoff;
			return out({
				trigger: {
					kind: h.kind,
					detail: scope.text(h.detail),
					...(h.nextStep ? { nextStep: scope.text(h.nextStep) } : {}),
					...(h.to ? { to: h.to } : {})
				}
			});
		}
		if ('say' in step) {
			say.push(scope.text(step.say));
			if (step.settle) ctx.settle(scope.text(step.settle));
			if (step.stop) return out();
			continue;
		}
		if ('settle' in step) {
			ctx.settle(scope.text(step.settle));
			continue;
		}
		if ('stop' in step) return out();
	}
	return out();
}

/** Drops the results and answers `intent`'s steps keep; returns their names. */
function forget(ctx: StepContext, intent: Intent): string[] {
	const names = (intent.steps ?? []).flatMap((s) =>
		'run' in s ? [s.as ?? s.run] : 'ask' in s && 'as' in s ? [s.as] : []
	);
	for (const n of names) delete ctx.results[n];
	return names;
}

type Identity =
	{ row: Row } | { say: string; trigger?: StepResult['trigger']; stop?: boolean; asked?: Asked };

/**
 * Makes sure the caller is verified by a secret. Returns their row, or what to say: exactly the
 * missing facts (never one the call already has). An identifier only says which record to check;
 * only the secret verifies.
 */
async function ensureIdentity(ctx: StepContext, scope: Scope): Promise<Identity> {
	const tool = identityTool(ctx.flow);
	if (!tool) return { say: 'I cannot check who you are here.', stop: true };
	const known = ctx.caller();
	if (known) {
		// A caller verified on one record who names another gets no answer about either: the other
		// record's holder has to verify for it.
		const other = tool.identify.some((i) => {
			const slot = ctx.flow.slots.find((s) => s.id === i.slot);
			return ctx.turnEntities.some(
				(e) => e.type === slot?.entity && !sameIdentifier(known[i.field], e.value, i.match)
			);
		});
		if (other) return { say: scope.text(tool.prompts.otherRecord), stop: true };
		return { row: known };
	}
	const args: Record<string, unknown> = {};
	for (const i of tool.identify) {
		const slot = ctx.flow.slots.find((s) => s.id === i.slot);
		const value = slot ? slotValues(ctx, slot)[0] : undefined;
		if (value !== undefined) args[i.arg ?? i.slot] = value;
	}
	const hasId = Object.keys(args).length > 0;
	if (hasId && ctx.secret !== undefined) {
		const outcome = await ctx.call(tool.id, { ...args, [tool.secret]: ctx.secret }, scope, false);
		ctx.consumeSecret();
		const row = ctx.caller();
		if (outcome.ok && row) return { row };
		if (outcome.refused === 'locked') {
			return {
				say: `${outcome.result} A person can check who you are another way.`,
				stop: true,
				trigger: {
					kind: 'agent_limit',
					detail: 'Verification is locked after too many failed attempts.',
					nextStep: LOCKED_NEXT
				}
			};
		}
		return { say: `${outcome.result} ${scope.text(tool.prompts.retry)}` };
	}
	const missing: string[] = [];
	if (!hasId) missing.push(tool.prompts.identifier);
	if (ctx.secret === undefined) missing.push(tool.prompts.secret);
	const what = missing.join(', and ');
	const say = scope.with({ missing: what }).text(tool.prompts.ask);
	// Asked again in fewer words, named by the slots' labels, so the long ask is not read out twice.
	const labels = tool.identify
		.map((i) => ctx.flow.slots.find((s) => s.id === i.slot)?.label)
		.filter((l): l is string => !!l);
	const short = [
		...(!hasId && labels.length > 0 ? [`the ${[...new Set(labels)].join(' or ')}`] : []),
		...(ctx.secret === undefined ? [tool.prompts.secret] : [])
	].join(', and ');
	const brief = short || what;
	return {
		say,
		asked: {
			text: say,
			alternatives: [
				`Sorry, I still need ${brief} to go on.`,
				`Without ${brief} I can't open the account; I can connect you with a person instead.`
			]
		}
	};
}

function sameIdentifier(stored: unknown, said: string, how?: 'exact' | 'digits-suffix'): boolean {
	if (how === 'digits-suffix') {
		const d = (s: unknown) =>
			String(s ?? '')
				.replace(/\D/g, '')
				.slice(-10);
		return d(stored) === d(said);
	}
	const n = (s: unknown) =>
		String(s ?? '')
			.toLowerCase()
			.replace(/[^a-z0-9]/g, '');
	return n(stored) === n(said);
}

/** Words that say something tried did not help, wherever they stand in the turn. */
const DID_NOT_HELP =
	/\b(still (nothing|not|no|the same|doesn'?t|won'?t|can'?t|isn'?t|dead|broken)|(didn'?t|did not|doesn'?t|does not) (work|help|fix|change)|no (luck|change|difference))\b/i;

/** The entity types that identify a caller to the flow's verify tool (an account or phone number). */
export function identifyingEntities(flow: Flow): string[] {
	return (identityTool(flow)?.identify ?? [])
		.map((i) => flow.slots.find((s) => s.id === i.slot)?.entity)
		.filter((x): x is NonNullable<typeof x> => !!x);
}

/** Whether the caller's turn answers what was asked, so it is not routed elsewhere. */
export function answers(
	pending: Pending | undefined,
	flow: Flow,
	text: string,
	found: { type: string }[],
	secretGiven: boolean
): boolean {
	if (!pending) return false;
	const identifyTypes = identifyingEntities(flow);
	switch (pending.kind) {
		case 'identity': {
			// An identifier, a secret or another fact the flow asks for; a name alone is not one.
			const slotTypes = flow.slots.map((x) => x.entity as string);
			return found.some((e) => slotTypes.includes(e.type)) || secretGiven;
		}
		case 'slot': {
			const slot = flow.slots.find((s) => s.id === pending.name);
			return found.some((e) => e.type === slot?.entity || identifyTypes.includes(e.type as never));
		}
		case 'answer':
		case 'confirm': {
			// "yes", "no thanks, just cancel it", "still not working" answer the question; "my phone
			// has no signal" merely contains a "no" and is a new topic.
			const answer =
				/^\W*(?:(?:actually|well|um+|uh+|hmm+|oh|ah|so)\W+)*(yes|yeah|yep|yup|sure|ok|okay|no|nope|nah|please|go ahead|do it|not now|it's still|still)\b/i.test(
					text
				) ||
				// A short turn answers, unless it is who the caller is ("AC-10023 pin 2290").
				(text.split(/\s+/).length <= 4 &&
					!secretGiven &&
					!found.some((e) => identifyTypes.includes(e.type as never)));
			// "The 20 percent off sounds good actually" says yes in the middle.
			if (STRONG_YES.test(text) && !saidNo(text)) return true;
			// "I already restarted it, still nothing" says, in the middle, that it did not help.
			if (DID_NOT_HELP.test(text)) return true;
			if (takesWhatWasOffered(pending.question, text)) return true;
			return (
				answer &&
				(saidYes(text) ||
					saidNo(text) ||
					/\b(still|not working|didn't|did not|doesn't)\b/i.test(text))
			);
		}
	}
}

/** Words of an offer that say nothing of what is offered. */
const OFFER_FILLER = new Set(
	'a an the it this that one for you your so to and of on up in with me my i we our can could'.split(
		' '
	)
);

/**
 * Whether the caller asks for the very thing just offered, in their own words: "can you open a
 * ticket?" to "Shall I open a ticket so a technician follows up?", "yes dispute it" aside. The
 * offer's action is the words after "Shall I", "Do you want me to" or "Would you like me to", up
 * to "so", a comma or the question mark; the caller's words must hold each of its content words
 * and say no "don't" or "not".
 */
export function asksForWhatWasOffered(question: string | undefined, text: string): boolean {
	const offer = lastQuestion(question ?? '')?.match(
		/\b(?:shall i|should i|do you want me to|would you like me to|want me to|can i|may i)\s+([^,?]+?)(?:\s+(?:so|for|on|about|at|with|in)\b[^?]*)?\?/i
	)?.[1];
	if (!offer) return false;
	const words = (t: string): string[] => t.toLowerCase().match(/[a-z']+/g) ?? [];
	const wanted = words(offer).filter((w) => !OFFER_FILLER.has(w));
	const said = words(text);
	if (wanted.length === 0 || !wanted.every((w) => said.includes(w))) return false;
	// "No, can you open a ticket" answers the last question and asks; "don't open a ticket" does not.
	const at = said.indexOf(wanted[0]!);
	return !said.slice(Math.max(0, at - 2), at).some((w) => /^(?:don't|dont|not|never)$/.test(w));
}

/** A yes in other words: asking for what was offered, or picking one of the options listed. */
function takesWhatWasOffered(question: string | undefined, text: string): boolean {
	return asksForWhatWasOffered(question, text) || picksAnOption(question, text);
}

/**
 * Whether the caller's words pick one of the options the persona listed before its question ("I
 * can offer 20% off…, or a move to Standard…, or a free month of service. Would any of those
 * help?" → "hmm, the free month then"): one option shares more of the turn's words than any other.
 * "Not the free month" picks nothing.
 */
export function picksAnOption(question: string | undefined, text: string): boolean {
	const said = sentencesOf(question ?? '');
	const listed = said.filter((x) => !x.endsWith('?')).at(-1);
	if (!listed || !said.at(-1)?.endsWith('?')) return false;
	const options = listed
		.split(/,?\s+or\s+|;\s*/i)
		.map((o) => new Set(optionWords(o)))
		.filter((o) => o.size > 0);
	if (options.length < 2 || /\b(not|no|don'?t|never|none|neither)\b/i.test(text)) return false;
	const words = optionWords(text);
	// Words every option has ("month") tell them apart no more than "the" does.
	const shared = [...options[0]!].filter((w) => options.every((o) => o.has(w)));
	const score = options.map((o) => words.filter((w) => o.has(w) && !shared.includes(w)).length);
	const best = Math.max(...score);
	return best > 0 && score.filter((x) => x === best).length === 1;
}

function optionWords(text: string): string[] {
	return (text.toLowerCase().match(/[a-z]+/g) ?? [])
		.map((w) => w.replace(/s$/, ''))
		.filter((w) => w.length >= 4 && !OFFER_FILLER.has(w) && !PLAIN_WORDS.has(w));
}

/** Words of an offer that name none: "would", "those", "help", "then". */
const PLAIN_WORDS = new Set(
	'would those these help then that this with from them they what which have will just like sound good okay yeah about'.split(
		' '
	)
);

/** The sentences of what was said, each with its closing mark; a last one without one too. */
export function sentencesOf(text: string): string[] {
	return (text.match(/[^.?!]+[.?!]+|[^.?!]+$/g) ?? []).map((x) => x.trim()).filter(Boolean);
}

/** The last question in what was said ("… Which device is giving you trouble?"). */
export function lastQuestion(said: string): string | undefined {
	return sentencesOf(said)
		.reverse()
		.find((x) => x.endsWith('?'));
}
