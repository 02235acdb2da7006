import * as v from 'valibot';
import { ENTITY_TYPES, TRIGGER_KINDS } from '../handoff/context-package';
import { isTimeZone } from './spoken';

// The flow file: one JSON document that makes Baton one company's. Everything a deployment
// changes lives here (personas, intents, slots, tables and their rows, tools, thresholds, the
// human line), so a clinic or a shop needs no TypeScript. This module is the single definition:
// the loader validates against it and `npm run flow:schema` turns it into the JSON Schema editors
// read for completion. Cross-references (a persona named in `handoffTo`, a table named by a tool,
// a field named by a template) are checked after this, in `check.ts`.

const id = v.pipe(
	v.string(),
	v.regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'an id starts with a letter: letters, digits, _ . -'),
	v.maxLength(64)
);
const text = v.pipe(v.string(), v.minLength(1), v.maxLength(4000));
const shortText = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const regexSource = v.pipe(
	v.string(),
	v.minLength(1),
	v.maxLength(500),
	v.check((s) => {
		try {
			new RegExp(s, 'iu');
			return true;
		} catch {
			return false;
		}
	}, 'not a valid regular expression')
);
const described = <T extends v.GenericSchema>(schema: T, what: string) =>
	v.pipe(schema, v.description(what));

/** A template: text with `{path}` or `{path|filter:arg}` holes filled from the call's facts. */
const template = described(
	v.pipe(v.string(), v.maxLength(2000)),
	'Text with {path|filter} holes: slots ({plan.name}), the verified record ({caller.name}), tool results ({quote.difference|money}), memory ({memory.x}), {company.name}.'
);

// ---- Company ---------------------------------------------------------------------------------

export const CompanySchema = v.strictObject({
	id: described(id, 'Stable id of this flow (used in caches and records).'),
	name: described(shortText, 'The name callers hear ("Thanks for calling …").'),
	language: described(v.pipe(v.string(), v.regex(/^[a-z]{2}(-[A-Z]{2})?$/)), 'BCP 47, e.g. en.'),
	hours: v.optional(
		described(shortText, 'When the team answers calls, e.g. "Monday to Saturday, 8am to 8pm".')
	),
	timeZone: v.optional(
		described(
			v.pipe(
				v.string(),
				v.check(isTimeZone, 'is not a time zone name (use one like "America/Chicago" or "UTC")')
			),
			'Where the company is ("America/Chicago"): dates and times are said in its time, "6 tonight". Without it, in the time of the device the call runs on (the caller\'s).'
		)
	)
});

// ---- Slots: what the caller says that the flow needs ------------------------------------------

export const SlotSchema = v.strictObject({
	id: described(id, 'How intents and templates name this slot.'),
	entity: described(
		v.picklist(ENTITY_TYPES),
		'The context-package entity type it travels as (the package schema is fixed).'
	),
	label: v.optional(shortText),
	/** Values taken from a table column: recognised in any case, the row is the slot's value. */
	values: v.optional(
		v.strictObject({
			table: id,
			field: id,
			/** More columns whose values name the same row (an id said as words). */
			alsoField: v.optional(id)
		})
	),
	/** The company's own formats: each match becomes the slot's value (with $1… substituted). */
	patterns: v.optional(
		v.array(v.strictObject({ match: regexSource, value: v.optional(shortText) }))
	)
});

// ---- Tables: the company's data ----------------------------------------------------------------

export const FIELD_TYPES = [
	'text',
	'id',
	'name',
	'phone',
	'email',
	'zip',
	'money',
	'number',
	'date',
	'datetime',
	'boolean',
	'list',
	'secret',
	'ref',
	'pattern'
] as const;

export const FieldSchema = v.strictObject({
	name: id,
	type: described(
		v.picklist(FIELD_TYPES),
		'secret: checked, never said or shown; ref: the key of a row in `table`; pattern: a regular expression matched against what the caller said.'
	),
	table: v.optional(id),
	optional: v.optional(v.boolean()),
	/** A value callers may hear though it is in a private table (a plan's price). */
	public: v.optional(v.boolean())
});

export const TableSchema = v.strictObject({
	id,
	key: described(id, 'The field that identifies a row.'),
	/** The field that names a row to a caller ("Gold Care" for the row `gold`). */
	label: v.optional(id),
	/** Rows belong to one caller: only the verified caller's rows are read, and never said to others. */
	private: v.optional(v.boolean()),
	/** For rows that belong to a row of another table (charges of an account): the ref field. */
	owner: v.optional(id),
	/** Records tools create here are kept across calls (IndexedDB in the browser). */
	keep: v.optional(v.boolean()),
	/** The moment the rows were written for (live status, as in a demo's outages): their date-times
	 * move with the call's clock, keeping their distance from it. Dates stay as written. */
	asOf: v.optional(
		v.pipe(v.string(), v.isoTimestamp('asOf must be a date and time, e.g. 2026-11-24T12:00:00Z.'))
	),
	fields: v.pipe(v.array(FieldSchema), v.minLength(1))
});

