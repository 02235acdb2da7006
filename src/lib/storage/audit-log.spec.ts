import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../agents/audit';
import { uuid } from '../agents/ids';
import { fullDatabase } from '../testing/full-database';
import { AuditLog } from './audit-log';
import { openBatonDB } from './db';

// A kiosk's audit record: numbered in order, bounded, and marked as far as an operator has
// acknowledged it, a mark that survives a reload and never moves back.

const event = (n: number): AuditEvent => ({
	at: new Date(Date.UTC(2026, 10, 26, 9, n)).toISOString(),
	callId: `call-${n}`,
	type: 'state',
	state: 'listening'
});

describe('AuditLog', () => {
	it('hands out what no operator has acknowledged, oldest first, and keeps the mark across a reload', async () => {
		const name = `audit-${uuid()}`;
		const db = await openBatonDB(name);
		const log = new AuditLog(db);
		for (let i = 1; i <= 5; i++) await log.append(event(i));
		const first = await log.undelivered(3);
		expect(first.map((e) => e.event.callId)).toEqual(['call-1', 'call-2', 'call-3']);
		expect(first[0]).not.toHaveProperty('event.seq');
		await log.delivered(first.at(-1)!.seq);
		expect(await log.waiting()).toBe(2);
		// An acknowledgement of an older batch arriving late does not move the mark back.
		await log.delivered(first[0]!.seq);
		expect(await log.waiting()).toBe(2);
		const device = await log.deviceId();
		db.close();

		const reopened = new AuditLog(await openBatonDB(name));
		expect(await reopened.deviceId()).toBe(device);
		expect((await reopened.undelivered()).map((e) => e.event.callId)).toEqual(['call-4', 'call-5']);
		// The device keeps every event, sent or not.
		expect(await reopened.all()).toHaveLength(5);
	});

	it('drops the oldest events past its bound, and with storage full counts what it could not keep', async () => {
		const db = await openBatonDB(`audit-${uuid()}`);
		const log = new AuditLog(db, { max: 3 });
		for (let i = 1; i <= 5; i++) await log.append(event(i));
		expect((await log.undelivered()).map((e) => e.event.callId)).toEqual([
			'call-3',
			'call-4',
			'call-5'
		]);
		const full = new AuditLog(fullDatabase(db));
		await full.append(event(6));
		expect(full.dropped).toBe(1);
		// The mark cannot be written either: the events stay waiting, to be sent again (the console
		// keeps each once), and nothing throws.
		await full.delivered(5);
		expect(await log.waiting()).toBe(3);
		db.close();
	});
});
