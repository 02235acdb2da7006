import type { AuditEvent } from '../agents/audit';
import type { Database } from './db';
import { isQuotaError } from './quota';

// A kiosk's record of its calls: the session's audit events (agents/audit.ts), which carry no
// caller's words, kept in IndexedDB when the kiosk resets between callers. Bounded: the oldest
// events go first once it holds `max`.

export const AUDIT_MAX_EVENTS = 20_000;

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

	/** Every kept event, oldest first. */
	async all(): Promise<AuditEvent[]> {
		return (await this.#db.getAll('audit')).map(({ seq: _seq, ...event }) => event as AuditEvent);
	}
}
