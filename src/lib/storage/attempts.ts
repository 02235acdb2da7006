import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { uuid } from '$lib/agents/ids';
import {
	AttemptLimiter,
	type AttemptRecord,
	type AttemptStore
} from '$lib/agents/tools/verification';

// Failed verification attempts in this browser, kept across calls and reloads, and this browser's
// device id for the per-device limit. A database of its own, so the call data's schema and this
// one change independently. The operator console reads the same database to lift a lock-out (in a
// one-browser demo or a kiosk the console is opened on).

interface AttemptsDB extends DBSchema {
	attempts: { key: string; value: AttemptRecord };
	device: { key: string; value: { key: 'id'; id: string } };
}

export const ATTEMPTS_DB = 'baton-verification';

export class IdbAttemptStore implements AttemptStore {
	readonly #db: IDBPDatabase<AttemptsDB>;

	private constructor(db: IDBPDatabase<AttemptsDB>) {
		this.#db = db;
	}

	static async open(name = ATTEMPTS_DB): Promise<IdbAttemptStore> {
		const db = await openDB<AttemptsDB>(name, 1, {
			upgrade(db) {
				db.createObjectStore('attempts', { keyPath: 'key' });
				db.createObjectStore('device', { keyPath: 'key' });
			}
		});
		return new IdbAttemptStore(db);
	}

	load(): Promise<AttemptRecord[]> {
		return this.#db.getAll('attempts');
	}

	async save(record: AttemptRecord): Promise<void> {
		const tx = this.#db.transaction('attempts', 'readwrite', { durability: 'strict' });
		await tx.store.put(record);
		await tx.done;
	}

	async remove(key: string): Promise<void> {
		const tx = this.#db.transaction('attempts', 'readwrite', { durability: 'strict' });
		await tx.store.delete(key);
		await tx.done;
	}

	/** This browser's id, made once and kept. */
	async deviceId(): Promise<string> {
		const tx = this.#db.transaction('device', 'readwrite', { durability: 'strict' });
		const known = await tx.store.get('id');
		const id = known?.id ?? uuid();
		if (!known) await tx.store.put({ key: 'id', id });
		await tx.done;
		return id;
	}

	close(): void {
		this.#db.close();
	}
}

/** The limiter and device id for calls in this browser. */
export async function openBrowserAttempts(
	name = ATTEMPTS_DB
): Promise<{ limiter: AttemptLimiter; device: string; store: IdbAttemptStore }> {
	const store = await IdbAttemptStore.open(name);
	const [limiter, device] = await Promise.all([AttemptLimiter.open({ store }), store.deviceId()]);
	return { limiter, device, store };
}
