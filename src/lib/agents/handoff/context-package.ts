import * as v from 'valibot';
import { ValidationError } from '../../errors';
import { describeIssues } from '../schema-issues';

// The context package (DESIGN §4) is the contract between the core, the data channel, the console
// and every test: field names here must not drift.

export const TRIGGER_KINDS = [
	'explicit_request',
	'out_of_scope',
	'low_confidence',
	'frustration',
	'tool_failure',
	'sensitive_topic',
	'workflow',
	'agent_limit',
	'handback'
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const ENTITY_TYPES = [
	'account_id',
	'name',
	'phone',
	'email',
	'zip',
	'amount',
	'date',
	'plan',
	'order_id',
	'card_last4',
	'device',
	'address'
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

const timestamp = v.pipe(v.string(), v.isoTimestamp());
const text = v.string();
const party = v.strictObject({
	personaId: v.pipe(v.string(), v.minLength(1)),
	kind: v.picklist(['ai', 'human'])
});

export const ContextPackageSchema = v.strictObject({
	v: v.literal(1),
	handoffId: v.pipe(v.string(), v.uuid()),
	callId: v.pipe(v.string(), v.minLength(1)),
	createdAt: timestamp,
	from: party,
	to: party,
	caller: v.strictObject({
		name: v.optional(text),
		accountId: v.optional(text),
		phone: v.optional(text),
		verified: v.boolean(),
		verifiedBy: v.optional(text),
		language: v.pipe(v.string(), v.minLength(2)),
		channel: v.picklist(['voice', 'text'])
	}),
	intent: v.strictObject({
		id: text,
		label: text,
		confidence: v.pipe(v.number(), v.minValue(0), v.maxValue(1))
	}),
	trigger: v.strictObject({ kind: v.picklist(TRIGGER_KINDS), detail: text }),
	summary: text,
	entities: v.array(
		v.strictObject({
			type: v.picklist(ENTITY_TYPES),
			value: text,
			turn: v.pipe(v.number(), v.integer(), v.minValue(0))
		})
	),
	actions: v.array(
		v.strictObject({
			tool: v.pipe(v.string(), v.minLength(1)),
			args: v.record(v.string(), v.unknown()),
			ok: v.boolean(),
			result: text
		})
	),
	resolved: v.array(text),
	sentiment: v.strictObject({
		label: v.picklist(['positive', 'neutral', 'frustrated', 'distressed']),
		score: v.pipe(v.number(), v.minValue(-1), v.maxValue(1))
	}),
	nextStep: text,
	hops: v.array(
		v.strictObject({
			from: text,
			to: text,
			trigger: v.picklist(TRIGGER_KINDS),
			at: timestamp
		})
	),
	transcript: v.array(
		v.strictObject({
			role: v.picklist(['caller', 'agent', 'human', 'system']),
			personaId: v.optional(text),
			text,
			at: timestamp
		})
	),
	notes: v.array(text)
});

export type ContextPackage = v.InferOutput<typeof ContextPackageSchema>;
export type TranscriptEntry = ContextPackage['transcript'][number];
export type Entity = ContextPackage['entities'][number];
export type Action = ContextPackage['actions'][number];
export type Hop = ContextPackage['hops'][number];
export type Sentiment = ContextPackage['sentiment'];

/**
 * Validates anything that claims to be a package: one built here, or one that arrived over the
 * wire. Returns the typed package or throws a `ValidationError` listing every bad field; it never
 * throws anything else, whatever the input.
 */
export function parseContextPackage(input: unknown): ContextPackage {
	const result = v.safeParse(ContextPackageSchema, input);
	if (result.success) return result.output;
	throw new ValidationError({ what: 'context package', issues: describeIssues(result.issues) });
}
