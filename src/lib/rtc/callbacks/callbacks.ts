import type { CallbackDetails } from '../../agents/human-link';
import { uuid } from '../../agents/ids';
import type { Database } from '../../storage/db';
import { seal, type CallbackRequest } from './sealed';
import type { Presence, Signaling } from '../signaling/signaling';

// A caller's callback requests: stored first (strict durability), then offered to an available
// operator, each sealed to that operator's key, so the caller's name, number and summary never
// cross signaling in clear text. A request stays stored, and is offered again whenever an operator
// appears, until one acknowledges it.

export class CallbackSender {
	readonly #db: Database;
	readonly #signaling: Signaling;
	readonly #selfId: string;

	constructor(o: { db: Database; signaling: Signaling; selfId: string }) {
		this.#db = o.db;
		this.#signaling = o.signaling;
		this.#selfId = o.selfId;
	}

	/** Stores a request; `flush` offers it. */
	async store(details: CallbackDetails): Promise<void> {
		const tx = this.#db.transaction('callbacks', 'readwrite', { durability: 'strict' });
		await tx.store.put({ id: uuid(), ...details, createdAt: Date.now(), sent: false });
		await tx.done;
	}

	/** Offers every unacknowledged request to `operator`, sealed to its key. */
	async flush(operator: Presence | undefined): Promise<void> {
		if (!operator?.key) return;
		for (const cb of await this.#db.getAll('callbacks')) {
			if (cb.sent) continue;
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
	async sent(id: string): Promise<void> {
		const tx = this.#db.transaction('callbacks', 'readwrite', { durability: 'strict' });
		const cb = await tx.store.get(id);
		if (cb) await tx.store.put({ ...cb, sent: true });
		await tx.done;
	}
}
