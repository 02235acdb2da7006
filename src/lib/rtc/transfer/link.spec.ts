import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openBatonDB } from '../../storage/db';
import { Outbox, OUTBOX_TTL_MS, Received } from '../../storage/outbox';
import { faultyChannel } from '../../testing/fault-port';
import { memoryPair } from '../../testing/memory-port';
import { runCall } from '../../testing/calls';
import { Reassembler, toFrames } from './chunker';
import { envelope, parseEnvelope, ProtocolError } from './envelope';
import { Link, type LinkEvent } from './link';
import { ValidationError } from '../../errors';
import { until } from '../../testing/until';

let n = 0;
const links: Link[] = [];
async function side(
	name: string,
	options: { db?: Awaited<ReturnType<typeof openBatonDB>>; scope?: string; callId?: string } = {}
) {
	const db = options.db ?? (await openBatonDB(`test-${name}-${n++}`));
	const scope = options.scope ?? 'handoff-1';
	const link = new Link({
		outbox: new Outbox(db, { scope }),
		received: new Received(db),
		heartbeatMs: 50,
		deadAfterMs: 300,
		resendMs: 100,
		...(options.callId ? { callId: options.callId } : {})
	});
	links.push(link);
	const events: LinkEvent[] = [];
	link.on((e) => events.push(e));
	return { db, link, events, outbox: new Outbox(db, { scope }) };
}
const packagesAt = (events: LinkEvent[]) =>
	events.flatMap((e) =>
		e.type === 'message' && e.envelope.type === 'package'
			? [{ handoffId: e.envelope.payload.handoffId, duplicate: e.duplicate }]
			: []
	);
afterEach(() => {
	for (const l of links.splice(0)) l.close();
});
async function aPackage() {
	const s = await runCall(
		['what is my balance', 'AC-10021 pin 4821', 'let me talk to a person'],
		'external'
	);
	return s.packages.at(-1)!;
}

describe('envelope', () => {
	it('round-trips and rejects malformed, unknown and oversized messages with typed errors', async () => {
		const pkg = await aPackage();
		const env = envelope('package', pkg, 0, 'm1');
		expect(parseEnvelope(JSON.stringify(env))).toEqual(env);
		expect(() => parseEnvelope('{nope')).toThrow(ProtocolError);
		expect(() => parseEnvelope(JSON.stringify({ ...env, v: 2 }))).toThrow(ValidationError);
		expect(() => parseEnvelope(JSON.stringify({ ...env, type: 'teleport' }))).toThrow(
			ValidationError
		);
		expect(() =>
			parseEnvelope(JSON.stringify({ ...env, payload: { ...pkg, caller: {} } }))
		).toThrow(ValidationError);
		expect(() => parseEnvelope('x'.repeat(2_000_000))).toThrow(/exceeds/);
		expect(() => parseEnvelope(new ArrayBuffer(4))).toThrow(ProtocolError);
	});
});

