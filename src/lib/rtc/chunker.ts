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

/** Collects `chunk` payloads until a whole envelope is back; returns its text when complete. */
export class Reassembler {
	readonly #pending = new Map<string, Pending>();
	readonly #maxBytes: number;
	readonly #maxPending: number;
	readonly #timeoutMs: number;

	constructor(options: { maxBytes?: number; maxPending?: number; timeoutMs?: number } = {}) {
		this.#maxBytes = options.maxBytes ?? MAX_MESSAGE_BYTES;
		this.#maxPending = options.maxPending ?? 16;
		this.#timeoutMs = options.timeoutMs ?? 30_000;
	}

	add(
		chunk: { of: string; index: number; total: number; data: string },
		now = Date.now()
	): string | null {
		for (const [key, p] of this.#pending)
			if (now - p.started > this.#timeoutMs) this.#pending.delete(key);
		let p = this.#pending.get(chunk.of);
		if (!p) {
			if (this.#pending.size >= this.#maxPending) {
				throw new ProtocolError(
					'chunk_overflow',
					'Too many partial messages at once; the oldest were dropped.'
				);
			}
			p = { parts: new Array(chunk.total), received: 0, bytes: 0, started: now };
			this.#pending.set(chunk.of, p);
		}
		if (chunk.total !== p.parts.length || chunk.index >= chunk.total) {
			this.#pending.delete(chunk.of);
			throw new ProtocolError(
				'invalid_envelope',
				'Chunks of one message disagree on their count; the message was dropped.'
			);
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
}
