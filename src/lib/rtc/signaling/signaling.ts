import * as v from 'valibot';

// Signaling finds operators and carries WebRTC offers, answers and ICE candidates. It is an
// interface with interchangeable transports (BroadcastChannel here; MQTT in mqtt-signaling.ts);
// everything received is validated, because any tab or broker client can publish. Nothing personal
// crosses it in clear text: a callback is sealed to the operator's key (sealed.ts), and the context
// package travels only on the peer link's data channel.

const peerId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const b64 = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9_-]*$/));
/** A box sealed to an operator's key (callbacks/sealed.ts), its ciphertext at most `ct` long. */
const sealedBox = (ct: number) => v.object({ epk: b64(120), iv: b64(40), ct: b64(ct) });

export const SignalSchema = v.variant('type', [
	v.object({
		type: v.literal('presence'),
		from: peerId,
		/** Only where callers cannot see other operators anyway (manual pairing). */
		name: v.optional(v.pipe(v.string(), v.maxLength(100))),
		status: v.picklist(['available', 'away', 'busy', 'offline']),
		at: v.number(),
		/** The operator's public key for sealed callbacks (P-256, raw, base64url). */
		key: v.optional(b64(120))
	}),
	v.object({ type: v.literal('who'), from: peerId }),
	v.object({
		type: v.literal('ring'),
		from: peerId,
		to: peerId,
		callId: v.string(),
		/** How long the caller waits for an accept: the console counts it down. */
		acceptMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3_600_000)))
	}),
	v.object({
		type: v.literal('description'),
		from: peerId,
		to: peerId,
		description: v.object({
			type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
			sdp: v.optional(v.string())
		})
	}),
	v.object({
		type: v.literal('candidate'),
		from: peerId,
		to: peerId,
		candidate: v.nullable(
			v.object({
				candidate: v.optional(v.string()),
				sdpMid: v.optional(v.nullable(v.string())),
				sdpMLineIndex: v.optional(v.nullable(v.number())),
				usernameFragment: v.optional(v.nullable(v.string()))
			})
		)
	}),
	v.object({ type: v.literal('bye'), from: peerId, to: peerId }),
	v.object({
		type: v.literal('callback'),
		from: peerId,
		to: peerId,
		id: v.pipe(v.string(), v.maxLength(100)),
		/** The callback (sealed.ts `CallbackRequest`), readable only with the operator's key. */
		sealed: sealedBox(12_000)
	}),
	v.object({ type: v.literal('callback_ack'), from: peerId, to: peerId, id: v.string() }),
	/** A kiosk's audit events (audit-batches.ts `AuditBatch`), sealed like a callback. */
	v.object({
		type: v.literal('audit'),
		from: peerId,
		to: peerId,
		id: v.pipe(v.string(), v.maxLength(200)),
		sealed: sealedBox(26_000)
	}),
	v.object({
		type: v.literal('audit_ack'),
		from: peerId,
		to: peerId,
		id: v.pipe(v.string(), v.maxLength(200))
	}),
	/** An operator tells a waiting caller its place in the queue. */
	v.object({
		type: v.literal('position'),
		from: peerId,
		to: peerId,
		position: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
		at: v.number()
	}),
	v.object({
		type: v.literal('queue'),
		from: peerId,
		since: v.number(),
		status: v.picklist(['waiting', 'left']),
		at: v.number()
	})
]);

export type Signal = v.InferOutput<typeof SignalSchema>;
export type Presence = Extract<Signal, { type: 'presence' }>;

export interface Signaling {
	readonly kind: 'broadcast' | 'mqtt' | 'manual';
	/**
	 * The id this transport names this peer by, where the transport decides (an MQTT broker binds a
	 * caller to its client id and an operator to its account); null where the page picks its own.
	 */
	readonly selfId: string | null;
	send(message: Signal): void;
	subscribe(listener: (message: Signal) => void): () => void;
	/** Starts receiving messages addressed to `peerId` (transports that route by address). */
	listenAs(peerId: string): Promise<void>;
	close(): void;
}

/** Parses a signaling message from any transport; returns null (and says why) for a bad one. */
export function parseSignal(data: unknown): Signal | null {
	const r = v.safeParse(SignalSchema, typeof data === 'string' ? safeJson(data) : data);
	if (r.success) return r.output;
	console.warn('baton signaling: dropped an invalid message');
	return null;
}

function safeJson(s: string): unknown {
	try {
		return JSON.parse(s);
	} catch {
		return null;
	}
}

/** Two tabs of one browser: demos with no server, and tests. */
export class BroadcastSignaling implements Signaling {
	readonly kind = 'broadcast' as const;
	readonly selfId = null;
	readonly #channel: BroadcastChannel;
	readonly #listeners = new Set<(m: Signal) => void>();

	constructor(name = 'baton-signaling') {
		this.#channel = new BroadcastChannel(name);
		this.#channel.onmessage = (e) => {
			const m = parseSignal(e.data);
			if (m) for (const l of this.#listeners) l(m);
		};
	}

	send(message: Signal): void {
		this.#channel.postMessage(message);
	}

	subscribe(listener: (m: Signal) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	async listenAs(): Promise<void> {
		// Every tab hears every message; peers filter on `to`.
	}

	close(): void {
		this.#channel.close();
		this.#listeners.clear();
	}
}
