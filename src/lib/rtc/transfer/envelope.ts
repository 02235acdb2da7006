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
	handback: v.strictObject({
		handoffId: v.string(),
		to: id,
		notes: v.array(v.pipe(v.string(), v.maxLength(2000)))
	}),
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

export function envelope<T extends MessageType>(
	type: T,
	payload: Payload<T>,
	seq: number,
	messageId: string
): Envelope {
	return { v: PROTOCOL_VERSION, type, id: messageId, seq, payload } as Envelope;
}
