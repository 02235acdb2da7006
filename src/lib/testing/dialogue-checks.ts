import * as v from 'valibot';
import { TRIGGER_KINDS } from '../agents/handoff/context-package';
import type { Dataset } from '../agents/dataset';
import { identityTool, type Flow } from '../agents/flow';
import type { ToolDef } from '../agents/flows/schema';
import { jsonLines } from '../agents/cli/jsonl';
import { MAX_TURNS, MAX_UTTERANCE_CHARS } from '../agents/cli/limits';
import { simulateCall } from '../agents/cli/simulator';
import type { Outcome } from '../agents/events';
import { changes } from '../agents/tools/runtime';
import { MONTHS } from '../agents/understanding/calendar';
import type { Router } from '../agents/routing/router';

// The conversation test set's checker: scripted calls (examples/dialogue-calls.jsonl) run through
// the simulator's own `simulateCall`, then judged the way a good human agent would be judged.
//
// Every call gets the GENERIC checks (the first word is the kind a finding is filed under):
//   duplicate-action  the same changing tool (kind update, create, or http other than GET) run
//                     twice on the same subject (a create's `unique` fields, an update's key and set,
//                     else all its arguments), e.g. two disputes for one charge.
//   no-yes            a changing tool ran in a turn where the caller did not say yes to a question
//                     the agent had just asked ("Anything else?" is not such a question).
//   repeat            an agent line said word for word twice in the call, a question of five or
//                     more words asked word for word twice, or ten words in a row of one line said
//                     again in another (an answer repeated as proof of context, an offer read out
//                     again); the stock "anything else?" is excepted, and so is the recap in a
//                     goodbye (the closing check holds it to its length).
//                     The transfer line is not excepted: a second transfer to the same team can be
//                     worded as a return ("Taking you back to Ben"). A reply to a caller asking to
//                     hear it again ("sorry, what did you say?") is.
//   raw-format        a raw ISO date or time ("2026-11-24", "T09:15", "09:15:00Z") or an amount
//                     with zero cents ("$45.00") in anything said to the caller.
//   internal-id       a tool id, an intent id or a trigger kind ("billing.flagDispute",
//                     "agent_limit"), the key of one of the company's records ("CH-5102", "OUT-1";
//                     not the caller's own account, nor a number made in this call that the caller
//                     may note, like a dispute's), an unfilled template ("{row.id}") or a program
//                     word ("undefined", "NaN", "[object Object]") in anything said to the caller.
//   intro             a persona introducing itself ("this is Ben", "Sam from …") more than once, or
//                     showing what it knows of the call, when it takes it over, in more than one
//                     sentence ("I can see …", "I understand …") or in one over 30 words.
//   summary           a handoff package's summary that speaks to the caller ("your plan") or runs
//                     over three sentences (it is written for the team, DESIGN §4).
//   closing           the caller closed ("no that's all", "thanks bye", or "no thanks" to "anything
//                     else?") and the reply to it is not a goodbye, asks a question, runs over four
//                     sentences (a recap is at most two), or the call was handed on afterwards.
//
// Each call then has its own `expect` list, written as behaviour. Turns are numbered from 1 (the
// caller's first turn); "the reply to turn N" is everything said to the caller after turn N and
// before turn N+1. The check vocabulary:
//   {"reaches": P}                       persona P owned the call at some point
//   {"never": P}                         persona P never owned the call
//   {"says": RE, "after"?: N, "by"?: P}  a line (in the reply to turn N; by persona P) matches RE
//   {"not": RE, "after"?: N}             no line (in the reply to turn N; else in the call) matches RE
//   {"action": TOOL, "with"?: {arg: value}, "by"?: N, "times"?: K}
//                                        TOOL ran successfully with those arguments, by the end of
//                                        turn N; exactly K times if given (0: never)
//   {"rephrased": N}                     the reply to turn N repeats no sentence of the reply to N−1
//   {"outcome": O}                       how the call ended: resolved, human, queued, callback
// RE is a case-insensitive regular expression matched against lines; write meanings with
// alternatives, not the engine's wording. These macros expand inside RE:
//   @amount:65 @amount:12.5  the amount as said or written: $65, 65 dollars, sixty-five dollars
//   @date:2026-11-02         the day as said: November 2nd, Nov 2, the second of November; for a
//                            day within a week of the call, also its name (Saturday) or tomorrow
//   @timespan                a span of time: 3 business days, within a week, 24 hours, next bill
//   @eta                     a time something is expected: 6 pm, tonight, tomorrow, in two hours
//   @closing                 a goodbye: bye, take care, have a good day, thanks for calling
//   @person                  a person: a person, a human, a specialist, a colleague, someone
// Data the checks lean on: refund timing (the dispute's review time and when the credit shows) and
// a technician's follow-up time are in the flow's wording, not in a table; needs data: a field for
// them (e.g. on the disputes and tickets tables) so every answer reads the same fact. Needs data:
// the demo flow sets no `company.timeZone`, so times are said in the zone of the machine running
// the call; @eta therefore accepts any time of day rather than the local one a caller in Chicago or
// Brooklyn would hear, and no check depends on the zone.
//
// Each call also has `tags` naming the situations it covers (see DIALOGUE_TAGS). Every call takes
// place at CALL_TIME (noon, November 24th 2026, while the demo's three outages are on), with a
// person available, its own verification attempts, and its own copy of the data.

