import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { uuid } from '../agents/ids';
import { fullDatabase } from '../testing/full-database';
import { openBatonDB, type OutgoingMessage } from './db';
import { Outbox } from './outbox';

// The outbox with the device out of storage: a package that cannot be stored is kept in memory,
// sent and resent like any other until acknowledged or expired; nothing else changes.

const pkg = (handoffId: string, id = uuid()): OutgoingMessage => ({
	id,
	type: 'package',
	payload: { handoffId, summary: 'Asked about a charge.' }
});

describe('Outbox with storage full', () => {
	it('keeps a message in memory, offers it until acknowledged, and says it is not stored', async () => {
		const db = await openBatonDB(`outbox-${uuid()}`);
		let now = 1_000;
		const outbox = new Outbox(fullDatabase(db), { scope: 'h1', ttlMs: 60_000, now: () => now });
		const first = pkg('h1');
		expect(await outbox.add(first)).toBe('memory');
		expect(outbox.unstored).toBe(1);
		expect(await db.count('outbox')).toBe(0);
		expect(await outbox.pending()).toEqual([first]);
		expect(await outbox.waiting()).toBe(1);
		// Offered to a second operator: the newer copy replaces it, as a stored one would be.
		now += 10;
		const second = pkg('h1');
		await outbox.add(second);
		expect(await outbox.pending()).toEqual([second]);
		await outbox.attempted(second.id);
		expect(await outbox.ack(second.id)).toBe(true);
		expect(await outbox.pending()).toEqual([]);
		expect(outbox.unstored).toBe(0);
		db.close();
	});

	it('an unacknowledged message in memory expires like a stored one, and is reported', async () => {
		const db = await openBatonDB(`outbox-${uuid()}`);
		let now = 1_000;
		const outbox = new Outbox(fullDatabase(db), { scope: 'h2', ttlMs: 60_000, now: () => now });
		const message = pkg('h2');
		await outbox.add(message);
		now += 60_001;
		expect(await outbox.pending()).toEqual([]);
		expect(await outbox.expire()).toEqual([message]);
		expect(outbox.unstored).toBe(0);
		db.close();
	});

	it('with room again, a new message is stored as usual', async () => {
		const db = await openBatonDB(`outbox-${uuid()}`);
		const outbox = new Outbox(db, { scope: 'h3' });
		expect(await outbox.add(pkg('h3'))).toBe('stored');
		expect(await db.count('outbox')).toBe(1);
		db.close();
	});
});
