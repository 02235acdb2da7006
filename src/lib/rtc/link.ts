import { BatonError, ValidationError } from '../agents/errors';
import { uuid } from '../agents/ids';
import type { Outbox, Received } from '../storage/outbox';
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
// in-memory pair in tests). Context packages go through the IndexedDB outbox and are resent until
// acknowledged; the receiver applies each handoff once. A heartbeat notices a dead peer.

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
	| { type: 'rejected'; error: BatonError }
	| { type: 'peer'; alive: boolean };

export type LinkOptions = {
	outbox: Outbox;
	received: Received;
	heartbeatMs?: number;
	/** Silence after which the peer counts as gone. */
	deadAfterMs?: number;
	resendMs?: number;
};

export class Link {
	#port: Port | null = null;
	#seq = 0;
	#outbox: Outbox;
	#received: Received;
	#reassembler = new Reassembler();
	#listeners = new Set<(e: LinkEvent) => void>();
	#lastHeard = Date.now();
	#alive = false;
	#timers: ReturnType<typeof setInterval>[] = [];
	#queue: Promise<void> = Promise.resolve();
	readonly #heartbeatMs: number;
	readonly #deadAfterMs: number;

	constructor(options: LinkOptions) {
		this.#outbox = options.outbox;
		this.#received = options.received;
		this.#heartbeatMs = options.heartbeatMs ?? 1000;
		this.#deadAfterMs = options.deadAfterMs ?? 4000;
		this.#timers.push(setInterval(() => this.#tick(), this.#heartbeatMs));
		this.#timers.push(setInterval(() => void this.flush(), options.resendMs ?? 2000));
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
		this.#port = port;
		port.onmessage = (data) => this.#receive(data);
		this.#lastHeard = Date.now();
		void this.flush();
	}

	/** Sends a message that must arrive: stored first, resent until acknowledged. */
	async sendReliable<T extends MessageType>(type: T, payload: Payload<T>): Promise<string> {
		const env = envelope(type, payload, this.#seq++, uuid());
		await this.#outbox.add(env);
		this.#transmit(env);
		return env.id;
	}

	/** Sends a message that may be lost (live transcript, heartbeats, control). */
	send<T extends MessageType>(type: T, payload: Payload<T>): boolean {
		return this.#transmit(envelope(type, payload, this.#seq++, uuid()));
	}

	async flush(): Promise<void> {
		if (!this.#port?.isOpen) return;
		for (const env of await this.#outbox.pending()) {
			if (this.#transmit(env)) await this.#outbox.attempted(env.id);
		}
	}

	close(): void {
		for (const t of this.#timers) clearInterval(t);
		this.#timers = [];
		if (this.#port) this.#port.onmessage = null;
		this.#port = null;
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
		const alive = Date.now() - this.#lastHeard < this.#deadAfterMs && this.#port?.isOpen === true;
		if (alive !== this.#alive) {
			this.#alive = alive;
			this.#emit({ type: 'peer', alive });
		}
	}

	#receive(data: unknown): void {
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
		switch (env.type) {
			case 'heartbeat':
				return;
			case 'ack':
				await this.#outbox.ack(env.payload.of);
				this.#emit({ type: 'acked', id: env.payload.of, handoffId: env.payload.handoffId });
				return;
			case 'package': {
				const first = await this.#received.first(env.payload.handoffId);
				this.send('ack', { of: env.id, handoffId: env.payload.handoffId, duplicate: !first });
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