describe('chunker', () => {
	it('splits below the size limit and reassembles in any order', async () => {
		const env = envelope('package', await aPackage(), 0, 'big');
		let seq = 1;
		let id = 0;
		const frames = toFrames(env, 1200, { seq: () => seq++, id: () => `c${id++}` });
		expect(frames.length).toBeGreaterThan(2);
		for (const f of frames) expect(f.length).toBeLessThanOrEqual(1200);
		const r = new Reassembler();
		const chunks = frames.map((f) => parseEnvelope(f)).reverse();
		let whole: string | null = null;
		for (const c of chunks) if (c.type === 'chunk') whole = r.add(c.payload) ?? whole;
		expect(parseEnvelope(whole)).toEqual(env);
	});

	it('evicts the oldest partial message for a new one instead of refusing new messages', () => {
		// Regression: 16 partial messages locked out every new chunked message for 30 s, while the
		// error claimed the oldest had been dropped.
		const dropped: string[] = [];
		const r = new Reassembler({ maxPending: 2, onDropped: (e) => dropped.push(e.code) });
		r.add({ of: 'a', index: 0, total: 2, data: 'a0' }, 0);
		r.add({ of: 'b', index: 0, total: 2, data: 'b0' }, 1);
		expect(r.add({ of: 'c', index: 0, total: 2, data: 'c0' }, 2)).toBeNull();
		expect(dropped).toEqual(['chunk_overflow']);
		expect(r.add({ of: 'c', index: 1, total: 2, data: 'c1' }, 3)).toBe('c0c1');
		// 'a' really was dropped: its second half alone does not complete it, and 'b' still can.
		expect(r.add({ of: 'a', index: 1, total: 2, data: 'a1' }, 4)).toBeNull();
		expect(r.add({ of: 'b', index: 1, total: 2, data: 'b1' }, 5)).toBe('b0b1');
	});

	it('reports a partial message that timed out, and takes a fresh copy of it', () => {
		const dropped: string[] = [];
		const r = new Reassembler({ timeoutMs: 100, onDropped: (e) => dropped.push(e.code) });
		r.add({ of: 'a', index: 0, total: 2, data: 'x' }, 0);
		r.sweep(200);
		expect(dropped).toEqual(['chunk_expired']);
		expect(r.pending).toBe(0);
		r.add({ of: 'a', index: 1, total: 2, data: 'y' }, 210);
		expect(r.add({ of: 'a', index: 0, total: 2, data: 'x' }, 220)).toBe('xy');
	});

	it('restarts a message re-chunked to another count, and refuses an index past the count', () => {
		const dropped: string[] = [];
		const r = new Reassembler({ onDropped: (e) => dropped.push(e.code) });
		r.add({ of: 'a', index: 0, total: 3, data: 'x' });
		expect(r.add({ of: 'a', index: 1, total: 2, data: 'yz' })).toBeNull();
		expect(dropped).toEqual(['invalid_envelope']);
		expect(r.add({ of: 'a', index: 0, total: 2, data: 'x' })).toBe('xyz');
		expect(() => r.add({ of: 'b', index: 3, total: 3, data: '' })).toThrow(ProtocolError);
	});

	it('refuses a chunked message that grows past the limit', () => {
		const r = new Reassembler({ maxBytes: 100 });
		r.add({ of: 'x', index: 0, total: 3, data: 'a'.repeat(60) });
		expect(() => r.add({ of: 'x', index: 1, total: 3, data: 'a'.repeat(60) })).toThrow(/grew past/);
	});
});