// ---- Conditions --------------------------------------------------------------------------------

export type Condition =
	| { all: Condition[] }
	| { any: Condition[] }
	| { not: Condition }
	| { said: string }
	| {
			repeats: { same: string[]; withinDays?: number; dateField?: string };
	  }
	| {
			path: string;
			equals?: string | number | boolean;
			notEquals?: string | number | boolean;
			gte?: number | string;
			lte?: number | string;
			gt?: number | string;
			lt?: number | string;
			matches?: string;
			/** Whether the caller's words this turn name the value, or an item of it. */
			named?: boolean;
			exists?: boolean;
			empty?: boolean;
	  };

const scalar = v.union([v.string(), v.number(), v.boolean()]);
const numberOrPath = v.union([v.number(), v.string()]);

export const ConditionSchema: v.GenericSchema<Condition> = v.lazy(() =>
	v.union([
		v.strictObject({ all: v.array(ConditionSchema) }),
		v.strictObject({ any: v.array(ConditionSchema) }),
		v.strictObject({ not: ConditionSchema }),
		v.strictObject({ said: regexSource }),
		v.strictObject({
			repeats: v.strictObject({
				same: v.pipe(v.array(id), v.minLength(1)),
				withinDays: v.optional(v.pipe(v.number(), v.minValue(0))),
				dateField: v.optional(id)
			})
		}),
		v.strictObject({
			path: described(
				v.pipe(v.string(), v.minLength(1)),
				'A fact: row.amount, caller.status, quote.difference, memory.x.'
			),
			equals: v.optional(scalar),
			notEquals: v.optional(scalar),
			gte: v.optional(numberOrPath),
			lte: v.optional(numberOrPath),
			gt: v.optional(numberOrPath),
			lt: v.optional(numberOrPath),
			matches: v.optional(regexSource),
			named: v.optional(
				described(
					v.boolean(),
					'Whether the caller\'s words this turn name the value, or one item of a list: a plan\'s features and "will I lose my hotspot?".'
				)
			),
			exists: v.optional(v.boolean()),
			empty: v.optional(v.boolean())
		})
	])
);

// ---- Tools -------------------------------------------------------------------------------------

const toolBase = {
	id,
	description: v.optional(text),
	/** Only for a caller verified by a secret (tools on private tables always are). */
	verified: v.optional(v.boolean()),
	/** Said or logged when the tool cannot answer. */
	failed: v.optional(template)
};

/** Where a lookup finds its row: a slot, the verified caller, or a path (`{caller.planId}`). */
const argsSchema = v.record(id, template);

