import type { CallbackDetails } from '../../agents/human-link';
import { uuid } from '../../agents/ids';
import type { BatonDB, Database } from '../../storage/db';
import { isQuotaError } from '../../storage/quota';
import { seal, type CallbackRequest } from './sealed';
import type { Presence, Signaling } from '../signaling/signaling';

// A caller's callback requests: stored first (strict durability), then offered to an available
// operator, each sealed to that operator's key, so the caller's name, number and summary never
// cross signaling in clear text. A request stays stored, and is offered again whenever an operator
// appears, until one acknowledges it; then it is deleted, so the device keeps no caller's name or
// number longer than it must. A request asked for with no network waits the same way, across
// reloads and browser restarts (courier.ts offers it once signaling is back).

type Row = BatonDB['callbacks']['value'];

/** Where a request was kept: on the device, or (storage full) only while this page is open. */
export type Kept = 'stored' | 'memory';

/** How long an offered request is not offered again while its acknowledgement may be on its way. */
const OFFER_LEASE_MS = 5_000;

/**
 * The page's callback requests, one per database: the link of each call and the page's courier
 * share it, so a request is offered once however many of them see the operator arrive.
 */
export class CallbackStore {
	#db: Database;
	/** Requests that did not fit in storage: kept, and offered, while this page is open. */
	readonly #memory = new Map<string, Row>();
	readonly #offered = new Map<string, number>();
	readonly #now: () => number;

	constructor(db: Database, now: () => number = Date.now) {
		this.#db = db;
		this.#now = now;
	}

	/** The connection to use from now on (each call opens its own). */
	use(db: Database): void {
		this.#db = db;
	}

	/**
	 * Keeps a request. When storage is full it is kept in memory instead, offered like any other
	 * while the page stays open, and the answer says so: a reload or a closed browser would lose it.
	 */
	async add(details: CallbackDetails): Promise<Kept> {
		const row: Row = { id: uuid(), ...details, createdAt: this.#now(), sent: false };
		try {
			const tx = this.#db.transaction('callbacks', 'readwrite', { durability: 'strict' });
			await Promise.all([tx.store.put(row), tx.done]);
			return 'stored';
		} catch (e) {
			if (!isQuotaError(e)) throw e;
			this.#memory.set(row.id, row);
			return 'memory';
		}
	}

	/** Requests not yet acknowledged by an operator, oldest first. */
	async pending(): Promise<Row[]> {
		const stored = (await this.#db.getAll('callbacks')).filter((r) => !r.sent);
		return [...stored, ...this.#memory.values()].sort((a, b) => a.createdAt - b.createdAt);
	}

	/** Requests kept only in memory (storage was full when they were asked for). */
	get unstored(): number {
		return this.#memory.size;
	}

	/**
	 * The pending requests to offer now: those not offered in the last few seconds, each marked as
	 * offered, so two parts of the page seeing the same operator arrive do not both send it.
	 */
	async toOffer(): Promise<Row[]> {
		const now = this.#now();
		const due = (await this.pending()).filter(
			(r) => (this.#offered.get(r.id) ?? -Infinity) + OFFER_LEASE_MS <= now
		);
		for (const r of due) this.#offered.set(r.id, now);
		return due;
	}

	/**
	 * An operator acknowledged a request: it is deleted, never offered again. A delete refused for
	 * lack of space leaves the row, which is offered again later and acknowledged again (the console
	 * shows a request once, by id): nothing is lost.
	 */
	async delivered(id: string): Promise<void> {
		this.#offered.delete(id);
		if (this.#memory.delete(id)) return;
		try {
			const tx = this.#db.transaction('callbacks', 'readwrite', { durability: 'strict' });
			await Promise.all([tx.store.delete(id), tx.done]);
		} catch (e) {
			if (!isQuotaError(e)) throw e;
		}
	}
}

const stores = new Map<string, CallbackStore>();

/** This page's store for the database `db` belongs to. */
export function callbackStore(db: Database): CallbackStore {
	let store = stores.get(db.name);
	if (store) store.use(db);
	else stores.set(db.name, (store = new CallbackStore(db)));
	return store;
}

export class CallbackSender {
	readonly #store: CallbackStore;
	readonly #signaling: Signaling;
	readonly #selfId: string;

	constructor(o: { db: Database; signaling: Signaling; selfId: string }) {
		this.#store = callbackStore(o.db);
		this.#signaling = o.signaling;
		this.#selfId = o.selfId;
	}

	/** Stores a request; `flush` offers it. */
	store(details: CallbackDetails): Promise<Kept> {
		return this.#store.add(details);
	}

	/** Offers every unacknowledged request to `operator`, sealed to its key. */
	async flush(operator: Presence | undefined): Promise<void> {
		if (!operator?.key) return;
		for (const cb of await this.#store.toOffer()) {
			const request: CallbackRequest = {
				callId: cb.callId,
				...(cb.name ? { name: cb.name } : {}),
				...(cb.phone ? { phone: cb.phone } : {}),
				summary: cb.summary,
				at: cb.createdAt
			};
			this.#signaling.send({
				type: 'callback',
				from: this.#selfId,
				to: operator.from,
				id: cb.id,
				sealed: await seal(operator.key, request)
			});
		}
	}

	/** An operator acknowledged a request: it is not offered again. */
	sent(id: string): Promise<void> {
		return this.#store.delivered(id);
	}
}
