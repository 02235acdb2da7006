import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AuditEvent } from '../agents/audit';

// Baton's IndexedDB: what must survive a dropped link or a closed tab. Writes that protect call data
// use `durability: 'strict'`, so a crash right after a write does not lose it.

/**
 * A message kept until the peer acknowledges it: the data channel's envelope (rtc/envelope.ts),
 * opaque here but for its id, its type and, for a context package, the handoff in its payload.
 */
export type OutgoingMessage = { id: string; type: string; payload: unknown };

export interface BatonDB extends DBSchema {
	outbox: {
		key: string;
		value: {
			id: string;
			/** The handoff (or other unit) this message belongs to; a link only sends its own scope. */
			scope: string;
			envelope: OutgoingMessage;
			createdAt: number;
			attempts: number;
		};
		indexes: { scope: string; createdAt: number };
	};
	received: {
		key: string;
		value: { handoffId: string; callId?: string; at: number };
		indexes: { at: number };
	};
	callbacks: {
		key: string;
		value: {
			id: string;
			callId: string;
			name?: string;
			phone?: string;
			/** The package's summary, already redacted. */
			summary: string;
			createdAt: number;
			sent: boolean;
		};
	};
	/**
	 * A kiosk's record of its calls (audit-log.ts): the session's audit events, which carry no
	 * caller's words, only ids, labels and numbers. The one thing a kiosk's reset keeps.
	 */
	audit: {
		key: number;
		value: AuditEvent & { seq?: number };
		indexes: { callId: string };
	};
	/** Small facts a device keeps about itself: its id as a kiosk, how far its audit record went. */
	meta: {
		key: string;
		value: { key: string; value: string | number };
	};
	/**
	 * The console's copy of kiosks' audit records (operator/kiosk-records.svelte.ts), one row per
	 * event, keyed by the kiosk's id and the event's number there, so an event sent twice is kept once.
	 */
	kioskAudit: {
		key: string;
		value: { id: string; device: string; seq: number; receivedAt: number; event: AuditEvent };
		indexes: { receivedAt: number };
	};
}

export type Database = IDBPDatabase<BatonDB>;

/** The operator console's database: one per browser profile, so de-duplication survives a reload. */
export const OPERATOR_DB = 'baton-operator';

export async function openBatonDB(name = 'baton'): Promise<Database> {
	const db = await openDB<BatonDB>(name, 4, {
		// A newer version of the app opened in another tab: let it upgrade.
		blocking() {
			db.close();
		},
		upgrade(db, oldVersion, _newVersion, tx) {
			if (oldVersion < 1) {
				db.createObjectStore('outbox', { keyPath: 'id' });
				db.createObjectStore('received', { keyPath: 'handoffId' });
				db.createObjectStore('callbacks', { keyPath: 'id' });
			}
			if (oldVersion < 2) {
				// Version 1 kept one outbox for every call, so a later call could send an earlier call's
				// package. Its rows cannot be given back to their call: they are dropped.
				const outbox = tx.objectStore('outbox');
				void outbox.clear();
				outbox.createIndex('scope', 'scope');
				outbox.createIndex('createdAt', 'createdAt');
				tx.objectStore('received').createIndex('at', 'at');
			}
			if (oldVersion < 3) {
				db.createObjectStore('audit', { keyPath: 'seq', autoIncrement: true }).createIndex(
					'callId',
					'callId'
				);
			}
			if (oldVersion < 4) {
				db.createObjectStore('meta', { keyPath: 'key' });
				db.createObjectStore('kioskAudit', { keyPath: 'id' }).createIndex(
					'receivedAt',
					'receivedAt'
				);
			}
		}
	});
	return db;
}