export const ToolSchema = v.variant('kind', [
	v.strictObject({
		...toolBase,
		kind: v.literal('verify'),
		table: id,
		/** Which slots name the record, and how each compares with its field. */
		identify: v.pipe(
			v.array(
				v.strictObject({
					slot: id,
					field: id,
					/** The name the attempt is logged under (accountId); else the slot id. */
					arg: v.optional(id),
					match: v.optional(v.picklist(['exact', 'digits-suffix']))
				})
			),
			v.minLength(1)
		),
		/** The secret field the caller's secret must equal (a PIN, a passcode). */
		secret: id,
		/** What callers call the secret, beyond "PIN", "passcode" and "access code": digits said
		 * after any of these are taken once for verification and never kept. */
		secretWords: v.optional(v.array(shortText)),
		result: template,
		prompts: v.strictObject({
			identifier: shortText,
			secret: shortText,
			ask: template,
			retry: template,
			otherRecord: template
		})
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('lookup'),
		table: id,
		args: v.optional(argsSchema),
		/** The key of the row: a template over args, slots or the caller. */
		key: template,
		/** What the row is: the first rule it meets names its kind and how it reads ({reads}). */
		classify: v.optional(
			v.array(v.strictObject({ kind: id, when: v.optional(ConditionSchema), reads: template }))
		),
		result: template
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('list'),
		table: id,
		args: v.optional(argsSchema),
		where: v.optional(ConditionSchema),
		sort: v.optional(v.array(v.strictObject({ field: id, desc: v.optional(v.boolean()) }))),
		limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
		/** How one row reads; the result joins them. */
		item: template,
		separator: v.optional(v.string()),
		result: template,
		empty: v.optional(template)
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('pick'),
		table: id,
		args: v.optional(argsSchema),
		/** Narrows the rows: only the caller's, only matching what they said. */
		where: v.optional(ConditionSchema),
		/** Each filter applies when its argument is known. */
		match: v.optional(
			v.array(
				v.strictObject({
					arg: id,
					field: id,
					how: v.optional(v.picklist(['exact', 'amount', 'day', 'text'])),
					/** Narrow only when some row matches (a date said loosely). */
					soft: v.optional(v.boolean())
				})
			)
		),
		/** When several rows remain: the first rule a row meets wins; then `sort`. */
		prefer: v.optional(v.array(ConditionSchema)),
		sort: v.optional(v.array(v.strictObject({ field: id, desc: v.optional(v.boolean()) }))),
		/** With nothing said to narrow the rows: prefer rows meeting `prefer`, in `sort` order. */
		otherwise: v.optional(
			v.strictObject({
				prefer: v.optional(ConditionSchema),
				sort: v.optional(v.array(v.strictObject({ field: id, desc: v.optional(v.boolean()) })))
			})
		),
		/** What the chosen row is: the first rule it meets names its kind and how it reads. */
		classify: v.optional(
			v.array(v.strictObject({ kind: id, when: v.optional(ConditionSchema), reads: template }))
		),
		result: template
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('match'),
		table: id,
		args: v.optional(argsSchema),
		/** The row whose pattern field matches this text is the answer. */
		text: template,
		field: id,
		result: template
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('compare'),
		table: id,
		args: v.optional(argsSchema),
		a: template,
		b: template,
		/** The numeric field whose difference (b − a) is reported as `difference`. */
		field: id,
		result: template,
		same: v.optional(template)
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('update'),
		table: id,
		args: v.optional(argsSchema),
		key: template,
		set: v.record(id, template),
		/** The change is refused unless the row meets this. */
		requires: v.optional(v.strictObject({ when: ConditionSchema, otherwise: template })),
		result: template
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('create'),
		table: id,
		args: v.optional(argsSchema),
		/** Prefix of the new record's key: DSP- gives DSP-0001. */
		prefix: shortText,
		values: v.record(id, template),
		/** A record with the same values in these fields is returned instead of a second one. */
		unique: v.optional(v.array(id)),
		result: template,
		existing: v.optional(template)
	}),
	v.strictObject({
		...toolBase,
		kind: v.literal('http'),
		url: v.pipe(v.string(), v.url()),
		method: v.optional(v.picklist(['GET', 'POST'])),
		args: argsSchema,
		timeoutMs: v.optional(v.pipe(v.number(), v.minValue(100), v.maxValue(30000))),
		/** The reply's fields that are read, each with its type; anything else is ignored. */
		reply: v.record(id, v.picklist(['text', 'number', 'boolean'])),
		result: template
	})
]);

// ---- Intents and their steps -------------------------------------------------------------------

const when = { when: v.optional(ConditionSchema) };
/** The question in other words, for when it has been asked before in the call: a caller never
 * hears the same question twice word for word. Without it a short generic form is used. */
const again = v.optional(template);

export const StepSchema = v.union([
	v.strictObject({ ...when, verify: v.literal(true) }),
	v.strictObject({
		...when,
		need: id,
		/** Other places the value may already be: `{caller.zip}`. */
		from: v.optional(v.array(template)),
		/** A value the slot must meet (not the caller's current plan). */
		accept: v.optional(ConditionSchema),
		ask: template,
		again
	}),
	v.strictObject({
		...when,
		run: id,
		args: v.optional(argsSchema),
		as: v.optional(id),
		/** A read-only check that decides the next step: not among the call's actions, and finding
		 * nothing is not a failure. */
		quiet: v.optional(v.boolean())
	}),
	v.strictObject({
		...when,
		say: template,
		settle: v.optional(template),
		/** End the turn after saying this. */
		stop: v.optional(v.literal(true))
	}),
	v.strictObject({ ...when, settle: template }),
	v.strictObject({ ...when, ask: template, as: id, again }),
	v.strictObject({ ...when, confirm: template, declined: template, again }),
	v.strictObject({
		...when,
		handoff: v.strictObject({
			to: v.optional(id),
			kind: v.picklist(TRIGGER_KINDS),
			detail: template,
			nextStep: v.optional(template)
		})
	}),
	v.strictObject({ ...when, goto: id }),
	v.strictObject({ ...when, remember: v.record(id, template) }),
	v.strictObject({ ...when, stop: v.literal(true) })
]);

export const IntentSchema = v.strictObject({
	id,
	label: shortText,
	/** What callers say for it; the router learns from these. An intent with none is reached only
	 * from another intent's steps (a `goto`). */
	examples: v.array(text),
	/** Facts the intent needs: `identity` or slot ids (documentation and the package). */
	needs: v.optional(v.array(id)),
	steps: v.optional(v.array(StepSchema))
});

