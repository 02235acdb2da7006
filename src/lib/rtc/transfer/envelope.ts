import * as v from 'valibot';
import { ContextPackageSchema } from '../../agents/handoff/context-package';
import { BatonError, ValidationError } from '../../errors';
import { describeIssues } from '../../agents/schema-issues';

// The data-channel protocol (DESIGN §5): every message is a versioned envelope, validated on
// receipt. A bad message is rejected with a typed error; it never takes the channel down.

export const PROTOCOL_VERSION = 1;

const TranscriptSchema = v.strictObject({
	role: v.picklist(['caller', 'agent', 'human', 'system']),
	personaId: v.optional(v.string()),
	text: v.pipe(v.string(), v.maxLength(4000)),
	at: v.string()
});

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

/** Longest note an operator may hand back with a call, and longest line for the caller. */
export const MAX_NOTE_CHARS = 2000;
export const MAX_CALLER_LINE_CHARS = 500;

/**
 * The operator's hand-back: `notes` are for the team (the call record and the next package, never
 * said or shown to the caller); `callerLine` is what the persona taking the call says for them.
 */
export const HandbackSchema = v.strictObject({
	handoffId: v.string(),
	to: id,
	notes: v.pipe(
		v.array(
			v.pipe(
				v.string(),
				v.maxLength(MAX_NOTE_CHARS, `A note is at most ${MAX_NOTE_CHARS} characters.`)
			)
		),
		v.maxLength(20, 'At most 20 notes go with one hand-back.')
	),
	callerLine: v.optional(
		v.pipe(
			v.string(),
			v.maxLength(
				MAX_CALLER_LINE_CHARS,
				`The line for the caller is at most ${MAX_CALLER_LINE_CHARS} characters.`
			)
		)
	)
});

/** A line the person types to a caller (a text caller has no audio to hear them by). */
export const OperatorTextSchema = v.strictObject({
	text: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Type something to send.'),
		v.maxLength(MAX_NOTE_CHARS, `A message is at most ${MAX_NOTE_CHARS} characters.`)
	),
	at: v.string()
});

const Payloads = {
	package: ContextPackageSchema,
	ack: v.strictObject({
		of: id,
		handoffId: v.optional(v.string()),
		duplicate: v.optional(v.boolean()),
		/** Set when the receiver will never apply the message (a package for another call). */
		refused: v.optional(v.picklist(['wrong_call']))
	}),
	heartbeat: v.strictObject({ at: v.number() }),
	transcript: TranscriptSchema,
	operator: v.strictObject({
		action: v.picklist(['accept', 'decline', 'callback']),
		handoffId: v.string(),
		name: v.optional(v.pipe(v.string(), v.maxLength(100)))
	}),
	handback: HandbackSchema,
	text: OperatorTextSchema,
	hangup: v.strictObject({ reason: v.pipe(v.string(), v.maxLength(200)) }),
	chunk: v.strictObject({
		of: id,
		index: v.pipe(v.number(), v.integer(), v.minValue(0)),
		total: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)),
		data: v.string()
	})
} as const;

export type MessageType = keyof typeof Payloads;
export type Payload<T extends MessageType> = v.InferOutput<(typeof Payloads)[T]>;
export type Envelope<T extends MessageType = MessageType> = {
	[K in T]: { v: 1; type: K; id: string; seq: number; payload: Payload<K> };
}[T];

function message<const T extends MessageType>(type: T) {
	return v.strictObject({
		v: v.literal(PROTOCOL_VERSION),
		type: v.literal(type),
		id,
		seq: v.pipe(v.number(), v.integer(), v.minValue(0)),
		payload: Payloads[type]
	});
}

const EnvelopeSchema = v.variant('type', [
	message('package'),
	message('ack'),
	message('heartbeat'),
	message('transcript'),
	message('operator'),
	message('handback'),
	message('text'),
	message('hangup'),
	message('chunk')
]);

export type ProtocolErrorCode =
	/** Not JSON. */
	| 'malformed_json'
	/** Over the size limit, whole or reassembled. */
	| 'message_too_large'
	/** Not an envelope (binary, or chunks that contradict each other). */
	| 'invalid_envelope'
	/** A partial message was evicted to make room for a newer one. */
	| 'chunk_overflow'
	/** A partial message waited too long for its missing chunks. */
	| 'chunk_expired'
	/** The channel closed with a message half received; the sender resends it on the next one. */
	| 'channel_closed'
	/** A package for a call other than the one this link carries. */
	| 'wrong_call';

export class ProtocolError extends BatonError {
	constructor(code: ProtocolErrorCode, message: string, options: { retryable?: boolean } = {}) {
		super({ code, message, retryable: options.retryable ?? false });
	}
}

/** Largest single message accepted from a peer, after reassembly. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export function parseEnvelope(raw: unknown, maxBytes = MAX_MESSAGE_BYTES): Envelope {
	if (typeof raw !== 'string')
		throw new ProtocolError(
			'invalid_envelope',
			'Only text messages are accepted on the data channel.'
		);
	if (raw.length > maxBytes) {
		throw new ProtocolError(
			'message_too_large',
			`A ${raw.length}-byte message exceeds the ${maxBytes}-byte limit; it was dropped.`
		);
	}
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		throw new ProtocolError('malformed_json', 'A message was not valid JSON; it was dropped.');
	}
	const r = v.safeParse(EnvelopeSchema, json);
	if (!r.success) throw new ValidationError({ what: 'envelope', issues: describeIssues(r.issues) });
	return r.output as Envelope;
}

/**
 * A payload checked before it is sent, so the sender can say what is wrong and keep what was
 * typed; the receiver checks it again (`parseEnvelope`).
 */
export function checkPayload<T extends 'handback' | 'text'>(type: T, payload: unknown): Payload<T> {
	const r = v.safeParse(Payloads[type], payload);
	if (!r.success) {
		throw new ValidationError({
			what: type === 'handback' ? 'The hand-back' : 'The message',
			issues: r.issues.map((i) => i.message)
		});
	}
	return r.output as Payload<T>;
}

export function envelope<T extends MessageType>(
	type: T,
	payload: Payload<T>,
	seq: number,
	messageId: string
): Envelope {
	return { v: PROTOCOL_VERSION, type, id: messageId, seq, payload } as Envelope;
}
