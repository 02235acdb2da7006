import type { Envelope } from '../rtc/envelope';
import type { Database } from './db';

// Messages that must arrive (context packages) wait here until the peer acknowledges them. The
// outbox lives in IndexedDB, so a reload or a crash between send and ack loses nothing.

export class Outbox {
	readonly #db: Database;

	constructor(db: Database) {
		this.#db = db;
	}

	async add(envelope: Envelope): Promise<void> {
		const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
		await tx.store.put({ id: envelope.id, envelope, createdAt: Date.now(), attempts: 0 });
		await tx.done;
	}

	async pending(): Promise<Envelope[]> {
		const rows = await this.#db.getAll('outbox');
		return rows.sort((a, b) => a.createdAt - b.createdAt).map((r) => r.envelope);
	}

	async attempted(id: string): Promise<void> {
		const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
		const row = await tx.store.get(id);
		if (row) await tx.store.put({ ...row, attempts: row.attempts + 1 });
		await tx.done;
	}

	/** Removes an acknowledged message; returns false when it was not waiting. */
	async ack(id: string): Promise<boolean> {
		const tx = this.#db.transaction('outbox', 'readwrite', { durability: 'strict' });
		const had = (await tx.store.get(id)) !== undefined;
		if (had) await tx.store.delete(id);
		await tx.done;
		return had;
	}
}

/** Handoffs already applied on this side, so a resent package is acknowledged but not re-applied. */
export class Received {
	readonly #db: Database;
	readonly #seen = new Set<string>();

	constructor(db: Database) {
		this.#db = db;
	}

	/** Records a handoff id; returns true the first time, false for a duplicate. */
	async first(handoffId: string): Promise<boolean> {
		if (this.#seen.has(handoffId)) return false;
		const tx = this.#db.transaction('received', 'readwrite', { durability: 'strict' });
		const known = await tx.store.get(handoffId);
		if (!known) await tx.store.put({ handoffId, at: Date.now() });
		await tx.done;
		this.#seen.add(handoffId);
		return !known;
	}
}
