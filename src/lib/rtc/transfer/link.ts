import { BatonError, ValidationError } from '../../errors';
import { uuid } from '../../agents/ids';
import type { Outbox, Received } from '../../storage/outbox';
import { Reassembler, toFrames } from './chunker';
import {
	envelope,
	parseEnvelope,
	ProtocolError,
	type Envelope,
	type MessageType,
	type Payload
} from './envelope';

// A reliable, validated message link over anything that carries text (an RTCDataChannel, or an
// in-memory pair in tests). Context packages go through the IndexedDB outbox (scoped to their
// handoff) and are resent until acknowledged or expired; the receiver takes each handoff in once,
// remembered in IndexedDB, and refuses a package for another call. A heartbeat notices a dead peer.

/** What the link needs from a transport; an RTCDataChannel fits through `dataChannelPort`. */
export type Port = {
	send(text: string): void;
	readonly maxMessageSize: number;
	readonly isOpen: boolean;
	onmessage: ((data: unknown) => void) | null;
};

export type LinkEvent =
	| {
			type: 'message';
			envelope: Exclude<Envelope, Envelope<'chunk' | 'ack' | 'heartbeat'>>;
			duplicate: boolean;
	  }
	| { type: 'acked'; id: string; handoffId?: string }
	/** The peer will never apply this message (a package for a call it is not ringing for). */
	| { type: 'refused'; id: string; handoffId?: string; reason: 'wrong_call' }
	/** Never acknowledged in time: dropped from the outbox without being delivered. */
	| { type: 'expired'; id: string; handoffId?: string }
	| { type: 'rejected'; error: BatonError }
	| { type: 'peer'; alive: boolean };

export type LinkOptions = {
	outbox: Outbox<Envelope>;
	received: Received;
	heartbeatMs?: number;
	/** Silence after which the peer counts as gone. */
	deadAfterMs?: number;
	resendMs?: number;
	/**
	 * The call this link carries; a package for any other call is refused, never taken in. Unset
	 * (a manually paired ring cannot name its call), the link carries the call of the first
	 * package it takes in.
	 */
	callId?: string;
};

export class Link {
	#port: Port | null = null;
	#seq = 0;
	#outbox: Outbox<Envelope>;
	#received: Received;
	#reassembler: Reassembler;
	#closed = false;
	#callId: string | undefined;
	#listeners = new Set<(e: LinkEvent) => void>();
	#lastHeard = Date.now();
	#alive = false;
	#timers: ReturnType<typeof setInterval>[] = [];
	#queue: Promise<void> = Promise.resolve();
	/** When each reliable message last left, and on which port: a flush does not repeat it at once. */
	readonly #sentAt = new Map<string, { port: Port; at: number }>();
	readonly #resendMs: number;
	readonly #heartbeatMs: number;
	readonly #deadAfterMs: number;

	constructor(options: LinkOptions) {
		this.#outbox = options.outbox;
		this.#received = options.received;
		this.#heartbeatMs = options.heartbeatMs ?? 1000;
		this.#deadAfterMs = options.deadAfterMs ?? 4000;
		this.#callId = options.callId;
		this.#resendMs = options.resendMs ?? 2000;
		this.#reassembler = new Reassembler({ onDropped: (e) => this.#reject(e) });
		this.#timers.push(setInterval(() => this.#tick(), this.#heartbeatMs));
		this.#timers.push(setInterval(() => void this.flush(), this.#resendMs));
	}

	get alive(): boolean {
		return this.#alive;
	}