/** The situations the set must cover, each by at least two calls (the issue's slips and journeys). */
export const DIALOGUE_TAGS = [
	'dispute',
	'duplicate-followup',
	'ask-before-acting',
	'balance',
	'refund-timing',
	'outage-eta',
	'device',
	'zip-for-device',
	'upgrade',
	'plan-change',
	'cancel-objection',
	'anything-else-yes',
	'anything-else-no',
	'closing',
	'vague-opening',
	'person',
	'spoken-dates',
	'no-repeat',
	'one-intro',
	'speech-to-text'
] as const;

export const GENERIC_KINDS = [
	'duplicate-action',
	'no-yes',
	'repeat',
	'raw-format',
	'internal-id',
	'intro',
	'summary',
	'closing'
] as const;
export const CALL_KINDS = [
	'reaches',
	'never',
	'says',
	'not',
	'action',
	'rephrased',
	'outcome'
] as const;
export type CheckKind = (typeof GENERIC_KINDS)[number] | (typeof CALL_KINDS)[number];

const persona = v.pipe(v.string(), v.minLength(1));
const turnNo = v.pipe(v.number(), v.integer(), v.minValue(1));
const regex = v.pipe(
	v.string(),
	v.minLength(1),
	v.check((s) => {
		try {
			meaning(s);
			return true;
		} catch {
			return false;
		}
	}, 'is not a valid regular expression (after its @macros expand)')
);

const CheckSchema = v.union([
	v.strictObject({ reaches: persona }),
	v.strictObject({ never: persona }),
	v.strictObject({ says: regex, after: v.optional(turnNo), by: v.optional(persona) }),
	v.strictObject({ not: regex, after: v.optional(turnNo) }),
	v.strictObject({
		action: v.pipe(v.string(), v.minLength(1)),
		with: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
		by: v.optional(turnNo),
		times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)))
	}),
	v.strictObject({ rephrased: v.pipe(turnNo, v.minValue(2)) }),
	v.strictObject({ outcome: v.picklist(['resolved', 'human', 'queued', 'callback', 'abandoned']) })
]);
export type Check = v.InferOutput<typeof CheckSchema>;

const DialogueCallSchema = v.strictObject({
	id: v.pipe(v.string(), v.minLength(1)),
	/** One sentence: who calls and what a good agent does. */
	about: v.pipe(v.string(), v.minLength(1)),
	tags: v.array(v.picklist(DIALOGUE_TAGS)),
	turns: v.pipe(
		v.array(
			v.pipe(
				v.string(),
				v.minLength(1),
				v.maxLength(MAX_UTTERANCE_CHARS, `a turn is at most ${MAX_UTTERANCE_CHARS} characters`)
			)
		),
		v.minLength(1),
		v.maxLength(MAX_TURNS, `a call has at most ${MAX_TURNS} turns`)
	),
	expect: v.array(CheckSchema)
});
export type DialogueCall = v.InferOutput<typeof DialogueCallSchema>;

/** Reads the JSONL set; throws one error listing every bad line (with its number), losing none. */
export async function parseDialogueCalls(text: string): Promise<DialogueCall[]> {
	const calls: DialogueCall[] = [];
	const errors: string[] = [];
	const shape = 'a call ({"id", "about", "tags", "turns", "expect"}, see dialogue-checks.ts)';
	for await (const row of jsonLines(text.split('\n'), DialogueCallSchema, shape)) {
		if ('error' in row) errors.push(row.error);
		else calls.push(row.value);
	}
	const seen = new Set<string>();
	for (const c of calls) {
		if (seen.has(c.id)) errors.push(`call id "${c.id}" is used twice; ids name test cases.`);
		seen.add(c.id);
		const beyond = c.expect.find((x) => turnOf(x) !== undefined && turnOf(x)! > c.turns.length);
		if (beyond)
			errors.push(
				`call "${c.id}": a check names turn ${turnOf(beyond)}, but the call has ${c.turns.length} turns.`
			);
	}
	if (errors.length) throw new Error(`dialogue calls: ${errors.join('\n')}`);
	return calls;
}

