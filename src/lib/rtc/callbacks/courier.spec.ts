import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { uuid } from '../../agents/ids';
import { openBatonDB, type Database } from '../../storage/db';
import { fullDatabase } from '../../testing/full-database';
import { until } from '../../testing/until';
import { BroadcastSignaling, type Signal } from '../signaling/signaling';
import { callbackStore } from './callbacks';
import { CallbackCourier } from './courier';
import { CallbackRequestSchema, newSealingKeys, open } from './sealed';

// Callback requests asked for with no network wait in the page's database and reach the first
// available operator once signaling is back: sealed, once, and across a reload of the page.

const details = {
	callId: 'call-7',
	name: 'Maria Lopez',
	phone: '415-555-0134',
	summary: 'Maria asked about a charge.'
};

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const close of cleanups.splice(0)) close();
});

async function setUp() {
	const channel = `baton-test-${uuid()}`;
	const desk = new BroadcastSignaling(channel);
	const heard: Signal[] = [];
	desk.subscribe((m) => heard.push(m));
	const keys = await newSealingKeys();
	const operator = 'op-1';
	const presence = (): Signal => ({
		type: 'presence',
		from: operator,
		status: 'available',
		at: Date.now(),
		key: keys.publicKey
	});
	const db = await openBatonDB(`courier-${uuid()}`);
	/** A page of the caller's, opened (or reloaded) on this database. */
	const page = (database: Database = db) => {
		const courier = new CallbackCourier({
			db: database,
			signaling: new BroadcastSignaling(channel)
		});
		cleanups.push(() => courier.close());
		return courier;
	};
	const offers = () => heard.filter((m) => m.type === 'callback');
	cleanups.push(() => {
		desk.close();
		db.close();
	});
	return { desk, heard, keys, presence, db, page, offers, operator };
}

describe('CallbackCourier', () => {
	it('offers a request kept while offline to the first operator, sealed, and once acknowledged never again', async () => {
		const t = await setUp();
		expect(await callbackStore(t.db).add(details)).toBe('stored');
		const courier = t.page();
		// It asks who is there, since a request is waiting.
		await until(() => t.heard.some((m) => m.type === 'who' && m.from === courier.selfId));
		t.desk.send(t.presence());
		await until(() => t.offers().length === 1);
		const offered = t.offers()[0]!;
		if (offered.type !== 'callback') throw new Error('not a callback');
		// The number in any form; a short piece like "415" may turn up by chance in ids or ciphertext.
		expect(JSON.stringify(offered)).not.toContain('555-0134');
		expect(JSON.stringify(offered)).not.toContain('5550134');
		expect(v.parse(CallbackRequestSchema, await open(t.keys, offered.sealed))).toMatchObject(
			details
		);
		// The operator's presence again, before its acknowledgement arrives: not offered twice.
		t.desk.send(t.presence());
		await new Promise((r) => setTimeout(r, 100));
		expect(t.offers()).toHaveLength(1);
		t.desk.send({ type: 'callback_ack', from: t.operator, to: offered.from, id: offered.id });
		// Acknowledged: deleted from the device, name and number with it.
		await until(async () => (await t.db.getAll('callbacks')).length === 0);
		expect(await courier.waiting()).toBe(0);
	});

	it('a request survives a reload of the page until an operator acknowledges it', async () => {
		const t = await setUp();
		await callbackStore(t.db).add(details);
		// The first page never meets an operator; it is closed (reloaded).
		t.page().close();
		const database = await openBatonDB(t.db.name);
		cleanups.push(() => database.close());
		const again = t.page(database);
		expect(await again.waiting()).toBe(1);
		t.desk.send(t.presence());
		await until(() => t.offers().length === 1);
		const offered = t.offers()[0]!;
		if (offered.type !== 'callback') throw new Error('not a callback');
		t.desk.send({ type: 'callback_ack', from: t.operator, to: offered.from, id: offered.id });
		await until(async () => (await again.waiting()) === 0);
		// Another reload: nothing is left to offer, and nothing is.
		const third = t.page(database);
		await new Promise((r) => setTimeout(r, 50));
		await third.ask();
		t.desk.send(t.presence());
		await new Promise((r) => setTimeout(r, 100));
		expect(t.offers()).toHaveLength(1);
		expect(t.heard.filter((m) => m.type === 'who' && m.from === third.selfId)).toHaveLength(0);
	});

	it('with storage full, keeps the request in memory, says so, and still delivers it while the page is open', async () => {
		const t = await setUp();
		const full = fullDatabase(t.db);
		const store = callbackStore(full);
		expect(await store.add(details)).toBe('memory');
		expect(store.unstored).toBe(1);
		expect(await t.db.getAll('callbacks')).toEqual([]);
		const courier = t.page(full);
		expect(await courier.waiting()).toBe(1);
		t.desk.send(t.presence());
		await until(() => t.offers().length === 1);
		const offered = t.offers()[0]!;
		if (offered.type !== 'callback') throw new Error('not a callback');
		expect(v.parse(CallbackRequestSchema, await open(t.keys, offered.sealed))).toMatchObject(
			details
		);
		t.desk.send({ type: 'callback_ack', from: t.operator, to: offered.from, id: offered.id });
		await until(() => store.unstored === 0);
		expect(await courier.waiting()).toBe(0);
	});

	it('an error other than a full disk is not hidden', async () => {
		const t = await setUp();
		const broken = fullDatabase(
			t.db,
			new DOMException('the database is closing', 'InvalidStateError')
		);
		await expect(callbackStore(broken).add(details)).rejects.toThrow('the database is closing');
	});
});