describe('outbox and link', () => {
	it('delivers a package once, acknowledged, and empties the outbox', async () => {
		const [pa, pb] = memoryPair();
		const a = await side('a');
		const b = await side('b');
		a.link.attach(pa);
		b.link.attach(pb);
		const pkg = await aPackage();
		await a.link.sendReliable('package', pkg);
		await until(() => a.events.some((e) => e.type === 'acked'));
		const got = b.events.filter((e) => e.type === 'message');
		expect(got).toHaveLength(1);
		expect(await a.outbox.pending()).toEqual([]);
	});

	it('keeps a package in the outbox while the link is down and delivers it when it returns', async () => {
		const [pa, pb] = memoryPair();
		pa.connected = false;
		const a = await side('a');
		const b = await side('b');
		a.link.attach(pa);
		b.link.attach(pb);
		await a.link.sendReliable('package', await aPackage());
		await new Promise((r) => setTimeout(r, 250));
		expect(await a.outbox.pending()).toHaveLength(1);
		pa.connected = true;
		await until(() => b.events.some((e) => e.type === 'message'));
		await until(() => a.events.some((e) => e.type === 'acked'));
		expect(await a.outbox.pending()).toEqual([]);
	});

	it('applies a duplicate delivery once and acknowledges both', async () => {
		const [pa, pb] = memoryPair();
		const b = await side('b');
		b.link.attach(pb);
		const env = envelope('package', await aPackage(), 0, 'dup-1');
		pb.inject(JSON.stringify(env));
		pb.inject(JSON.stringify({ ...env, id: 'dup-2' }));
		await until(
			() => pa.onmessage === null && b.events.filter((e) => e.type === 'message').length === 2
		);
		const msgs = b.events.filter(
			(e): e is Extract<LinkEvent, { type: 'message' }> => e.type === 'message'
		);
		expect(msgs.map((m) => m.duplicate)).toEqual([false, true]);
		expect(pb.sent.filter((s) => s.includes('"ack"'))).toHaveLength(2);
	});

	it('rejects malformed and oversized frames and keeps working', async () => {
		const [pa, pb] = memoryPair(2000);
		const a = await side('a');
		const b = await side('b');
		a.link.attach(pa);
		b.link.attach(pb);
		pb.inject('not json');
		pb.inject(JSON.stringify({ v: 1, type: 'package', id: 'x', seq: 0, payload: { hello: 1 } }));
		pb.inject('y'.repeat(2_000_000));
		await until(() => b.events.filter((e) => e.type === 'rejected').length === 3);
		// A large package still gets through, chunked below the 2,000-byte frame limit.
		await a.link.sendReliable('package', await aPackage());
		await until(() => b.events.some((e) => e.type === 'message'));
		expect(pa.sent.every((f) => f.length <= 2000)).toBe(true);
	});

	it("never sends an earlier call's package, and lets it expire", async () => {
		// Regression: the caller's outbox was one list for every call, so flush() sent an old call's
		// package to the next operator; and nothing ever expired.
		const [pa] = memoryPair();
		pa.connected = false;
		const callerDb = await openBatonDB(`test-caller-${n++}`);
		const oldId = crypto.randomUUID();
		const newId = crypto.randomUUID();
		const old = await side('a', { db: callerDb, scope: oldId });
		old.link.attach(pa);
		const stale = await aPackage();
		await old.link.sendReliable('package', { ...stale, handoffId: oldId });
		old.link.close(); // the caller left; the package stays in IndexedDB

		const [pc, pd] = memoryPair();
		const next = await side('c', { db: callerDb, scope: newId });
		const operator = await side('d', { callId: stale.callId });
		next.link.attach(pc);
		operator.link.attach(pd);
		await next.link.sendReliable('package', { ...stale, handoffId: newId });
		await until(() => next.events.some((e) => e.type === 'acked'));
		await next.link.flush();
		await operator.link.idle();
		expect(packagesAt(operator.events)).toEqual([{ handoffId: newId, duplicate: false }]);
		expect(pc.sent.some((f) => f.includes(oldId))).toBe(false);
		expect(await old.outbox.pending()).toHaveLength(1);

		// Past its age the old package is dropped by whichever link flushes next.
		const later = new Outbox(callerDb, {
			scope: oldId,
			now: () => Date.now() + OUTBOX_TTL_MS + 1
		});
		expect((await later.expire()).map((e) => e.type)).toEqual(['package']);
		expect(await later.waiting()).toBe(0);
	});

	it('reports its own package as expired instead of sending it late', async () => {
		const [pa, pb] = memoryPair();
		const db = await openBatonDB(`test-exp-${n++}`);
		let now = Date.now();
		const link = new Link({
			outbox: new Outbox(db, { scope: 'h', now: () => now }),
			received: new Received(db),
			resendMs: 60_000
		});
		links.push(link);
		const events: LinkEvent[] = [];
		link.on((e) => events.push(e));
		pa.connected = false;
		link.attach(pa);
		const id = await link.sendReliable('package', await aPackage());
		now += OUTBOX_TTL_MS + 1;
		pa.connected = true;
		await link.flush();
		expect(events).toContainEqual(expect.objectContaining({ type: 'expired', id }));
		expect(pb.sent).toEqual([]);
		expect(pa.sent.some((f) => f.includes(id))).toBe(false);
	});

	it('keeps one waiting copy of a handoff offered again', async () => {
		const db = await openBatonDB(`test-sup-${n++}`);
		const outbox = new Outbox(db, { scope: 'h' });
		const pkg = await aPackage();
		await outbox.add(envelope('package', pkg, 0, 'first-offer'));
		await outbox.add(envelope('package', pkg, 1, 'second-offer'));
		expect((await outbox.pending()).map((e) => e.id)).toEqual(['second-offer']);
	});

	it('refuses a package for another call without recording it', async () => {
		// Regression: the console applied any package that reached it, whatever call it rang for.
		const [pa, pb] = memoryPair();
		const a = await side('a');
		const opDb = await openBatonDB(`test-op-${n++}`);
		const b = await side('b', { db: opDb, callId: 'the-call-ringing' });
		a.link.attach(pa);
		b.link.attach(pb);
		const pkg = await aPackage();
		await a.link.sendReliable('package', pkg);
		await until(() => a.events.some((e) => e.type === 'refused'));
		expect(packagesAt(b.events)).toEqual([]);
		expect(b.events).toContainEqual(
			expect.objectContaining({
				type: 'rejected',
				error: expect.objectContaining({ code: 'wrong_call' })
			})
		);
		expect(await a.outbox.pending()).toEqual([]);
		// Not recorded: the ring that is for this call still takes it in as new.
		expect(await new Received(opDb).first(pkg.handoffId)).toBe(true);
	});

	it('without a call id, holds to the call of the first package it takes in', async () => {
		const [, pb] = memoryPair();
		const b = await side('b');
		b.link.attach(pb);
		const pkg = await aPackage();
		pb.inject(JSON.stringify(envelope('package', pkg, 0, 'm1')));
		const other = { ...pkg, callId: crypto.randomUUID(), handoffId: crypto.randomUUID() };
		pb.inject(JSON.stringify(envelope('package', other, 1, 'm2')));
		await b.link.idle();
		expect(packagesAt(b.events)).toEqual([{ handoffId: pkg.handoffId, duplicate: false }]);
		expect(pb.sent.filter((f) => f.includes('"refused":"wrong_call"'))).toHaveLength(1);
	});

	it('remembers a handoff across a reload of the receiving page', async () => {
		// Regression: de-duplication lived in a database named per page load, so after an operator
		// reload a resent package was taken in again.
		const opDb = await openBatonDB(`test-reload-${n++}`);
		const pkg = await aPackage();
		const env = JSON.stringify(envelope('package', pkg, 0, 'm1'));
		const [, p1] = memoryPair();
		const before = await side('op', { db: opDb, callId: pkg.callId });
		before.link.attach(p1);
		p1.inject(env);
		await before.link.idle();
		before.link.close();
		const [, p2] = memoryPair();
		const after = await side('op', { db: await openBatonDB(opDb.name), callId: pkg.callId });
		after.link.attach(p2);
		p2.inject(env);
		await after.link.idle();
		expect(packagesAt(before.events)).toEqual([{ handoffId: pkg.handoffId, duplicate: false }]);
		expect(packagesAt(after.events)).toEqual([{ handoffId: pkg.handoffId, duplicate: true }]);
		expect(p2.sent.filter((f) => f.includes('"ack"'))).toHaveLength(1);
	});

	it('completes a package whose chunk was lost, from the resend', async () => {
		const [pa, pb] = faultyChannel({ maxMessageSize: 1200 });
		const a = await side('a');
		const pkg = await aPackage();
		const b = await side('b', { callId: pkg.callId });
		let frame = 0;
		const send = pa.send.bind(pa);
		pa.send = (text) => {
			// The second frame of the first transmission never arrives.
			if (frame++ === 1) return;
			send(text);
		};
		a.link.attach(pa);
		b.link.attach(pb);
		await a.link.sendReliable('package', pkg);
		await until(() => a.events.some((e) => e.type === 'acked'));
		expect(frame).toBeGreaterThan(3);
		// Taken in once; a resend that crossed the acknowledgement is only acknowledged again.
		expect(packagesAt(b.events).filter((p) => !p.duplicate)).toEqual([
			{ handoffId: pkg.handoffId, duplicate: false }
		]);
	});

	it('drops half a message when its channel closes and takes the whole one on the next', async () => {
		const pkg = await aPackage();
		const [pa, pb] = faultyChannel({ maxMessageSize: 1200, faults: { closeAfterFrames: 2 } });
		const a = await side('a');
		const b = await side('b', { callId: pkg.callId });
		a.link.attach(pa);
		b.link.attach(pb);
		await a.link.sendReliable('package', pkg);
		await b.link.idle();
		expect(pa.isOpen).toBe(false);
		expect(packagesAt(b.events)).toEqual([]);
		const [qa, qb] = faultyChannel({ maxMessageSize: 1500 });
		b.link.attach(qb);
		a.link.attach(qa);
		await until(() => a.events.some((e) => e.type === 'acked'));
		expect(b.events).toContainEqual(
			expect.objectContaining({
				type: 'rejected',
				error: expect.objectContaining({ code: 'channel_closed' })
			})
		);
		// Taken in once; a resend that crossed the acknowledgement is only acknowledged again.
		expect(packagesAt(b.events).filter((p) => !p.duplicate)).toEqual([
			{ handoffId: pkg.handoffId, duplicate: false }
		]);
	});

	it('notices a silent peer', async () => {
		const [pa, pb] = memoryPair();
		const a = await side('a');
		const b = await side('b');
		a.link.attach(pa);
		b.link.attach(pb);
		await until(() => a.link.alive);
		b.link.close();
		pb.connected = false;
		await until(() => a.events.some((e) => e.type === 'peer' && !e.alive), { timeoutMs: 2000 });
	});
});