function turnOf(c: Check): number | undefined {
	if ('rephrased' in c) return c.rephrased;
	if ('after' in c) return c.after;
	if ('action' in c) return c.by;
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// A call as the checks see it: plain data, so hand-made transcripts test the checker itself.

export type RunLine = {
	role: 'agent' | 'caller' | 'human' | 'system';
	personaId?: string;
	text: string;
	/** 0: before the caller's first turn; N: caller turn N, or said in reply to it. */
	turn: number;
};
export type RunAction = {
	tool: string;
	args: Record<string, unknown>;
	ok: boolean;
	result: string;
	turn: number;
};
export type CallRun = {
	id: string;
	lines: RunLine[];
	actions: RunAction[];
	handoffs: { from: string; to: string; turn: number; summary?: string }[];
	/** Owners in order. */
	owners: string[];
	outcome: Outcome;
};

export type Finding = { kind: CheckKind; message: string; turn?: number };

/** When every scripted call takes place: noon on the day the demo flow's outages are on. */
export const CALL_TIME = '2026-11-24T12:00:00Z';

/** Runs one scripted call through the simulator's own code on `env` (the demo flow by default). */
export async function runDialogueCall(
	call: Pick<DialogueCall, 'id' | 'turns'>,
	env: { flow: Flow; dataset: Dataset; router: Router }
): Promise<CallRun> {
	const lines: RunLine[] = [];
	const actions: RunAction[] = [];
	const handoffs: CallRun['handoffs'] = [];
	let turn = 0;
	let taken = 0;
	let record: { actions: Omit<RunAction, 'turn'>[] } | undefined;
	// An action belongs to the caller turn being handled when it was recorded.
	const sweep = () => {
		while (record && taken < record.actions.length) {
			const a = record.actions[taken++]!;
			actions.push({ ...a, args: { ...a.args }, turn });
		}
	};
	// The call's clock is fixed, so "this morning" and "tonight" mean the same on every run; a
	// variable, not a literal, so the options read by this version of the simulator are all it sees.
	const options = { device: 'dialogue-checks', now: () => new Date(CALL_TIME) };
	const result = await simulateCall({
		...env,
		human: 'available',
		id: call.id,
		turns: call.turns,
		options,
		onSession: (session) => {
			record = session.record;
			session.on((e) => {
				sweep();
				if (e.type === 'transcript') {
					if (e.entry.role === 'caller') turn++;
					lines.push({
						role: e.entry.role,
						...(e.entry.personaId ? { personaId: e.entry.personaId } : {}),
						text: e.entry.text,
						turn
					});
				} else if (e.type === 'handoff') {
					handoffs.push({
						from: e.package.from.personaId,
						to: e.package.to.personaId,
						turn,
						summary: e.package.summary
					});
				}
			});
		}
	});
	sweep();
	return {
		id: String(call.id),
		lines,
		actions,
		handoffs,
		owners: result.personas,
		outcome: result.outcome
	};
}

// ---------------------------------------------------------------------------------------------
// Meanings: macros that expand inside a check's regular expression.

const ONES = [
	'zero',
	'one',
	'two',
	'three',
	'four',
	'five',
	'six',
	'seven',
	'eight',
	'nine',
	'ten',
	'eleven',
	'twelve',
	'thirteen',
	'fourteen',
	'fifteen',
	'sixteen',
	'seventeen',
	'eighteen',
	'nineteen'
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** A whole number in words, hyphen or space between tens and ones ("sixty[- ]five"). */
function wordsRe(n: number): string {
	if (n < 20) return ONES[n]!;
	if (n < 100) {
		const t = TENS[Math.floor(n / 10)]!;
		return n % 10 ? `${t}[- ]${ONES[n % 10]}` : t;
	}
	if (n < 1000) {
		const rest = n % 100;
		const h = `${ONES[Math.floor(n / 100)]} hundred`;
		return rest ? `${h}(?: and)? ${wordsRe(rest)}` : h;
	}
	const rest = n % 1000;
	const k = `${wordsRe(Math.floor(n / 1000))} thousand`;
	return rest ? `${k}(?: and)? ${wordsRe(rest)}` : k;
}

function amountRe(arg: string): string {
	const value = Number(arg);
	if (!Number.isFinite(value) || value < 0) throw new Error(`@amount:${arg} is not an amount`);
	const whole = Math.floor(value);
	const cents = Math.round((value - whole) * 100);
	const digits = whole.toLocaleString('en-US').replace(/,/g, ',?');
	// "twenty" is not "one hundred twenty", nor "five" "sixty-five": the words start the number.
	const words = `(?<!(?:hundred|thousand)(?: and)? )(?<!(?:${TENS.slice(2).join('|')})[- ])\\b${wordsRe(whole)}`;
	if (cents === 0)
		return `(?:\\$\\s?${digits}(?:\\.00)?\\b(?!\\.\\d)|\\b${digits}(?:\\.00)? (?:dollars?|bucks)\\b|${words} (?:dollars?|bucks)\\b)`;
	const c = String(cents).padStart(2, '0');
	return `(?:\\$\\s?${digits}\\.${c}\\b|\\b${digits}\\.${c} dollars|\\b${digits} dollars(?: and)? ${cents} cents|${words}(?: dollars?)?(?: and)? ${wordsRe(cents)}(?: cents)?\\b)`;
}

const ORDINAL_WORDS = [
	'',
	'first',
	'second',
	'third',
	'fourth',
	'fifth',
	'sixth',
	'seventh',
	'eighth',
	'ninth',
	'tenth',
	'eleventh',
	'twelfth',
	'thirteenth',
	'fourteenth',
	'fifteenth',
	'sixteenth',
	'seventeenth',
	'eighteenth',
	'nineteenth',
	'twentieth'
];

function ordinalWordRe(d: number): string {
	if (d <= 20) return ORDINAL_WORDS[d]!;
	if (d === 30) return 'thirtieth';
	return `${TENS[Math.floor(d / 10)]}[- ]${ORDINAL_WORDS[d % 10]}`;
}

function dateRe(arg: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(arg);
	const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
	const day = m ? Number(m[3]) : 0;
	if (!m || !month || day < 1 || day > 31) throw new Error(`@date:${arg} is not a YYYY-MM-DD date`);
	const mon = `(?:${month}|${month.slice(0, 3)}\\.?)`;
	const d = `(?:${day}(?:st|nd|rd|th)?|${ordinalWordRe(day)})`;
	// A day within a week of the call may be said by its name ("due Saturday"), or as today,
	// tomorrow or yesterday.
	const days = Math.round((Date.parse(`${arg}T12:00:00Z`) - Date.parse(CALL_TIME)) / 86_400_000);
	const near: string[] = [];
	if (Math.abs(days) <= 6) near.push(`\\b${WEEKDAYS[new Date(`${arg}T12:00:00Z`).getUTCDay()]}\\b`);
	if (days === 0) near.push('\\btoday\\b');
	if (days === 1) near.push('\\btomorrow\\b');
	if (days === -1) near.push('\\byesterday\\b');
	return `(?:\\b${mon} (?:the )?${d}\\b|\\b(?:the )?${d} of ${mon}\\b${near.map((n) => `|${n}`).join('')})`;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const NUM =
	'(?:\\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|a couple of)';
const MACROS: Record<string, string> = {
	timespan: `(?:\\b${NUM}(?:\\s*(?:to|or|-)\\s*${NUM})?\\s+(?:business |working )?(?:minutes?|hours?|days?|weeks?|billing cycles?)\\b|\\bnext (?:bill|statement|billing cycle|invoice)\\b|\\bby (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|the end of)\\b)`,
	eta: `(?:\\b\\d{1,2}(?::\\d{2})?\\s*(?:am|pm|a\\.m\\.|p\\.m\\.|o'?clock)|\\b(?:noon|midnight|tonight|tomorrow)\\b|\\bthis (?:morning|afternoon|evening)\\b|\\b(?:by|around|at|until) (?:about )?(?:\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\\b|\\bin (?:about )?${NUM} hours?\\b)`,
	closing: `(?:\\b(?:good)?bye\\b|\\btake care\\b|\\bhave a (?:good|great|nice|lovely|wonderful)\\b|\\bthanks? (?:you )?for calling\\b)`,
	person: `(?:\\b(?:a person|a human|a specialist|a colleague|someone|a member of (?:the|our) team|an agent|a representative|a real person)\\b)`
};

/** A check's regular expression with its @macros expanded (case-insensitive). */
export function meaning(source: string): RegExp {
	const expanded = source.replace(
		/@([a-z]+)(?::([\w.-]+))?/g,
		(all, name: string, arg?: string) => {
			if (name === 'amount') {
				if (!arg) throw new Error('@amount needs a value: @amount:65');
				return amountRe(arg);
			}
			if (name === 'date') {
				if (!arg) throw new Error('@date needs a day: @date:2026-11-02');
				return dateRe(arg);
			}
			const m = MACROS[name];
			if (!m) throw new Error(`unknown macro ${all}`);
			return m;
		}
	);
	return new RegExp(expanded, 'i');
}

// ---------------------------------------------------------------------------------------------
// The checks.

const spoken = (l: RunLine) => l.role === 'agent' || l.role === 'system';
const words = (s: string) => s.trim().replace(/\s+/g, ' ');

/** Sentences of a line; "$49.00" and "e.g." stay whole. */
export function sentences(text: string): string[] {
	return words(text)
		.split(/(?<=[.!?])\s+(?=[A-Z"'(])/)
		.map((s) => s.trim())
		.filter(Boolean);
}

const YES =
	/^(?:(?:uh|um|oh|well|ok|okay|yeah)[, ]+)*(?:yes|yeah|yep|yup|ya|sure|ok|okay|please|go ahead|do it|please do|do that|sounds good|that works|absolutely|definitely|of course|correct|right|alright|all right|let'?s do (?:it|that)|that would be (?:great|good)|i'?d like that|why not)\b/i;
/**
 * "Can you open a ticket?" to "Shall I open a ticket so…?": a request for the very thing offered,
 * its verb and object in the caller's words, with no "don't" or "not".
 */
function asksForIt(text: string, question: string | undefined): boolean {
	const offer = question?.match(
		/\b(?:shall|should|can|may) I (\w+) (?:a |an |the |that |this |it)?\s*(\w+)?/i
	);
	if (!offer || /\b(?:don'?t|not|no)\b/i.test(text)) return false;
	const t = text.toLowerCase();
	const asks =
		/\b(?:can|could|would|will) you\b|\bplease\b|\bgo ahead and\b|\bi (?:want|need|'?d like) you to\b/.test(
			t
		);
	return (
		asks && [offer[1], offer[2]].every((w) => !w || new RegExp(`\\b${w.toLowerCase()}\\b`).test(t))
	);
}

/** A sentence in which a persona taking over shows what it knows of the call. */
const CONTEXT =
	/\b(?:I can see|I see|I understand|I have the details|I've got the details|you're calling about|you are calling about|you called about|you've been|you were)\b/i;
/** The longest such sentence, in words: one short sentence names what matters. */
const LONGEST_CONTEXT = 30;
/** Words in a row that, said again in another line, are a passage repeated word for word. */
const PASSAGE = 10;
/** A caller asking to hear the last reply again (the checker's own words for it, on purpose). */
const ASKS_TO_HEAR_AGAIN =
	/\bwhat(?:'s| is| was|s) (?:the |my |that |your )?[a-z ]+ again\b|\b(?:what did you (?:just )?say|(?:how long|when|what time|how much|what) did you (?:just )?say|say (?:that|it) again|repeat (?:that|it|yourself)|come again|pardon|didn'?t (?:catch|hear) (?:that|it|you))\b|^(?:sorry|what|huh)\s*\?+$/i;
const ANYTHING_ELSE = /\b(?:anything|something) else\b|\belse (?:can|could|may) i\b/i;
const CALLER_CLOSES =
	/\b(?:bye|goodbye|that'?s (?:all|it|everything)|thats (?:all|it|everything)|that is (?:all|it|everything)|nothing else|(?:i'?m|im) (?:all )?(?:good|set|done)|all set|have a (?:good|nice|great) (?:day|one|night))\b/i;
const CALLER_CONTINUES = /\b(?:but|also|another|question|what about|how about|one more)\b/i;

const PLAIN_NO = /^(?:(?:uh|um|oh|well|ok|okay)[, ]+)*(?:no|nope|nah|nothing|not really)\b/i;

/**
 * Whether a caller turn ends the call ("no that's all", "thanks bye"), not one that goes on. A plain
 * "no thanks" ends it too when it answers "anything else?" (`asked`: what the agent said before).
 */
export function callerCloses(text: string, asked = ''): boolean {
	if (CALLER_CONTINUES.test(text)) return false;
	if (CALLER_CLOSES.test(text)) return true;
	const question = sentences(asked)
		.filter((x) => x.includes('?'))
		.at(-1);
	return (
		!!question &&
		ANYTHING_ELSE.test(question) &&
		PLAIN_NO.test(text.trim()) &&
		text.split(' ').length <= 6
	);
}

/** The caller's turns that close the call, each with what the agent said just before it. */
function closingTurns(run: CallRun): RunLine[] {
	return run.lines.filter(
		(l) =>
			l.role === 'caller' &&
			callerCloses(
				l.text,
				run.lines
					.filter((x) => spoken(x) && x.turn === l.turn - 1)
					.map((x) => x.text)
					.join(' ')
			)
	);
}

/** The arguments that name what a changing tool acts on. */
function subject(tool: ToolDef, args: Record<string, unknown>): string {
	const argsIn = (templates: string[]) =>
		templates.flatMap((t) => [...t.matchAll(/\{args\.([\w-]+)\}/g)].map((m) => m[1]!));
	let names: string[] = [];
	if (tool.kind === 'create')
		names = argsIn(
			tool.unique?.length
				? tool.unique.map((f) => tool.values[f] ?? `{args.${f}}`)
				: Object.values(tool.values)
		);
	else if (tool.kind === 'update') names = argsIn([tool.key, ...Object.values(tool.set)]);
	if (!names.length) names = Object.keys(args);
	return JSON.stringify(names.sort().map((n) => [n, args[n] ?? null]));
}

function toolById(flow: Flow, id: string): ToolDef | undefined {
	return flow.tools.find((t) => t.id === id);
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quote = (s: string, max = 160) => `"${s.length > max ? s.slice(0, max - 1) + '…' : s}"`;

/** The checks every call gets (see the top of this file). */
export function genericFindings(run: CallRun, flow: Flow, dataset?: Dataset): Finding[] {
	const out: Finding[] = [];
	const said = run.lines.filter(spoken);
	const agent = run.lines.filter((l) => l.role === 'agent');
	const callerTurn = (n: number) => run.lines.find((l) => l.role === 'caller' && l.turn === n);
	const reply = (n: number) => run.lines.filter((l) => spoken(l) && l.turn === n);

	// duplicate-action and no-yes
	const seen = new Map<string, RunAction>();
	for (const a of run.actions) {
		const tool = toolById(flow, a.tool);
		if (!tool || !changes(tool) || !a.ok) continue;
		const key = `${a.tool} ${subject(tool, a.args)}`;
		const first = seen.get(key);
		if (first)
			out.push({
				kind: 'duplicate-action',
				turn: a.turn,
				message: `${a.tool} ran again on the same subject in turn ${a.turn} (first in turn ${first.turn}): ${quote(a.result)}`
			});
		else seen.set(key, a);
		const yes = callerTurn(a.turn);
		const asked = reply(a.turn - 1)
			.flatMap((l) => sentences(l.text))
			.filter((s) => s.includes('?') && !ANYTHING_ELSE.test(s));
		const agreed = !!yes && (YES.test(yes.text.trim()) || asksForIt(yes.text, asked.at(-1)));
		if (!agreed || asked.length === 0)
			out.push({
				kind: 'no-yes',
				turn: a.turn,
				message: `${a.tool} ran in turn ${a.turn} without a yes to a question: the agent ${
					asked.length ? `asked ${quote(asked.at(-1)!)}` : 'asked nothing before it'
				}, the caller said ${quote(yes?.text ?? '(nothing)')}`
			});
	}

	// repeat
	const lineSeen = new Map<string, RunLine>();
	const questionSeen = new Map<string, RunLine>();
	const passageSeen = new Map<string, RunLine>();
	const recapTurns = new Set(closingTurns(run).map((l) => l.turn));
	for (const l of agent) {
		// "Sorry, what did you say?" asks for the same words.
		if (ASKS_TO_HEAR_AGAIN.test(callerTurn(l.turn)?.text ?? '')) continue;
		const w = words(l.text).toLowerCase();
		const before = lineSeen.get(w);
		if (before) {
			out.push({
				kind: 'repeat',
				turn: l.turn,
				message: `said word for word again in reply to turn ${l.turn} (first in reply to turn ${before.turn}): ${quote(l.text)}`
			});
			continue;
		}
		lineSeen.set(w, l);
		for (const s of sentences(l.text)) {
			if (!s.endsWith('?') || s.split(' ').length < 5 || ANYTHING_ELSE.test(s)) continue;
			const k = s.toLowerCase();
			const q = questionSeen.get(k);
			if (q && q !== l)
				out.push({
					kind: 'repeat',
					turn: l.turn,
					message: `asked word for word again in reply to turn ${l.turn} (first in reply to turn ${q.turn}): ${quote(s)}`
				});
			else questionSeen.set(k, l);
		}
		// A passage of an earlier line said again inside a longer one (an answer repeated as
		// proof of context, an offer read out again).
		const tokens = words(l.text)
			.toLowerCase()
			.split(' ')
			.map((t) => t.replace(/^[^\w$]+|[^\w%]+$/g, ''))
			.filter(Boolean);
		// A goodbye's recap restates what was done; it is held to its length (closing), not here.
		let flagged = recapTurns.has(l.turn);
		for (let i = 0; i + PASSAGE <= tokens.length; i++) {
			const gram = tokens.slice(i, i + PASSAGE).join(' ');
			const first = passageSeen.get(gram);
			if (!flagged && first && first !== l && !ANYTHING_ELSE.test(gram)) {
				flagged = true;
				out.push({
					kind: 'repeat',
					turn: l.turn,
					message: `repeats "${gram}…" from the reply to turn ${first.turn}, word for word: ${quote(l.text)}`
				});
			}
			if (!first) passageSeen.set(gram, l);
		}
	}

	// raw-format and internal-id
	const ids = new Set<string>([
		...flow.tools.map((t) => t.id),
		...flow.personas.flatMap((p) => p.intents.map((i) => i.id)),
		...TRIGGER_KINDS
	]);
	const idRe = new RegExp(`(?<![\\w.-])(?:${[...ids].map(literal).join('|')})(?![\\w-])`);
	// Keys of the company's records (a charge, an outage, an offer), not the caller's own account
	// and not a record made in this call (a dispute or ticket number the caller may note down).
	const people = identityTool(flow)?.table;
	const recordIds = flow.tables
		.filter((t) => t.id !== people && dataset?.[t.id])
		.flatMap((t) => dataset![t.id]!.map((row) => String(row[t.key] ?? '')))
		.filter((id) => /\d/.test(id) && id.length >= 3);
	const recordRe = recordIds.length
		? new RegExp(`(?<![\\w-])(?:${recordIds.map(literal).join('|')})(?![\\w-])`, 'i')
		: undefined;
	for (const l of said) {
		const raw =
			/\b\d{4}-\d{2}-\d{2}\b/.exec(l.text) ??
			/\b\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z\b|\d{2}T\d{2}:\d{2}/.exec(l.text) ??
			/\$\d[\d,]*\.00\b/.exec(l.text);
		if (raw)
			out.push({
				kind: 'raw-format',
				turn: l.turn,
				message: `"${raw[0]}" read out as written in reply to turn ${l.turn}: ${quote(l.text)}`
			});
		const internal =
			idRe.exec(l.text) ??
			recordRe?.exec(l.text) ??
			/\{[\w.|:' -]+\}|\bundefined\b|\bNaN\b|\[object \w+\]|\bnull\b/.exec(l.text);
		if (internal)
			out.push({
				kind: 'internal-id',
				turn: l.turn,
				message: `"${internal[0]}" said to the caller in reply to turn ${l.turn}: ${quote(l.text)}`
			});
	}

	// intro
	for (const p of flow.personas) {
		if (p.kind === 'human' || !p.name.trim()) continue;
		const n = literal(p.name);
		const intro = new RegExp(
			`\\b(?:this is|I am|I'm|it's|my name is|I'm|here is)\\s+${n}\\b|\\b${n}\\s+(?:from|here)\\b`,
			'i'
		);
		const own = agent.filter((l) => l.personaId === p.id && intro.test(l.text));
		if (own.length > 1)
			out.push({
				kind: 'intro',
				turn: own[1]!.turn,
				message: `${p.name} introduced themselves ${own.length} times (again in reply to turn ${own[1]!.turn}): ${quote(own[1]!.text)}`
			});
	}

	// A persona taking the call over shows it knows the story in a short sentence, not a run-on.
	for (const h of run.handoffs) {
		const first = agent.find((l) => l.personaId === h.to && l.turn === h.turn);
		if (!first) continue;
		const context = sentences(first.text).filter((x) => CONTEXT.test(x));
		const long = context.find((x) => x.split(' ').length > LONGEST_CONTEXT);
		if (context.length > 1 || long)
			out.push({
				kind: 'intro',
				turn: h.turn,
				message: `${h.to} proves it knows the story ${
					long
						? `in a sentence of ${long.split(' ').length} words`
						: `in ${context.length} sentences`
				}: ${quote(first.text, 240)}`
			});
		if (h.summary !== undefined) {
			const second = /\b(?:you|your|yours|you're|you've)\b/i.exec(h.summary);
			const count = sentences(h.summary).length;
			if (second || count > 3)
				out.push({
					kind: 'summary',
					turn: h.turn,
					message: `the package summary for ${h.to} ${
						second ? `speaks to the caller ("${second[0]}")` : `runs to ${count} sentences`
					}: ${quote(h.summary, 240)}`
				});
		}
	}

	// closing
	const humanFrom = (n: number) =>
		run.handoffs.some(
			(h) => h.turn <= n && flow.personas.find((p) => p.id === h.to)?.kind === 'human'
		);
	const closes = closingTurns(run)[0];
	if (closes && !humanFrom(closes.turn)) {
		const k = closes.turn;
		const answer = reply(k);
		const text = answer.map((l) => l.text).join(' ');
		const problems: string[] = [];
		if (!answer.length) problems.push('nothing was said');
		else if (!meaning('@closing').test(text)) problems.push('no goodbye was heard');
		const later = said.filter((l) => l.turn >= k && l.text.includes('?'));
		if (later.length) problems.push(`the agent asked ${quote(later[0]!.text)}`);
		if (sentences(text).length > 4)
			problems.push(`the goodbye runs to ${sentences(text).length} sentences`);
		const hop = run.handoffs.find((h) => h.turn >= k);
		if (hop) problems.push(`the call was handed from ${hop.from} to ${hop.to}`);
		if (problems.length)
			out.push({
				kind: 'closing',
				turn: k,
				message: `the caller closed in turn ${k} (${quote(closes.text)}) but ${problems.join('; ')}${
					answer.length ? `: ${quote(text, 240)}` : ''
				}`
			});
	}
	return out;
}

/** The call's own checks (its `expect` list). */
export function expectedFindings(run: CallRun, expect: readonly Check[]): Finding[] {
	const out: Finding[] = [];
	const said = run.lines.filter(spoken);
	const inReply = (n: number | undefined) =>
		n === undefined ? said : said.filter((l) => l.turn === n);
	const where = (n: number | undefined) =>
		n === undefined ? 'in the call' : `in the reply to turn ${n}`;
	const heard = (n: number | undefined) => {
		const ls = inReply(n);
		return ls.length ? quote(ls.map((l) => l.text).join(' '), 240) : '(nothing was said)';
	};
	for (const c of expect) {
		if ('reaches' in c) {
			if (!run.owners.includes(c.reaches))
				out.push({
					kind: 'reaches',
					message: `the call never reached ${c.reaches} (owners: ${run.owners.join(' → ')})`
				});
		} else if ('never' in c) {
			if (run.owners.includes(c.never))
				out.push({
					kind: 'never',
					turn: run.handoffs.find((h) => h.to === c.never)?.turn,
					message: `the call reached ${c.never}, which it should not (owners: ${run.owners.join(' → ')})`
				});
		} else if ('says' in c) {
			const re = meaning(c.says);
			const ls = inReply(c.after).filter((l) => !c.by || l.personaId === c.by);
			if (!ls.some((l) => re.test(l.text)))
				out.push({
					kind: 'says',
					turn: c.after,
					message: `nothing ${c.by ? `${c.by} said ` : ''}${where(c.after)} means /${c.says}/; heard ${heard(c.after)}`
				});
		} else if ('not' in c) {
			const re = meaning(c.not);
			const hit = inReply(c.after).find((l) => re.test(l.text));
			if (hit)
				out.push({
					kind: 'not',
					turn: hit.turn,
					message: `/${c.not}/ was said ${where(hit.turn)}: ${quote(hit.text)}`
				});
		} else if ('action' in c) {
			const fits = run.actions.filter(
				(a) =>
					a.tool === c.action &&
					a.ok &&
					(c.by === undefined || a.turn <= c.by) &&
					Object.entries(c.with ?? {}).every(
						([k, want]) => String(a.args[k] ?? '').toLowerCase() === String(want).toLowerCase()
					)
			);
			const args = c.with ? ` with ${JSON.stringify(c.with)}` : '';
			const by = c.by !== undefined ? ` by turn ${c.by}` : '';
			const ran = run.actions
				.filter((a) => a.tool === c.action)
				.map((a) => `turn ${a.turn} ${JSON.stringify(a.args)}${a.ok ? '' : ' (failed)'}`);
			const what = ran.length ? `it ran: ${ran.join('; ')}` : 'it never ran';
			if (c.times === undefined ? fits.length === 0 : fits.length !== c.times)
				out.push({
					kind: 'action',
					turn: fits[0]?.turn ?? c.by,
					message:
						c.times === 0
							? `${c.action} ran${args}, which a good agent would not do here; ${what}`
							: `${c.action}${args} should run ${c.times === undefined ? 'at least once' : `${c.times} time(s)`}${by}; ${what}`
				});
		} else if ('rephrased' in c) {
			const prev = new Set(
				inReply(c.rephrased - 1)
					.flatMap((l) => sentences(l.text))
					.filter((s) => s.split(' ').length >= 3 && !ANYTHING_ELSE.test(s))
					.map((s) => s.toLowerCase())
			);
			const again = inReply(c.rephrased)
				.flatMap((l) => sentences(l.text))
				.find((s) => prev.has(s.toLowerCase()));
			if (again)
				out.push({
					kind: 'rephrased',
					turn: c.rephrased,
					message: `the reply to turn ${c.rephrased} repeats ${quote(again)} from the reply before`
				});
		} else if ('outcome' in c) {
			if (run.outcome !== c.outcome)
				out.push({
					kind: 'outcome',
					message: `the call ended ${run.outcome}, not ${c.outcome}`
				});
		}
	}
	return out;
}

/** Every finding for one call: generic checks, then its own. */
export function checkCall(
	run: CallRun,
	call: Pick<DialogueCall, 'expect'>,
	flow: Flow,
	dataset?: Dataset
): Finding[] {
	return [...genericFindings(run, flow, dataset), ...expectedFindings(run, call.expect)];
}

/** The transcript around `turn` (the whole call when none), one line each, for a failure message. */
export function excerpt(run: CallRun, turn?: number): string {
	const lines =
		turn === undefined
			? run.lines
			: run.lines.filter((l) => l.turn >= turn - 1 && l.turn <= turn + 1);
	return lines
		.map(
			(l) => `  [${l.turn}] ${l.role === 'caller' ? 'caller' : (l.personaId ?? l.role)}: ${l.text}`
		)
		.join('\n');
}

/** Findings with their transcript excerpts, as a test failure or the bench prints them. */
export function describeFindings(run: CallRun, findings: readonly Finding[]): string {
	return findings.map((f) => `${f.kind}: ${f.message}\n${excerpt(run, f.turn)}`).join('\n\n');
}