/**
 * One answer: when the caller's words match `said` and `when` holds, `say` is the reply. Answers
 * sharing an id are one question: the first whose `when` holds is said.
 */
export const AnswerSchema = v.strictObject({
	id,
	said: regexSource,
	when: v.optional(ConditionSchema),
	say: template,
	/** Said instead when the caller asks again and `say` was already said in the call: shorter, in
	 * other words. Without it the answer is said again after "As I said,". */
	again: v.optional(template)
});

// ---- Personas ----------------------------------------------------------------------------------

export const PersonaSchema = v.strictObject({
	id,
	kind: v.picklist(['triage', 'specialist', 'human']),
	name: shortText,
	team: v.optional(shortText),
	aliases: v.optional(v.array(shortText)),
	description: text,
	instructions: text,
	greeting: v.string(),
	voice: v.strictObject({
		kokoro: described(shortText, 'A Kokoro voice id, e.g. af_heart.'),
		offline: described(shortText, 'An espeak-ng voice for the offline voice, e.g. en-us+f3.')
	}),
	handoffTo: v.array(id),
	humanMoments: v.optional(v.array(id)),
	handBackTo: v.optional(id),
	tools: v.optional(v.array(id)),
	intents: v.optional(v.array(IntentSchema)),
	/** Questions the persona answers from what the call already holds ("when will I get the money
	 * back?", "when will it be fixed?"), at any point, without starting its steps again. */
	answers: v.optional(v.array(AnswerSchema)),
	/** Caller utterances for a persona with no intents (routing learns from intents' examples when
	 * a persona has them). */
	examples: v.optional(v.array(text))
});

// ---- The whole file ----------------------------------------------------------------------------

const unit = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

export const FlowFileSchema = v.strictObject({
	$schema: v.optional(v.string()),
	version: v.literal(1),
	company: CompanySchema,
	personas: v.pipe(v.array(PersonaSchema), v.minLength(1)),
	outOfScope: v.array(text),
	slots: v.optional(v.array(SlotSchema)),
	tables: v.optional(v.array(TableSchema)),
	/** Rows of each table; a deployment may also give them in a separate data file. */
	data: v.optional(v.record(id, v.array(v.record(v.string(), v.unknown())))),
	tools: v.optional(v.array(ToolSchema)),
	/** Words the caller may say that need a person at once: each topic with its cue and next step. */
	sensitiveTopics: v.optional(
		v.array(v.strictObject({ topic: id, cue: regexSource, nextStep: text }))
	),
	/** What triage offers when it cannot place a turn ("your bill, your service, …"). */
	phrases: v.optional(
		v.strictObject({
			topics: v.optional(shortText),
			examples: v.optional(shortText),
			/** What a receiving persona says it can see about a verified caller ("you're on the
			 * {caller.planId.name} plan"); left out when any of its holes is empty. */
			known: v.optional(template)
		})
	),
	thresholds: v.strictObject({
		route: unit,
		switch: unit,
		frustration: v.pipe(v.number(), v.minValue(-1), v.maxValue(1)),
		toolFailures: v.pipe(v.number(), v.integer(), v.minValue(1)),
		largeAmount: v.pipe(v.number(), v.minValue(0)),
		lowConfidenceTurns: v.pipe(v.number(), v.integer(), v.minValue(1))
	}),
	policy: v.strictObject({
		maxHops: v.pipe(v.number(), v.integer(), v.minValue(1)),
		cooldownTurns: v.pipe(v.number(), v.integer(), v.minValue(0)),
		maxAutomatedHops: v.pipe(v.number(), v.integer(), v.minValue(1))
	}),
	human: v.optional(
		v.strictObject({
			/** Seconds a caller waits for an operator before the fallbacks are offered. */
			timeoutSeconds: v.optional(v.pipe(v.number(), v.minValue(5), v.maxValue(600))),
			fallbacks: v.optional(v.array(v.picklist(['queue', 'callback', 'ai'])))
		})
	)
});

export type FlowFile = v.InferOutput<typeof FlowFileSchema>;
export type SlotDef = v.InferOutput<typeof SlotSchema>;
export type TableDef = v.InferOutput<typeof TableSchema>;
export type FieldDef = v.InferOutput<typeof FieldSchema>;
export type ToolDef = v.InferOutput<typeof ToolSchema>;
export type StepDef = v.InferOutput<typeof StepSchema>;
export type IntentDef = v.InferOutput<typeof IntentSchema>;
export type PersonaDef = v.InferOutput<typeof PersonaSchema>;
export type AnswerDef = v.InferOutput<typeof AnswerSchema>;
export type Row = Record<string, unknown>;
