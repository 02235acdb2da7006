import { isQuotaError, StorageFullError } from '../storage/quota';

// The service worker's writes to Cache Storage, apart from the worker so they can be tested: a
// version's shell fetched whole on install, and files kept as they are fetched. When the device is
// out of storage, nothing that works is lost: a file fetched for the page is still handed to the
// page (only its offline copy is missing), and an install that does not fit deletes what it had
// written, so the version already running and its files stay as they were.

/** The part of Cache Storage these functions use. */
export type Caches = {
	open(name: string): Promise<Pick<Cache, 'match' | 'put'>>;
	delete(name: string): Promise<boolean>;
};

export const STORAGE_FULL_INSTALL =
	'This device is out of storage, so this version of the app could not be kept for offline use. ' +
	'The app works while online; free some space (or remove other sites’ data) and reload.';

/**
 * Stores `response` under `key`; false when storage is full (the caller still has the response).
 * Any other failure is thrown.
 */
export async function putKept(
	cache: Pick<Cache, 'put'>,
	key: string,
	response: Response
): Promise<boolean> {
	try {
		await cache.put(key, response);
		return true;
	} catch (e) {
		if (isQuotaError(e)) return false;
		throw e;
	}
}

/**
 * Fills the cache `name` with `files`: a file the cache already holds is left, a file whose name
 * never changes with its content (`reusable`) is copied from an older version's cache when one
 * holds it, and anything else is fetched. Storage full: the cache is deleted and a
 * `StorageFullError` thrown (the install fails; the running version keeps its own cache).
 */
export async function precacheInto(o: {
	caches: Caches;
	name: string;
	older: string[];
	files: string[];
	reusable: (path: string) => boolean;
	fetch: (path: string) => Promise<Response>;
}): Promise<void> {
	const cache = await o.caches.open(o.name);
	try {
		await Promise.all(
			o.files.map(async (path) => {
				if (await cache.match(path)) return;
				if (o.reusable(path)) {
					for (const name of o.older) {
						const hit = await (await o.caches.open(name)).match(path);
						if (hit) return cache.put(path, hit);
					}
				}
				const response = await o.fetch(path);
				if (!response.ok) throw new Error(`${path} answered ${response.status}`);
				await cache.put(path, response);
			})
		);
	} catch (e) {
		if (!isQuotaError(e)) throw e;
		await o.caches.delete(o.name);
		throw new StorageFullError(STORAGE_FULL_INSTALL, e);
	}
}
