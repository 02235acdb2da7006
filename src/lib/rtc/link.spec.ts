import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openBatonDB } from '../storage/db';
import { Outbox, Received } from '../storage/outbox';
import { memoryPair } from '../testing/memory-port';
import { runCall } from '../testing/calls';
import { Reassembler, toFrames } from './chunker';
import { envelope, parseEnvelope, ProtocolError } from './envelope';
import { Link, type LinkEvent } from './link';
import { ValidationError } from '../agents/errors';

let n = 0;
const links: Link[] = [];
async function side(name: string) {
	const db = await openBatonDB(`test-${name}-${n++}`);
	const link = new Link({
		outbox: new Outbox(db),
		received: new Received(db),
		heartbeatMs: 50,
		deadAfterMs: 300,
		resendMs: 100
	});
	links.push(link);
	const events: LinkEvent[] = [];
	link.on((e) => events.push(e));
	return { db, link, events, outbox: new Outbox(db) };
}
afterEach(() => {
	for (const l of links.splice(0)) l.close();
});
const until = async (f: () => boolean, ms = 3000) => {
	const t0 = Date.now();
	while (!f()) {
		if (Date.now() - t0 > ms) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 10));
	}
};
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

	it('notices a silent peer', async () => {
		const [pa, pb] = memoryPair();
		const a = await side('a');
		const b = await side('b');
		a.link.attach(pa);
		b.link.attach(pb);
		await until(() => a.link.alive);
		b.link.close();
		pb.connected = false;
		await until(() => a.events.some((e) => e.type === 'peer' && !e.alive), 2000);
	});
});
