// Failed verification attempts, counted per account and per device across calls, so guessing a PIN
// does not get a fresh start with every call. Decisions are synchronous (a tool call cannot wait on
// storage); every change is written through to an `AttemptStore` (IndexedDB in the browser, a file
// or memory in Node) and loaded from it when the limiter is opened. A lock ends when it expires or
// when a person lifts it (the operator console, or the `verification` CLI).

export type AttemptRecord = {
	/** `account:<id>` for an account (or an identifier that matches none), `device:<id>` for a device. */
	key: string;
	/** Failures since the last success or unlock, within the window. */
	failures: number;
	/** When the first of those failures happened (ms since the epoch). */
	since: number;
	/** Locked until this time (ms since the epoch); absent when not locked. */
	lockedUntil?: number;
};

export interface AttemptStore {
	load(): Promise<AttemptRecord[]>;
	save(record: AttemptRecord): Promise<void>;
	remove(key: string): Promise<void>;
}

export type AttemptPolicy = {
	/** Failed attempts on one account before it is locked. */
	perAccount: number;
	/** Failed attempts from one device, on any accounts, before the device is locked. */
	perDevice: number;
	/** Failures older than this no longer count. */
	windowMs: number;
	/** How long a lock lasts unless a person lifts it sooner. */
	lockMs: number;
};

export const defaultAttemptPolicy: AttemptPolicy = {
	perAccount: 3,
	perDevice: 5,
	windowMs: 24 * 60 * 60 * 1000,
	lockMs: 24 * 60 * 60 * 1000
};

export class MemoryAttemptStore implements AttemptStore {
	readonly #rows = new Map<string, AttemptRecord>();
	async load() {
		return [...this.#rows.values()].map((r) => ({ ...r }));
	}
	async save(record: AttemptRecord) {
		this.#rows.set(record.key, { ...record });
	}
	async remove(key: string) {
		this.#rows.delete(key);
	}
}

/** The keys an attempt counts against: the account claimed (normalised) and the device. */
export function attemptKeys(input: { account: string; device: string }): {
	account: string;
	device: string;
} {
	return {
		account: `account:${input.account.toLowerCase().replace(/[^a-z0-9]/g, '')}`,
		device: `device:${input.device}`
	};
}

export class AttemptLimiter {
	readonly policy: AttemptPolicy;
	readonly #store: AttemptStore;
	readonly #now: () => number;
	readonly #rows = new Map<string, AttemptRecord>();
	#writes: Promise<void> = Promise.resolve();
	#writeError: unknown;

	private constructor(store: AttemptStore, policy: AttemptPolicy, now: () => number) {
		this.#store = store;
		this.policy = policy;
		this.#now = now;
	}

	/** Opens a limiter over `store`, loading what earlier calls recorded. */
	static async open(
		options: { store?: AttemptStore; policy?: Partial<AttemptPolicy>; now?: () => number } = {}
	): Promise<AttemptLimiter> {
		const store = options.store ?? new MemoryAttemptStore();
		const policy = { ...defaultAttemptPolicy, ...options.policy };
		for (const [k, n] of Object.entries(policy)) {
			if (!Number.isFinite(n) || n <= 0)
				throw new RangeError(`Attempt policy ${k} must be a positive number, got ${n}.`);
		}
		const limiter = new AttemptLimiter(store, policy, options.now ?? Date.now);
		for (const r of await store.load()) limiter.#rows.set(r.key, r);
		return limiter;
	}

	/** An in-memory limiter, for one call in tests or a CLI with no file. */
	static memory(policy: Partial<AttemptPolicy> = {}, now: () => number = Date.now): AttemptLimiter {
		return new AttemptLimiter(
			new MemoryAttemptStore(),
			{ ...defaultAttemptPolicy, ...policy },
			now
		);
	}

	/** True when any of `keys` is locked now. */
	locked(...keys: string[]): boolean {
		const now = this.#now();
		return keys.some((k) => (this.#rows.get(k)?.lockedUntil ?? 0) > now);
	}

	/** Counts a failed attempt against each key; locks a key that reached its limit. */
	fail(...keys: string[]): void {
		const now = this.#now();
		for (const key of keys) {
			const old = this.#rows.get(key);
			const fresh = !old || now - old.since > this.policy.windowMs;
			const row: AttemptRecord = fresh
				? { key, failures: 1, since: now }
				: { ...old, failures: old.failures + 1 };
			const limit = key.startsWith('device:') ? this.policy.perDevice : this.policy.perAccount;
			if (row.failures >= limit) row.lockedUntil = now + this.policy.lockMs;
			this.#put(row);
		}
	}

	/** A successful verification clears the account's count (not the device's). */
	succeed(accountKey: string): void {
		if (this.#rows.has(accountKey)) this.#drop(accountKey);
	}

	/** A person lifts a lock (and forgets the failures that led to it). */
	unlock(key: string): boolean {
		const had = this.#rows.has(key);
		if (had) this.#drop(key);
		return had;
	}

	/** Keys locked now, for the console and the CLI. */
	locks(): AttemptRecord[] {
		const now = this.#now();
		return [...this.#rows.values()]
			.filter((r) => (r.lockedUntil ?? 0) > now)
			.map((r) => ({ ...r }));
	}

	/** Resolves once every change so far is stored; rejects if one could not be. */
	async flush(): Promise<void> {
		await this.#writes;
		if (this.#writeError) {
			const e = this.#writeError;
			this.#writeError = undefined;
			throw e;
		}
	}

	#put(row: AttemptRecord): void {
		this.#rows.set(row.key, row);
		this.#queue(() => this.#store.save({ ...row }));
	}

	#drop(key: string): void {
		this.#rows.delete(key);
		this.#queue(() => this.#store.remove(key));
	}

	#queue(write: () => Promise<void>): void {
		// Writes go in order, so a save followed by an unlock never ends as a save.
		this.#writes = this.#writes.then(write).catch((e) => {
			this.#writeError = e;
		});
	}
}
