import { MAX_MESSAGE_BYTES, ProtocolError, type Envelope } from './envelope';

// RTCDataChannel messages have a size limit (`sctp.maxMessageSize`, often 64–256 KiB). Larger
// envelopes travel as `chunk` envelopes and are reassembled on the far side, within bounds, so a
// peer cannot make the receiver hold unbounded data.

/** Room left in each frame for the chunk envelope around the data. */
const OVERHEAD = 256;

/** Splits a serialized envelope into frames that each fit in `maxMessageSize` characters. */
export function toFrames(
	env: Envelope,
	maxMessageSize: number,
	next: { seq: () => number; id: () => string }
): string[] {
	const text = JSON.stringify(env);
	if (text.length <= maxMessageSize) return [text];
	// Escaping inside the chunk's JSON string can grow the data (quotes become \"), so shrink the
	// slice until every frame fits.
	let size = Math.max(1, maxMessageSize - OVERHEAD);
	for (;;) {
		const frames = slice(text, env.id, size, next);
		if (frames.every((f) => f.length <= maxMessageSize) || size === 1) return frames;
		size = Math.max(1, Math.floor(size * 0.6));
	}
}

function slice(
	text: string,
	of: string,
	size: number,
	next: { seq: () => number; id: () => string }
): string[] {
	const total = Math.ceil(text.length / size);
	const frames: string[] = [];
	for (let index = 0; index < total; index++) {
		const chunk = {
			v: 1,
			type: 'chunk',
			id: next.id(),
			seq: next.seq(),
			payload: { of, index, total, data: text.slice(index * size, (index + 1) * size) }
		};
		frames.push(JSON.stringify(chunk));
	}
	return frames;
}

type Pending = { parts: (string | undefined)[]; received: number; bytes: number; started: number };

export type ReassemblerOptions = {
	/** Largest message, reassembled. */
	maxBytes?: number;
	/** Messages half received at once; past this the oldest is dropped to make room. */
	maxPending?: number;
	/** How long a half-received message waits for its missing chunks. */
	timeoutMs?: number;
	/** Told about every partial message dropped that is not the one being added to. */
	onDropped?: (error: ProtocolError) => void;
};

/**
 * Collects `chunk` payloads until a whole envelope is back; returns its text when complete. Memory
 * stays bounded (maxPending × maxBytes): when too many messages are half received, the oldest is
 * evicted so new messages still get through, and every dropped partial is reported with a typed
 * error. The sender resends whatever mattered (the outbox), so a dropped partial is not lost.
 */
export class Reassembler {
	readonly #pending = new Map<string, Pending>();
	readonly #maxBytes: number;
	readonly #maxPending: number;
	readonly #timeoutMs: number;
	readonly #onDropped: (error: ProtocolError) => void;

	constructor(options: ReassemblerOptions = {}) {
		this.#maxBytes = options.maxBytes ?? MAX_MESSAGE_BYTES;
		this.#maxPending = Math.max(1, options.maxPending ?? 16);
		this.#timeoutMs = options.timeoutMs ?? 30_000;
		this.#onDropped = options.onDropped ?? (() => {});
	}

	/** Messages half received right now. */
	get pending(): number {
		return this.#pending.size;
	}

	/** Adds one chunk; throws a ProtocolError when this chunk's own message has to be dropped. */
	add(
		chunk: { of: string; index: number; total: number; data: string },
		now = Date.now()
	): string | null {
		this.sweep(now);
		if (chunk.index >= chunk.total) {
			this.#pending.delete(chunk.of);
			throw new ProtocolError(
				'invalid_envelope',
				`A chunk numbered ${chunk.index} claims a message of only ${chunk.total} chunks; the message was dropped.`
			);
		}
		let p = this.#pending.get(chunk.of);
		if (p && p.parts.length !== chunk.total) {
			// Re-chunked (a resend over a channel with another size limit): the newer series wins.
			this.#pending.delete(chunk.of);
			p = undefined;
			this.#onDropped(
				new ProtocolError(
					'invalid_envelope',
					'Chunks of one message disagreed on their count; the older part was dropped.'
				)
			);
		}
		if (!p) {
			if (this.#pending.size >= this.#maxPending) this.#evictOldest();
			p = {
				parts: new Array<string | undefined>(chunk.total),
				received: 0,
				bytes: 0,
				started: now
			};
			this.#pending.set(chunk.of, p);
		}
		if (p.parts[chunk.index] === undefined) {
			p.parts[chunk.index] = chunk.data;
			p.received++;
			p.bytes += chunk.data.length;
		}
		if (p.bytes > this.#maxBytes) {
			this.#pending.delete(chunk.of);
			throw new ProtocolError(
				'message_too_large',
				`A chunked message grew past ${this.#maxBytes} bytes; it was dropped.`
			);
		}
		if (p.received < p.parts.length) return null;
		this.#pending.delete(chunk.of);
		return p.parts.join('');
	}

	/** Drops partial messages that waited longer than the timeout, reporting each. */
	sweep(now = Date.now()): void {
		for (const [key, p] of this.#pending) {
			if (now - p.started <= this.#timeoutMs) continue;
			this.#pending.delete(key);
			this.#onDropped(
				new ProtocolError(
					'chunk_expired',
					`A message still missed ${p.parts.length - p.received} of its ${p.parts.length} chunks after ${Math.round(this.#timeoutMs / 1000)} s; it was dropped (a resend starts it again).`,
					{ retryable: true }
				)
			);
		}
	}

	/** Forgets every partial message (their channel closed); returns how many there were. */
	clear(): number {
		const n = this.#pending.size;
		this.#pending.clear();
		return n;
	}

	#evictOldest(): void {
		// A Map iterates in insertion order: the first key is the message that started earliest.
		const oldest = this.#pending.keys().next();
		if (oldest.done) return;
		this.#pending.delete(oldest.value);
		this.#onDropped(
			new ProtocolError(
				'chunk_overflow',
				`More than ${this.#maxPending} messages were half received at once; the oldest was dropped to make room (a resend starts it again).`,
				{ retryable: true }
			)
		);
	}
}
