import { uuid } from '../../agents/ids';
import type { AuditLog } from '../../storage/audit-log';
import type { Database } from '../../storage/db';
import type { Presence, Signaling } from '../signaling/signaling';
import { AuditSender } from './audit-batches';
import { callbackStore, CallbackSender } from './callbacks';

// The caller's page, between calls: callback requests still waiting (asked for with no network, or
// with no operator signed in, before a reload or a browser restart) go to the first available
// operator once signaling is back, sealed to that operator's key, and are deleted once it
// acknowledges them. A call's own link does the same while the call lasts; both share the page's
// store, so a request is offered once. A kiosk's audit record goes the same way (audit-batches.ts):
// what was recorded while no operator could be reached is sent once one is there.

/** How long an operator's presence counts as available without being heard again. */
const PRESENCE_FRESH_MS = 15_000;

export class CallbackCourier {
	readonly selfId: string;
	readonly #db: Database;
	readonly #signaling: Signaling;
	readonly #sender: CallbackSender;
	#audit: AuditSender | null = null;
	readonly #operators = new Map<string, Presence>();
	readonly #off: () => void;

	constructor(o: { db: Database; signaling: Signaling }) {
		this.#db = o.db;
		this.#signaling = o.signaling;
		// A broker that names its clients decides this page's id; otherwise any unique id does.
		this.selfId = o.signaling.selfId ?? uuid();
		this.#sender = new CallbackSender({ db: o.db, signaling: o.signaling, selfId: this.selfId });
		this.#off = o.signaling.subscribe((m) => {
			if (m.type === 'presence') {
				if (m.status === 'offline') this.#operators.delete(m.from);
				else this.#operators.set(m.from, m);
				if (m.status === 'available' && m.key) void this.#flush(m);
			}
			if (m.type === 'callback_ack' && m.to === this.selfId) void this.#sender.sent(m.id);
			if (m.type === 'audit_ack' && m.to === this.selfId) void this.#audit?.acknowledged(m.id);
		});
		// Ask who is there: an operator already signed in answers with its presence.
		void o.signaling.listenAs(this.selfId).then(() => this.ask());
	}

	/** Sends this device's audit record too (a kiosk), from now on. */
	keepAudit(log: AuditLog): void {
		this.#audit = new AuditSender({ log, signaling: this.#signaling, selfId: this.selfId });
		void this.ask();
	}

	/** Asks the operators to announce themselves, if a request or an audit event is waiting. */
	async ask(): Promise<void> {
		if ((await this.waiting()) === 0 && !(await this.#audit?.waiting())) return;
		const fresh = Date.now() - PRESENCE_FRESH_MS;
		const ready = [...this.#operators.values()].find(
			(p) => p.status === 'available' && p.key && p.at > fresh
		);
		if (ready) await this.#flush(ready);
		else this.#signaling.send({ type: 'who', from: this.selfId });
	}

	async #flush(operator: Presence): Promise<void> {
		await this.#sender.flush(operator);
		await this.#audit?.flush(operator);
	}

	/** How many requests wait for an operator. */
	async waiting(): Promise<number> {
		return (await callbackStore(this.#db).pending()).length;
	}

	close(): void {
		this.#off();
	}
}
