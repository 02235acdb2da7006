import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Envelope } from '../rtc/envelope';

// Baton's IndexedDB: what must survive a dropped link or a closed tab. Writes that protect call data
// use `durability: 'strict'`, so a crash right after a write does not lose it.

export interface BatonDB extends DBSchema {
	outbox: {
		key: string;
		value: { id: string; envelope: Envelope; createdAt: number; attempts: number };
	};
	received: { key: string; value: { handoffId: string; at: number } };
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
}

export type Database = IDBPDatabase<BatonDB>;

export async function openBatonDB(name = 'baton'): Promise<Database> {
	return openDB<BatonDB>(name, 1, {
		upgrade(db) {
			db.createObjectStore('outbox', { keyPath: 'id' });
			db.createObjectStore('received', { keyPath: 'handoffId' });
			db.createObjectStore('callbacks', { keyPath: 'id' });
		}
	});
}