	on(listener: (e: LinkEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Attaches a (new) transport and resends everything not yet acknowledged. */
	attach(port: Port): void {
		if (this.#closed) return;
		if (this.#port && this.#port !== port) {
			this.#port.onmessage = null;
			// The old channel is gone, and with it the rest of any message it was carrying.
			const half = this.#reassembler.clear();
			if (half > 0) {
				this.#reject(
					new ProtocolError(
						'channel_closed',
						`The channel closed with ${half} message${half === 1 ? '' : 's'} half received; the sender resends ${half === 1 ? 'it' : 'them'} whole.`,
						{ retryable: true }
					)
				);
			}
		}
		this.#port = port;
		port.onmessage = (data) => this.#receive(data);
		this.#lastHeard = Date.now();
		void this.flush();
	}

	/** Sends a message that must arrive: stored first, resent until acknowledged. */
	async sendReliable<T extends MessageType>(type: T, payload: Payload<T>): Promise<string> {
		const env = envelope(type, payload, this.#seq++, uuid());
		await this.#outbox.add(env);
		this.#transmitReliable(env);
		return env.id;
	}

	/** Sends a message that may be lost (live transcript, heartbeats, control). */
	send<T extends MessageType>(type: T, payload: Payload<T>): boolean {
		return this.#transmit(envelope(type, payload, this.#seq++, uuid()));
	}

	/** Drops expired messages, then resends this link's unacknowledged ones. */
	async flush(): Promise<void> {
		if (this.#closed) return;
		for (const env of await this.#outbox.expire())
			this.#emit({ type: 'expired', id: env.id, handoffId: handoffOf(env) });
		if (!this.#port?.isOpen) return;
		for (const env of await this.#outbox.pending()) {
			if (this.#closed) return;
			const last = this.#sentAt.get(env.id);
			if (last?.port === this.#port && Date.now() - last.at < this.#resendMs / 2) continue;
			if (this.#transmitReliable(env)) await this.#outbox.attempted(env.id);
		}
	}

	/** Resolves once every frame received so far has been handled. */
	idle(): Promise<void> {
		return this.#queue;
	}

	/** Stops the link for good: nothing more is sent, taken in or reported. */
	close(): void {
		this.#closed = true;
		for (const t of this.#timers) clearInterval(t);
		this.#timers = [];
		if (this.#port) this.#port.onmessage = null;
		this.#port = null;
	}

	#transmitReliable(env: Envelope): boolean {
		const port = this.#port;
		if (!port || !this.#transmit(env)) return false;
		this.#sentAt.set(env.id, { port, at: Date.now() });
		return true;
	}

	#transmit(env: Envelope): boolean {
		const port = this.#port;
		if (!port?.isOpen) return false;
		try {
			for (const frame of toFrames(env, port.maxMessageSize, { seq: () => this.#seq++, id: uuid }))
				port.send(frame);
			return true;
		} catch {
			// The channel closed under us; the outbox still holds what matters.
			return false;
		}
	}

	#tick(): void {
		this.send('heartbeat', { at: Date.now() });
		this.#reassembler.sweep();
		const alive = Date.now() - this.#lastHeard < this.#deadAfterMs && this.#port?.isOpen === true;
		if (alive !== this.#alive) {
			this.#alive = alive;
			this.#emit({ type: 'peer', alive });
		}
	}

	#receive(data: unknown): void {
		if (this.#closed) return;
		this.#lastHeard = Date.now();
		if (!this.#alive) {
			this.#alive = true;
			this.#emit({ type: 'peer', alive: true });
		}
		// Handle frames strictly in arrival order, even though de-duplication awaits IndexedDB.
		this.#queue = this.#queue.then(() => this.#handle(data)).catch((e) => this.#reject(e));
	}

	async #handle(data: unknown): Promise<void> {
		let env = parseEnvelope(data);
		if (env.type === 'chunk') {
			const whole = this.#reassembler.add(env.payload);
			if (whole === null) return;
			env = parseEnvelope(whole);
		}
		if (this.#closed) return;
		switch (env.type) {
			case 'heartbeat':
				return;
			case 'ack': {
				const { of, handoffId, refused } = env.payload;
				this.#sentAt.delete(of);
				await this.#outbox.ack(of);
				if (this.#closed) return;
				this.#emit(
					refused
						? { type: 'refused', id: of, handoffId, reason: refused }
						: { type: 'acked', id: of, handoffId }
				);
				return;
			}
			case 'package': {
				const { handoffId, callId } = env.payload;
				if (this.#callId !== undefined && callId !== this.#callId) {
					// Not recorded as received: the right call may still bring it.
					this.send('ack', { of: env.id, handoffId, refused: 'wrong_call' });
					throw new ProtocolError(
						'wrong_call',
						'A package arrived for a call other than the one ringing here; it was refused and not shown.'
					);
				}
				const first = await this.#received.first(handoffId, callId);
				if (this.#closed) return;
				this.#callId ??= callId;
				this.send('ack', { of: env.id, handoffId, duplicate: !first });
				this.#emit({ type: 'message', envelope: env, duplicate: !first });
				return;
			}
			default:
				this.#emit({
					type: 'message',
					envelope: env as Extract<LinkEvent, { type: 'message' }>['envelope'],
					duplicate: false
				});
		}
	}

	#reject(e: unknown): void {
		if (this.#closed) return;
		const error =
			e instanceof ProtocolError || e instanceof ValidationError
				? e
				: new BatonError({
						code: 'link_error',
						message: e instanceof Error ? e.message : String(e)
					});
		// Logged with its code only: a rejected message may hold caller words.
		console.warn(`baton link: rejected a message (${error.code})`);
		this.#emit({ type: 'rejected', error });
	}

	#emit(e: LinkEvent): void {
		for (const l of this.#listeners) l(e);
	}
}

function handoffOf(env: Envelope): string | undefined {
	return env.type === 'package' ? env.payload.handoffId : undefined;
}

/** Wraps an RTCDataChannel as a Port. */
export function dataChannelPort(channel: RTCDataChannel, maxMessageSize: number): Port {
	const port: Port = {
		send: (text) => channel.send(text),
		maxMessageSize,
		get isOpen() {
			return channel.readyState === 'open';
		},
		onmessage: null
	};
	channel.addEventListener('message', (e) => port.onmessage?.(e.data));
	return port;
}
