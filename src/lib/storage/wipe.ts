import type { Database } from './db';

// A kiosk's reset between callers: what the previous caller said goes from the device's storage.
// Kept: the redacted audit record (no caller's words), callback requests not yet delivered (they
// go once an operator acknowledges them; deleting them would lose the caller's request), and the
// verification lock-outs (failed attempts per account and per device, never a PIN: wiping them would
// let anyone lift a lock by ending the call).

/** What a reset cleared, for the page to show and the tests to check. */
export type Wiped = {
	localStorage: number;
	sessionStorage: number;
	outbox: number;
	received: number;
};

export async function wipeCallerData(
	db: Database,
	storages: { local?: Storage; session?: Storage } = {}
): Promise<Wiped> {
	const local = storages.local ?? globalThis.localStorage;
	const session = storages.session ?? globalThis.sessionStorage;
	const wiped: Wiped = {
		localStorage: local?.length ?? 0,
		sessionStorage: session?.length ?? 0,
		outbox: 0,
		received: 0
	};
	local?.clear();
	session?.clear();
	const tx = db.transaction(['outbox', 'received', 'callbacks'], 'readwrite', {
		durability: 'strict'
	});
	wiped.outbox = await tx.objectStore('outbox').count();
	wiped.received = await tx.objectStore('received').count();
	await Promise.all([tx.objectStore('outbox').clear(), tx.objectStore('received').clear()]);
	// Delivered requests (older versions marked them sent instead of deleting them).
	const callbacks = tx.objectStore('callbacks');
	for (const row of await callbacks.getAll()) if (row.sent) await callbacks.delete(row.id);
	await tx.done;
	return wiped;
}
