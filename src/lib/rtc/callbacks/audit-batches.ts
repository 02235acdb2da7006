import * as v from 'valibot';
import type { AuditLog, NumberedEvent } from '../../storage/audit-log';
import type { Presence, Signaling } from '../signaling/signaling';
import { seal } from './sealed';

// A kiosk's audit record on its way to the team. The events hold no caller's words, but who called
// when, which teams took the call and how it ended are the company's business, not the broker's:
// each batch is sealed to the operator's key, like a callback. One batch is out at a time, in the
// order the events were made; the console keeps each event once, by the kiosk's id and the event's
// number, and acknowledges the batch; the kiosk then moves its mark and sends the next. A batch not
// acknowledged (the operator left, the message was lost, the page reloaded) is sent again later,
// so every event reaches an operator, and is kept there once. The kiosk keeps its own copy.

/** A batch's events as JSON stay under this, so a sealed batch fits one signaling message. */
const MAX_BATCH_CHARS = 16_000;
/** How long a batch sent is not sent again while its acknowledgement may be on its way. */
const LEASE_MS = 5_000;

const bounded = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** What a sealed audit batch carries; the console checks it before keeping anything. */
export const AuditBatchSchema = v.object({
	device: v.pipe(bounded(100), v.minLength(1)),
	events: v.pipe(
		v.array(
			v.object({
				seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
				event: v.looseObject({ at: bounded(40), callId: bounded(100), type: bounded(40) })
			})
		),
		v.minLength(1),
		v.maxLength(1000)
	)
});
export type AuditBatch = v.InferOutput<typeof AuditBatchSchema>;

/** The id of a batch: the kiosk and the numbers of its first and last events. */
export const batchId = (device: string, events: AuditBatch['events']) =>
	`${device}:${events[0]!.seq}-${events.at(-1)!.seq}`;

/** The batches of one kiosk's audit record, sent to available operators until acknowledged. */
export class AuditSender {
	readonly #log: AuditLog;
	readonly #signaling: Signaling;
	readonly #selfId: string;
	readonly #now: () => number;
	/** The batch out now, to whom, and since when. */
	#out: { id: string; last: number; to: Presence; at: number } | null = null;

	constructor(o: { log: AuditLog; signaling: Signaling; selfId: string; now?: () => number }) {
		this.#log = o.log;
		this.#signaling = o.signaling;
		this.#selfId = o.selfId;
		this.#now = o.now ?? Date.now;
	}

	/** How many events wait for an operator. */
	waiting(): Promise<number> {
		return this.#log.waiting();
	}

	/** Sends the oldest events no operator has acknowledged to `operator`, sealed to its key. */
	async flush(operator: Presence | undefined): Promise<void> {
		if (!operator?.key) return;
		if (this.#out && this.#out.at + LEASE_MS > this.#now()) return;
		const at = this.#now();
		this.#out = { id: '', last: 0, to: operator, at };
		const events = sized(await this.#log.undelivered(200));
		if (events.length === 0) {
			this.#out = null;
			return;
		}
		const device = await this.#log.deviceId();
		const id = batchId(device, events);
		this.#out = { id, last: events.at(-1)!.seq, to: operator, at };
		const batch: AuditBatch = { device, events };
		this.#signaling.send({
			type: 'audit',
			from: this.#selfId,
			to: operator.from,
			id,
			sealed: await seal(operator.key, batch)
		});
	}

	/** An operator kept a batch: its events are not sent again, and the next batch goes. */
	async acknowledged(id: string): Promise<void> {
		const out = this.#out;
		if (!out || out.id !== id) return;
		await this.#log.delivered(out.last);
		this.#out = null;
		await this.flush(out.to);
	}
}

/**
 * The oldest events that fit one batch. An event too large on its own (it never should be: events
 * hold ids, labels and numbers) goes with its time, call and type only, so it cannot stop the rest.
 */
function sized(events: NumberedEvent[]): AuditBatch['events'] {
	const out: AuditBatch['events'] = [];
	let chars = 0;
	for (const e of events) {
		const n = JSON.stringify(e).length;
		if (n > MAX_BATCH_CHARS) {
			if (out.length > 0) break;
			const { at, callId, type } = e.event;
			return [{ seq: e.seq, event: { at, callId, type, cut: true } }];
		}
		if (chars + n > MAX_BATCH_CHARS) break;
		out.push(e);
		chars += n;
	}
	return out;
}
