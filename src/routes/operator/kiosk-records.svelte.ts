import * as v from 'valibot';
import { AuditBatchSchema } from '$lib/rtc/callbacks/audit-batches';
import type { SealedBox } from '$lib/rtc/callbacks/sealed';
import type { Signal, Signaling } from '$lib/rtc/signaling/signaling';
import type { AuditEvent } from '$lib/agents/audit';
import { group, type KioskCall } from './kiosk-calls';
import { openBatonDB, OPERATOR_DB, type Database } from '$lib/storage/db';

// The kiosks' call records on the console: the audit events a kiosk kept while no one could be
// reached (or since its last call), opened with this console's key, checked, kept in this browser's
// database once each (by the kiosk's id and the event's number), then acknowledged. Shown as one
// line per call: when, on which channel, the teams that had it, a person or not, and how it ended.
// The events hold no caller's words, so neither does anything here.

/**
 * Events kept at most; the oldest received go first. Any caller's page can send a batch, so this
 * bounds what a hostile one can make the console keep (the broker bounds how fast it can send).
 */
export const KIOSK_EVENTS_KEPT = 20_000;

export class KioskRecords {
	calls = $state.raw<KioskCall[]>([]);
	readonly #signaling: Signaling;
	readonly #operatorId: string;
	readonly #unseal: (box: SealedBox) => Promise<unknown>;
	#db: Promise<Database> | null = null;

	constructor(o: {
		signaling: Signaling;
		operatorId: string;
		unseal: (box: SealedBox) => Promise<unknown>;
	}) {
		this.#signaling = o.signaling;
		this.#operatorId = o.operatorId;
		this.#unseal = o.unseal;
	}

	/** Shows what this browser already holds. */
	async load(): Promise<void> {
		const db = await this.#open();
		this.calls = group(await db.getAll('kioskAudit'));
	}

	/**
	 * A kiosk's batch: opened, checked, kept once per event, then acknowledged. One that cannot be
	 * read or is not a batch is not acknowledged, so the kiosk sends it again (perhaps to another
	 * console); one that cannot be kept (storage full) is not acknowledged either, so nothing is lost.
	 */
	async receive(m: Extract<Signal, { type: 'audit' }>): Promise<void> {
		let batch;
		try {
			batch = v.parse(AuditBatchSchema, await this.#unseal(m.sealed));
		} catch (e) {
			console.warn('baton console: a kiosk record could not be read', (e as Error).name);
			return;
		}
		if (!m.id.startsWith(`${batch.device}:`)) return;
		const db = await this.#open();
		try {
			const tx = db.transaction('kioskAudit', 'readwrite', { durability: 'strict' });
			const receivedAt = Date.now();
			for (const { seq, event } of batch.events)
				void tx.store.put({
					id: `${batch.device}:${seq}`,
					device: batch.device,
					seq,
					receivedAt,
					event: event as AuditEvent
				});
			const excess = (await tx.store.count()) - KIOSK_EVENTS_KEPT;
			let oldest = excess > 0 ? await tx.store.index('receivedAt').openCursor() : null;
			for (let i = 0; oldest && i < excess; i++) {
				await oldest.delete();
				oldest = await oldest.continue();
			}
			await tx.done;
		} catch (e) {
			console.warn('baton console: a kiosk record could not be kept', (e as Error).name);
			return;
		}
		this.#signaling.send({ type: 'audit_ack', from: this.#operatorId, to: m.from, id: m.id });
		this.calls = group(await db.getAll('kioskAudit'));
	}

	#open(): Promise<Database> {
		return (this.#db ??= openBatonDB(OPERATOR_DB));
	}
}
