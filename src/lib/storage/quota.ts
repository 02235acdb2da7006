import { BatonError } from '../errors';

// A full disk, or the browser's storage quota for this site used up, as IndexedDB and Cache Storage
// report it: the one storage failure a page can do something about (keep what it can in memory,
// say so, and try again once space is freed).

/** Whether `e` is the browser refusing a write for lack of space. */
export function isQuotaError(e: unknown): boolean {
	for (let cause: unknown = e, depth = 0; cause && depth < 4; depth++) {
		const name = (cause as { name?: unknown }).name;
		// Chromium and Safari say QuotaExceededError; older Firefox NS_ERROR_DOM_QUOTA_REACHED.
		if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
		if ((cause as { code?: unknown }).code === 22) return true;
		// An IndexedDB transaction aborted by a quota error carries it as its error.
		cause =
			(cause as { cause?: unknown; error?: unknown }).cause ?? (cause as { error?: unknown }).error;
	}
	return false;
}

/** Storage is full: what could not be kept, and what happens instead. */
export class StorageFullError extends BatonError {
	declare readonly code: 'storage_full';
	constructor(message: string, cause?: unknown) {
		// Freeing space (or the browser evicting another site's data) lets the same write succeed.
		super({ code: 'storage_full', message, retryable: true, cause });
	}
}
