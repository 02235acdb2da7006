import type { Database, OutgoingMessage } from './db';
import { isQuotaError } from './quota';

// Messages that must arrive (context packages) wait here until the peer acknowledges them. The
// outbox lives in IndexedDB, so a dropped channel or a reload between send and ack loses nothing.
// Each outbox is scoped to one handoff: a link flushes only its own scope, so a package left over
// from an earlier call can never reach the operator of the next one, and rows expire. With the
// device out of storage, a message is kept in memory instead: still sent, and resent until
// acknowledged, while the page stays open (only a reload would lose it).

/** How long an unacknowledged message is kept; an unanswered handoff has long fallen back by then. */
export const OUTBOX_TTL_MS = 10 * 60_000;

/** How long a console remembers a handoff it took in; far longer than any resend can come. */
export const RECEIVED_RETAIN_MS = 24 * 60 * 60_000;

export type OutboxOptions = {
	/** What this outbox sends: the handoff id on a caller's link. */
	scope: string;
	/** Age after which an unacknowledged message is dropped instead of sent. */
	ttlMs?: number;
	now?: () => number;
};

/** The handoff a context package carries; other messages have none. */
function handoffOf(m: OutgoingMessage): string | undefined {
	if (m.type !== 'package') return undefined;
	const id = (m.payload as { handoffId?: unknown } | null)?.handoffId;
	return typeof id === 'string' ? id : undefined;
}

type Row = { id: string; scope: string; envelope: OutgoingMessage; createdAt: number };

export class Outbox<M extends OutgoingMessage = OutgoingMessage> {
	readonly #db: Database;
	readonly scope: string;
	/** Messages storage had no room for, kept for this page's lifetime. */
	readonly #memory = new Map<string, Row>();
	readonly #ttlMs: number;
	readonly #now: () => number;

	constructor(db: Database, options: OutboxOptions) {
		if (!options.scope) throw new TypeError('An outbox needs a scope (the handoff it carries).');
		this.#db = db;
		this.scope = options.scope;
		this.#ttlMs = options.ttlMs ?? OUTBOX_TTL_MS;
		this.#now = options.now ?? Date.now;
	}

	/**
	 * Stores a message to send. A package replaces any copy of the same handoff still waiting in this
	 * scope (an offer to a second operator), so one handoff has one package in flight.
	 */
	async add(envelope: M): Promise<'stored' | 'memory'> {
		const handoff = handoffOf(envelope);
		const row: Row = { id: envelope.id, scope: this.scope, envelope, createdAt: this.#now() };
		if (handoff)
			for (const [id, r] of this.#memory)
				if (handoffOf(r.envelope) === handoff) this.#memory.delete(id);
		try {
			const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
			if (handoff) {
				for (const old of await tx.store.index('scope').getAll(this.scope)) {
					if (handoffOf(old.envelope) === handoff) await tx.store.delete(old.id);
				}
			}
			await tx.store.put({ ...row, attempts: 0 });
			await tx.done;
			return 'stored';
		} catch (e) {
			if (!isQuotaError(e)) throw e;
			this.#memory.set(row.id, row);
			return 'memory';
		}
	}

	/** Messages kept only in memory because storage was full. */
	get unstored(): number {
		return this.#memory.size;
	}

	/** This scope's unacknowledged, unexpired messages, oldest first. */
	async pending(): Promise<M[]> {
		const fresh = this.#now() - this.#ttlMs;
		const rows = await this.#db.getAllFromIndex('outbox', 'scope', this.scope);
		return [...rows, ...this.#memory.values()]
			.filter((r) => r.createdAt >= fresh)
			.sort((a, b) => a.createdAt - b.createdAt)
			.map((r) => r.envelope as M);
	}

	/** Every scope's waiting messages: what an abandoned call left behind until it expires. */
	async waiting(): Promise<number> {
		return (await this.#db.count('outbox')) + this.#memory.size;
	}

	/**
	 * Deletes every message past its age, in any scope (an abandoned call's package included);
	 * returns the ones that belonged to this scope, so the link can say they were never delivered.
	 */
	async expire(): Promise<M[]> {
		const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
		const old = await tx.store
			.index('createdAt')
			.getAll(IDBKeyRange.upperBound(this.#now() - this.#ttlMs, true));
		for (const row of old) await tx.store.delete(row.id);
		await tx.done;
		const gone: Row[] = [...old];
		for (const [id, r] of this.#memory)
			if (r.createdAt < this.#now() - this.#ttlMs) {
				this.#memory.delete(id);
				gone.push(r);
			}
		return gone.filter((r) => r.scope === this.scope).map((r) => r.envelope as M);
	}

	async attempted(id: string): Promise<void> {
		if (this.#memory.has(id)) return;
		const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
		const row = await tx.store.get(id);
		if (row) await tx.store.put({ ...row, attempts: row.attempts + 1 });
		await tx.done;
	}

	/** Removes an acknowledged message; returns false when it was not waiting. */
	async ack(id: string): Promise<boolean> {
		if (this.#memory.delete(id)) return true;
		const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
		const had = (await tx.store.get(id)) !== undefined;
		if (had) await tx.store.delete(id);
		await tx.done;
		return had;
	}
}

/**
 * Handoffs already taken in on this side, so a resent package is acknowledged but not taken in
 * again. Kept in IndexedDB under a fixed name, so this holds across a reload of the page.
 */
export class Received {
	readonly #db: Database;
	readonly #seen = new Set<string>();
	readonly #now: () => number;
	readonly #retainMs: number;

	constructor(db: Database, options: { retainMs?: number; now?: () => number } = {}) {
		this.#db = db;
		this.#now = options.now ?? Date.now;
		this.#retainMs = options.retainMs ?? RECEIVED_RETAIN_MS;
	}

	/** Records a handoff id; returns true the first time, false for a duplicate. */
	async first(handoffId: string, callId?: string): Promise<boolean> {
		if (this.#seen.has(handoffId)) return false;
		const tx = this.#db.transaction('received', 'readwrite', { durability: 'strict' });
		const known = await tx.store.get(handoffId);
		if (!known) await tx.store.put({ handoffId, ...(callId ? { callId } : {}), at: this.#now() });
		await tx.done;
		this.#seen.add(handoffId);
		return !known;
	}

	/** Forgets handoffs older than the retention; returns how many. */
	async prune(): Promise<number> {
		const tx = this.#db.transaction('received', 'readwrite', { durability: 'strict' });
		const keys = await tx.store
			.index('at')
			.getAllKeys(IDBKeyRange.upperBound(this.#now() - this.#retainMs, true));
		for (const k of keys) await tx.store.delete(k);
		await tx.done;
		return keys.length;
	}
}
