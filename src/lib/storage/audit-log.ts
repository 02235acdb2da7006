import type { AuditEvent } from '../agents/audit';
import { uuid } from '../agents/ids';
import type { Database } from './db';
import { isQuotaError } from './quota';

// A kiosk's record of its calls: the session's audit events (agents/audit.ts), which carry no
// caller's words, kept in IndexedDB when the kiosk resets between callers. Bounded: the oldest
// events go first once it holds `max`. Each event is numbered in order (`seq`); the record also
// keeps how far an operator has acknowledged it, so the events made while no operator could be
// reached (offline) go to one once there is one (rtc/callbacks/audit-batches.ts), and the kiosk
// keeps its own copy.

export const AUDIT_MAX_EVENTS = 20_000;

/** An event with its number on this device. */
export type NumberedEvent = { seq: number; event: AuditEvent };

const SENT = 'audit.sentSeq';
const DEVICE = 'kiosk.deviceId';

export class AuditLog {
	readonly #db: Database;
	readonly #max: number;
	/** Events that found storage full, counted (never kept elsewhere). */
	dropped = 0;

	constructor(db: Database, options: { max?: number } = {}) {
		this.#db = db;
		this.#max = options.max ?? AUDIT_MAX_EVENTS;
	}

	/** Keeps one event; when storage is full it is counted as dropped, and the call goes on. */
	async append(event: AuditEvent): Promise<void> {
		try {
			const tx = this.#db.transaction('audit', 'readwrite');
			await tx.store.add({ ...event });
			const excess = (await tx.store.count()) - this.#max;
			if (excess > 0) {
				let cursor = await tx.store.openCursor();
				for (let i = 0; cursor && i < excess; i++) {
					await cursor.delete();
					cursor = await cursor.continue();
				}
			}
			await tx.done;
		} catch (e) {
			if (!isQuotaError(e)) throw e;
			this.dropped++;
		}
	}

	/** This device's id in the records it sends: made once, kept across reloads and resets. */
	async deviceId(): Promise<string> {
		const tx = this.#db.transaction('meta', 'readwrite');
		const row = await tx.store.get(DEVICE);
		if (typeof row?.value === 'string') return row.value;
		const id = uuid();
		await tx.store.put({ key: DEVICE, value: id });
		await tx.done;
		return id;
	}

	/** The events no operator has acknowledged yet, oldest first, at most `limit`. */
	async undelivered(limit = 100): Promise<NumberedEvent[]> {
		const after = await this.#sentSeq();
		const rows = await this.#db.getAll('audit', IDBKeyRange.lowerBound(after, true), limit);
		return rows.map(({ seq, ...event }) => ({ seq: seq!, event: event as AuditEvent }));
	}

	/** How many events wait for an operator. */
	async waiting(): Promise<number> {
		return this.#db.count('audit', IDBKeyRange.lowerBound(await this.#sentSeq(), true));
	}

	/**
	 * An operator acknowledged every event up to `seq`: they are not sent again. When storage is
	 * full the mark is not moved, so they are sent again later and the console keeps them once.
	 */
	async delivered(seq: number): Promise<void> {
		try {
			const tx = this.#db.transaction('meta', 'readwrite', { durability: 'strict' });
			const row = await tx.store.get(SENT);
			if (typeof row?.value !== 'number' || row.value < seq)
				await tx.store.put({ key: SENT, value: seq });
			await tx.done;
		} catch (e) {
			if (!isQuotaError(e)) throw e;
		}
	}

	async #sentSeq(): Promise<number> {
		const row = await this.#db.get('meta', SENT);
		return typeof row?.value === 'number' ? row.value : 0;
	}

	/** Every kept event, oldest first. */
	async all(): Promise<AuditEvent[]> {
		return (await this.#db.getAll('audit')).map(({ seq: _seq, ...event }) => event as AuditEvent);
	}
}
