import type { Database } from '../storage/db';

// A stand-in for a device out of storage, for tests: the same IndexedDB database, but a transaction
// that writes a row fails the way a full disk makes IndexedDB fail (its put is refused and the
// transaction aborts with a QuotaExceededError). Reads and deletes still work, as they do on a full
// disk.

export function fullDatabase(
	db: Database,
	error: DOMException = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
): Database {
	const bind = <T extends object>(o: T, k: PropertyKey) => {
		const value = Reflect.get(o, k, o);
		return typeof value === 'function' ? value.bind(o) : value;
	};
	return new Proxy(db, {
		get(target, key) {
			if (key !== 'transaction') return bind(target, key);
			return (...args: Parameters<Database['transaction']>) => {
				const tx = target.transaction(...args);
				let wrote = false;
				const refuse = () => {
					wrote = true;
					const failed = Promise.reject(error);
					failed.catch(() => {});
					return failed;
				};
				const store = (s: object) =>
					new Proxy(s, {
						get: (o, m) => (m === 'put' || m === 'add' ? refuse : bind(o, m))
					});
				return new Proxy(tx, {
					get(t, k) {
						if (k === 'done') return wrote ? refuse() : t.done;
						if (k === 'store') return store((t as unknown as { store: object }).store);
						if (k === 'objectStore')
							return (name: string) => store(t.objectStore(name as never) as object);
						return bind(t, k);
					}
				});
			};
		}
	});
}
