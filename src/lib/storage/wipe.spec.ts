import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { uuid } from '../agents/ids';
import type { AuditEvent } from '../agents/audit';
import { AuditLog } from './audit-log';
import { openBatonDB } from './db';
import { wipeCallerData } from './wipe';

// A kiosk's reset: the previous caller's words leave storage; the audit record, undelivered
// callback requests and nothing else stay.

class MemoryStorage implements Storage {
	#items = new Map<string, string>();
	get length() {
		return this.#items.size;
	}
	clear() {
		this.#items.clear();
	}
	getItem(key: string) {
		return this.#items.get(key) ?? null;
	}
	key(index: number) {
		return [...this.#items.keys()][index] ?? null;
	}
	removeItem(key: string) {
		this.#items.delete(key);
	}
	setItem(key: string, value: string) {
		this.#items.set(key, value);
	}
}

const event = (callId: string, type: 'call_started' | 'call_ended'): AuditEvent =>
	type === 'call_started'
		? { at: '2026-11-26T08:00:00.000Z', callId, type, channel: 'text', owner: 'triage' }
		: { at: '2026-11-26T08:05:00.000Z', callId, type, outcome: 'resolved' };

describe('wipeCallerData', () => {
	it('clears the caller’s words from storage and keeps the audit record and undelivered callbacks', async () => {
		const db = await openBatonDB(`wipe-${uuid()}`);
		const local = new MemoryStorage();
		const session = new MemoryStorage();
		local.setItem('baton.textOnly', '1');
		session.setItem('draft', 'my parrot Archibald chewed the bill');
		await db.put('outbox', {
			id: 'm1',
			scope: 'h1',
			envelope: { id: 'm1', type: 'package', payload: { summary: 'Archibald' } },
			createdAt: 1,
			attempts: 0
		});
		await db.put('received', { handoffId: 'h0', at: 1 });
		await db.put('callbacks', {
			id: 'waiting',
			callId: 'c1',
			phone: '415-555-0134',
			summary: 'Asked about a charge.',
			createdAt: 1,
			sent: false
		});
		await db.put('callbacks', {
			id: 'delivered',
			callId: 'c0',
			phone: '415-555-0199',
			summary: 'Asked about a plan.',
			createdAt: 0,
			sent: true
		});
		const audit = new AuditLog(db);
		await audit.append(event('c1', 'call_started'));
		await audit.append(event('c1', 'call_ended'));

		const wiped = await wipeCallerData(db, { local, session });

		expect(wiped).toEqual({ localStorage: 1, sessionStorage: 1, outbox: 1, received: 1 });
		expect(local.length + session.length).toBe(0);
		expect(await db.getAll('outbox')).toEqual([]);
		expect(await db.getAll('received')).toEqual([]);
		expect((await db.getAll('callbacks')).map((c) => c.id)).toEqual(['waiting']);
		expect((await audit.all()).map((e) => e.type)).toEqual(['call_started', 'call_ended']);
		db.close();
	});

	it('keeps the audit record bounded, oldest events first out', async () => {
		const db = await openBatonDB(`audit-${uuid()}`);
		const audit = new AuditLog(db, { max: 3 });
		for (let i = 0; i < 5; i++) await audit.append(event(`c${i}`, 'call_started'));
		expect((await audit.all()).map((e) => e.callId)).toEqual(['c2', 'c3', 'c4']);
		db.close();
	});
});
