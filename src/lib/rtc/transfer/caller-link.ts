import type { ContextPackage } from '../../agents/handoff/context-package';
import type { CallState } from '../../agents/events';
import type { HumanLink } from '../../agents/human-link';
import { uuid } from '../../agents/ids';
import type { Database } from '../../storage/db';
import type { Link } from './link';
import type { Peer } from './peer';
import { openPeerLink } from './peer-link';
import { CallbackSender } from '../callbacks/callbacks';
import { QueuePlace } from '../queue/queue';
import type { Presence, Signaling } from '../signaling/signaling';

// The caller's side of a warm transfer. Offered a handoff to a person, this finds an available
// operator, opens a peer link, sends the context package (through the outbox, so it survives a
// dropped link) and waits for the operator to accept, decline or ask for a callback, which it
// passes to the call's human line. It never leaves the caller on a dead line: no operator, a
// timeout or a vanished peer all fall back. The page's wiring (routes/wire-call.ts) feeds it the
// session's events; it sees the call only through `HumanLink`.

export type CallerLinkOptions = {
	/** The call's human line: what an operator's answers do to the call. */
	line: HumanLink;
	signaling: Signaling;
	db: Database;
	/** How long to wait for an operator to accept. */
	acceptTimeoutMs?: number;
	/** The caller's microphone for the human leg; null for text-only callers. */
	microphone?: () => Promise<MediaStream | null>;
};

export type CallerLinkEvent =
	| { type: 'status'; status: CallerLinkStatus }
	| { type: 'remote_audio'; stream: MediaStream }
	/** The six digits to compare aloud with the operator, once the peer link is up. */
	| { type: 'safety_code'; code: string };

export type CallerLinkStatus =
	| { type: 'idle' }
	| { type: 'looking' }
	| { type: 'ringing'; operator: string }
	| { type: 'connected'; operator: string }
	/** The place in line, once an operator's console has said it. */
	| { type: 'queued'; position: number | null }
	| { type: 'failed'; reason: string };

export class CallerLink {
	readonly selfId: string;
	readonly #o: CallerLinkOptions;
	readonly #operators = new Map<string, Presence>();
	#peer: Peer | null = null;
	#link: Link | null = null;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#pkg: ContextPackage | null = null;
	#connected = false;
	#unsubs: (() => void)[] = [];
	readonly #queue: QueuePlace;
	readonly #callbacks: CallbackSender;
	readonly #listeners = new Set<(e: CallerLinkEvent) => void>();

