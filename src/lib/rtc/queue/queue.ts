import type { Signal, Signaling } from '../signaling/signaling';

// The queue, kept by gossip over signaling: callers cannot see one another, so each waiting caller
// announces when it joined, and the operators' consoles count the waiting callers and tell each its
// place. No server keeps the line.

/** A place a console told is trusted this long. */
const POSITION_FRESH_MS = 10_000;
/** A waiting caller announces itself this often. */
const ANNOUNCE_EVERY_MS = 2000;
/** A queued caller not heard from for this long has left. */
const STALE_MS = 10_000;

/** A caller's place in the queue. */
export class QueuePlace {
	readonly #signaling: Signaling;
	readonly #selfId: string;
	#since: number | null = null;
	#position: { position: number; at: number } | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;

	constructor(signaling: Signaling, selfId: string) {
		this.#signaling = signaling;
		this.#selfId = selfId;
	}

	/** Whether this caller is waiting in the queue. */
	get waiting(): boolean {
		return this.#since !== null;
	}

	/** The place a console last said, or null until one has said so in the last 10 s. */
	get position(): number | null {
		const p = this.#position;
		return p && p.at > Date.now() - POSITION_FRESH_MS ? p.position : null;
	}

	/** A console told this caller its place. */
	told(position: number): void {
		this.#position = { position, at: Date.now() };
	}

	/** Joins the queue and keeps announcing; `tick` runs after each announcement. */
	join(tick: () => void): void {
		if (this.#since !== null) return;
		this.#since = Date.now();
		this.announce();
		this.#timer = setInterval(() => {
			this.announce();
			tick();
		}, ANNOUNCE_EVERY_MS);
		tick();
	}

	/** Leaves the queue (a person took the call, the caller chose otherwise, or hung up). */
	leave(): void {
		if (this.#since === null) return;
		this.#announce('left');
		clearInterval(this.#timer);
		this.#since = null;
		this.#position = null;
	}

	/** Tells the consoles this caller is waiting (at once, e.g. when an operator appears). */
	announce(): void {
		this.#announce('waiting');
	}

	#announce(status: 'waiting' | 'left'): void {
		if (this.#since === null) return;
		this.#signaling.send({
			type: 'queue',
			from: this.#selfId,
			since: this.#since,
			status,
			at: Date.now()
		});
	}
}

/** A console's count of the waiting callers, to tell each its place. Never rendered. */
export class QueueKeeper {
	readonly #waiting = new Map<string, { since: number; at: number }>();

	/** A caller announced itself, or left. */
	heard(m: Extract<Signal, { type: 'queue' }>): void {
		if (m.status === 'left') this.#waiting.delete(m.from);
		else {
			const known = this.#waiting.get(m.from);
			this.#waiting.set(m.from, { since: known?.since ?? m.since, at: Date.now() });
		}
	}

	/** The waiting callers in order: by when they joined, ties broken by id; stale ones dropped. */
	line(): string[] {
		const stale = Date.now() - STALE_MS;
		for (const [id, q] of this.#waiting) if (q.at < stale) this.#waiting.delete(id);
		return [...this.#waiting]
			.sort(([a, qa], [b, qb]) => qa.since - qb.since || (a < b ? -1 : a > b ? 1 : 0))
			.map(([id]) => id);
	}
}