	constructor(options: CallerLinkOptions) {
		this.#o = options;
		// A broker that names its clients decides this caller's id; otherwise any unique id does.
		this.selfId = options.signaling.selfId ?? uuid();
		this.#queue = new QueuePlace(options.signaling, this.selfId);
		this.#callbacks = new CallbackSender({
			db: options.db,
			signaling: options.signaling,
			selfId: this.selfId
		});
		this.#unsubs.push(
			options.signaling.subscribe((m) => {
				if (m.type === 'presence') {
					if (m.status === 'offline') this.#operators.delete(m.from);
					else this.#operators.set(m.from, m);
					if (m.status === 'available') {
						void this.#flushCallbacks();
						// Tell the console at once, so it can give this caller its place.
						this.#queue.announce();
						this.#queueTick();
					}
				}
				if (m.type === 'callback_ack' && m.to === this.selfId) void this.#callbacks.sent(m.id);
				if (m.type === 'position' && m.to === this.selfId) {
					this.#queue.told(m.position);
					this.#queueTick();
				}
			})
		);
		void options.signaling.listenAs(this.selfId).then(() => {
			options.signaling.send({ type: 'who', from: this.selfId });
			// The caller may have asked for a person while signaling was still connecting.
			const waiting = options.line.waiting;
			if (waiting) void this.offer(waiting);
		});
	}

	on(listener: (e: CallerLinkEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/**
	 * The data channel to the person who has the call, or null while no one has it: what the call
	 * says goes over it live (the page's wiring sends each transcript line).
	 */
	get withPerson(): Link | null {
		return this.#connected ? this.#link : null;
	}

	get availableOperators(): Presence[] {
		const fresh = Date.now() - 15_000;
		return [...this.#operators.values()].filter((p) => p.status === 'available' && p.at > fresh);
	}

	close(): void {
		clearTimeout(this.#timer);
		this.#queue.leave();
		this.#link?.close();
		this.#peer?.close();
		for (const u of this.#unsubs) u();
		this.#listeners.clear();
	}

	/** The caller asked for a callback: stored, then offered to an available operator. */
	async requestCallback(): Promise<void> {
		await this.#callbacks.store(this.#o.line.callback());
		await this.#flushCallbacks();
	}

	#flushCallbacks(): Promise<void> {
		return this.#callbacks.flush(this.availableOperators.find((p) => p.key));
	}

	/** This caller's place in the queue as the operators' consoles count it, or null. */
	get queuePosition(): number | null {
		return this.#queue.position;
	}

	/** The call's state: a queued caller announces itself and is rung through when first in line. */
	callState(state: CallState): void {
		if (state === 'queued') this.#queue.join(() => this.#queueTick());
		else this.#queue.leave();
	}

	/** Updates the shown position, and rings an operator when this caller is first in line. */
	#queueTick(): void {
		if (!this.#queue.waiting) return;
		const position = this.#queue.position;
		if (!this.#peer) this.#status({ type: 'queued', position });
		const last = this.#o.line.lastHandoff;
		if (position === 1 && !this.#peer && this.availableOperators.length > 0 && last) {
			void this.offer(last);
		}
	}

	#status(status: CallerLinkStatus): void {
		this.#emit({ type: 'status', status });
	}

	#emit(e: CallerLinkEvent): void {
		for (const l of this.#listeners) l(e);
	}

	/** A handoff to a person: ring an available operator with its package, or fall back. */
	async offer(pkg: ContextPackage): Promise<void> {
		this.#pkg = pkg;
		this.#status({ type: 'looking' });
		// Presence can lag a moment behind a freshly opened console: ask, then give it a beat.
		this.#o.signaling.send({ type: 'who', from: this.selfId });
		if (this.availableOperators.length === 0) await new Promise((r) => setTimeout(r, 600));
		const operator = this.availableOperators[0];
		if (!operator) {
			this.#status({ type: 'failed', reason: 'no operator available' });
			await this.#o.line.declined('No one is available right now.');
			return;
		}
		// Presence names no one over a broker; the person's name comes with their accept.
		this.#status({ type: 'ringing', operator: operator.name ?? 'a specialist' });
		const { peer, link } = openPeerLink({
			signaling: this.#o.signaling,
			selfId: this.selfId,
			peerId: operator.from,
			polite: false,
			db: this.#o.db,
			// The outbox is scoped to this handoff: a package left by an earlier call never goes out here.
			scope: pkg.handoffId,
			onSafetyCode: (code) => code && this.#emit({ type: 'safety_code', code }),
			onRemoteAudio: (stream) => {
				this.#emit({ type: 'remote_audio', stream });
				this.#o.line.timing({
					handoffId: pkg.handoffId,
					operatorAudioMs: Date.now() - Date.parse(pkg.createdAt)
				});
			}
		});
		this.#peer = peer;
		this.#link = link;
		link.on((e) => void this.#onLink(e, operator));
		const acceptMs = this.#o.acceptTimeoutMs ?? 30_000;
		this.#o.signaling.send({
			type: 'ring',
			from: this.selfId,
			to: operator.from,
			callId: pkg.callId,
			acceptMs
		});
		await link.sendReliable('package', pkg);
		this.#timer = setTimeout(() => void this.#fail('No one picked up in time.'), acceptMs);
	}

	async #onLink(e: Parameters<Parameters<Link['on']>[0]>[0], operator: Presence): Promise<void> {
		const line = this.#o.line;
		if (e.type === 'acked' && this.#pkg && e.handoffId === this.#pkg.handoffId) {
			line.timing({
				handoffId: this.#pkg.handoffId,
				packageOnConsoleMs: Date.now() - Date.parse(this.#pkg.createdAt)
			});
		}
		if (e.type === 'peer' && !e.alive && this.#connected) {
			this.#connected = false;
			this.#status({ type: 'failed', reason: 'the operator left' });
			this.#peer?.close();
			await line.lost();
		}
		// The console rings for another call and will never show this package: no point waiting.
		if (e.type === 'refused' && e.handoffId === this.#pkg?.handoffId && !this.#connected)
			await this.#fail('The specialist could not take the call right now.');
		if (e.type !== 'message') return;
		const env = e.envelope;
		if (env.type === 'operator') {
			clearTimeout(this.#timer);
			if (env.payload.action === 'accept') {
				this.#connected = true;
				const name = env.payload.name ?? operator.name ?? 'a specialist';
				line.accepted(name);
				this.#status({ type: 'connected', operator: name });
				const mic = await this.#o.microphone?.().catch(() => null);
				if (mic) this.#peer?.addStream(mic);
			} else if (env.payload.action === 'decline') {
				await this.#fail('The specialist could not take the call right now.');
			} else {
				await this.#fail('The specialist will call you back.');
				await line.callbackAsked();
			}
		} else if (env.type === 'handback') {
			this.#connected = false;
			const { to, notes, callerLine } = env.payload;
			await line.handBack({ to, notes, ...(callerLine ? { callerLine } : {}) });
			this.#status({ type: 'idle' });
			this.#peer?.close();
		} else if (env.type === 'text' && this.#connected) {
			line.said(env.payload.text);
		} else if (env.type === 'hangup' && this.#connected) {
			// The person finished the call.
			this.#connected = false;
			this.#status({ type: 'idle' });
			this.#peer?.close();
			line.hungUp();
		}
	}

	async #fail(reason: string): Promise<void> {
		clearTimeout(this.#timer);
		this.#status({ type: 'failed', reason });
		this.#peer?.close();
		this.#peer = null;
		// The link goes, the outbox stays: an unacknowledged package is resent on the next link.
		this.#link?.close();
		this.#link = null;
		await this.#o.line.declined(reason);
	}
}
