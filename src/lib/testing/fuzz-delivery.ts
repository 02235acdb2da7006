import fc from 'fast-check';
import type { ContextPackage } from '../agents/handoff/context-package';
import { BatonError, ValidationError } from '../errors';
import { held } from './until';
import { uuid } from '../agents/ids';
import { Reassembler, toFrames } from '../rtc/transfer/chunker';
import { envelope, parseEnvelope, ProtocolError, type Envelope } from '../rtc/transfer/envelope';
import { Link } from '../rtc/transfer/link';
import type { Database } from '../storage/db';
import { Outbox, Received } from '../storage/outbox';
import { memoryPair } from './memory-port';

// A fast-check fuzz of what a peer can send: the envelope parser, the reassembler and a whole
// Link. Every bad message must end in a typed error (ProtocolError or ValidationError), never an
// untyped exception, and the link must still carry a real package afterwards. Used by a unit test
// (a few thousand messages) and by `npm run bench:delivery` (100,000 and more).

export type FuzzResult = {
	target: 'parser' | 'reassembler' | 'link';
	messages: number;
	/** Exceptions that were not a ProtocolError or ValidationError (goal 0). */
	untyped: number;
	/** The first such message, shortened, to replay. */
	example?: string;
	/** Typed rejections by code. */
	codes: Record<string, number>;
	/** Link only: a real package still went through and the peer counted as alive. */
	stillUp?: boolean;
	/** Reassembler only: whole messages that came back different from what was sent (goal 0). */
	corrupted?: number;
	/** Reassembler only: real messages that came back whole / were reported dropped. */
	reassembled?: number;
	dropped?: number;
};

const typed = (e: unknown) => e instanceof ProtocolError || e instanceof ValidationError;

function templates(pkg: ContextPackage): Envelope[] {
	return [
		envelope('package', pkg, 1, 'p1'),
		envelope('ack', { of: 'p1', handoffId: pkg.handoffId, duplicate: false }, 2, 'a1'),
		envelope('heartbeat', { at: 1 }, 3, 'h1'),
		envelope('transcript', pkg.transcript[0] ?? { role: 'caller', text: 'hi', at: 'now' }, 4, 't1'),
		envelope('operator', { action: 'accept', handoffId: pkg.handoffId, name: 'Sam' }, 5, 'o1'),
		envelope('handback', { handoffId: pkg.handoffId, to: 'billing', notes: ['n'] }, 6, 'b1'),
		envelope('hangup', { reason: 'done' }, 7, 'x1'),
		envelope('chunk', { of: 'p1', index: 0, total: 2, data: '{"v":1' }, 8, 'c1')
	];
}

/**
 * Sets `value` at a path inside a JSON-like value, or deletes the key there, copying only the
 * objects along the path (the rest is shared with the template, which is never changed).
 */
function mutate(node: unknown, path: number[], value: unknown, remove: boolean): unknown {
	if (typeof node !== 'object' || node === null) return value;
	const keys = Object.keys(node);
	if (keys.length === 0) return node;
	const key = keys[(path[0] ?? 0) % keys.length]!;
	const copy: Record<string, unknown> = Array.isArray(node)
		? ([...node] as unknown as Record<string, unknown>)
		: { ...(node as Record<string, unknown>) };
	const child = copy[key];
	if (path.length <= 1 || typeof child !== 'object' || child === null) {
		if (remove) delete copy[key];
		else copy[key] = value;
	} else {
		copy[key] = mutate(child, path.slice(1), value, remove);
	}
	return copy;
}

function stringify(value: unknown): string | null {
	try {
		return JSON.stringify(value) ?? null;
	} catch {
		return null;
	}
}

/** What a hostile or broken peer sends: noise, near-misses of every message type, and chunks. */
export function peerMessages(pkg: ContextPackage): fc.Arbitrary<unknown> {
	const base = templates(pkg);
	const json = base.map((e) => JSON.stringify(e));
	const template = fc.integer({ min: 0, max: base.length - 1 });
	const mutated = fc
		.tuple(
			template,
			fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }),
			fc.oneof(
				fc.integer(),
				fc.double(),
				fc.string({ maxLength: 20 }),
				fc.array(fc.nat(), { maxLength: 3 }),
				fc.dictionary(fc.string({ maxLength: 5 }), fc.nat(), { maxKeys: 3 }),
				fc.constantFrom(-1, 0, 1e308, '', 'x'.repeat(5000), null, [], {}, true, 2 ** 53)
			),
			fc.boolean()
		)
		.map(([i, path, value, remove]) => stringify(mutate(base[i], path, value, remove)) ?? '');
	const truncated = fc
		.tuple(template, fc.nat())
		.map(([i, cut]) => json[i]!.slice(0, cut % (json[i]!.length + 1)));
	const extraKey = fc
		.tuple(template, fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }))
		.map(([i, k, v]) => stringify({ ...base[i], [k]: v }) ?? '');
	const chunk = fc
		.record({
			of: fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5', 'p1', 'big'),
			index: fc.integer({ min: -2, max: 12 }),
			total: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constant(4096), fc.constant(5000)),
			data: fc.oneof(fc.string({ maxLength: 40 }), fc.constant('{"v":1,"type":"package"'))
		})
		.map((payload) => JSON.stringify({ v: 1, type: 'chunk', id: 'c', seq: 1, payload }));
	const deep = fc
		.integer({ min: 1, max: 20_000 })
		.map((n) => '['.repeat(n) + ']'.repeat(n % 3 === 0 ? 0 : n));
	return fc.oneof(
		{ arbitrary: fc.string({ maxLength: 300 }), weight: 2 },
		{ arbitrary: fc.string({ unit: 'binary', maxLength: 100 }), weight: 1 },
		{ arbitrary: fc.json({ maxDepth: 2 }), weight: 2 },
		{ arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
		{ arbitrary: mutated, weight: 8 },
		{ arbitrary: truncated, weight: 2 },
		{ arbitrary: extraKey, weight: 2 },
		{ arbitrary: chunk, weight: 4 },
		{ arbitrary: deep, weight: 1 },
		{ arbitrary: fc.constantFrom(...json), weight: 1 }
	);
}

function note(result: FuzzResult, e: unknown, message: unknown): void {
	if (typed(e)) {
		const code = (e as BatonError).code;
		result.codes[code] = (result.codes[code] ?? 0) + 1;
		return;
	}
	result.untyped++;
	result.example ??= `${String(e)} on ${String(stringify(message) ?? message).slice(0, 200)}`;
}

export function fuzzParser(pkg: ContextPackage, runs: number, seed: number): FuzzResult {
	const result: FuzzResult = { target: 'parser', messages: 0, untyped: 0, codes: {} };
	fc.assert(
		fc.property(peerMessages(pkg), (m) => {
			result.messages++;
			try {
				const env = parseEnvelope(m);
				// What parses must survive the trip again unchanged.
				if (stringify(parseEnvelope(JSON.stringify(env))) !== stringify(env)) {
					result.untyped++;
					result.example ??= `round trip changed ${String(m).slice(0, 200)}`;
				}
			} catch (e) {
				note(result, e, m);
			}
		}),
		{ numRuns: runs, seed }
	);
	return result;
}

/**
 * Real messages cut into chunks, shuffled with duplicates, interleaved with hostile chunks, fed to
 * a small reassembler. Whatever comes back whole must be exactly what was sent.
 */
export function fuzzReassembler(runs: number, seed: number): FuzzResult {
	const result: FuzzResult = {
		target: 'reassembler',
		messages: 0,
		untyped: 0,
		codes: {},
		corrupted: 0,
		reassembled: 0,
		dropped: 0
	};
	const noise = fc.record({
		of: fc.constantFrom('n1', 'n2', 'n3', 'n4', 'n5', 'n6'),
		index: fc.nat(9),
		total: fc.integer({ min: 1, max: 10 }),
		data: fc.string({ maxLength: 300 })
	});
	const real = fc
		.tuple(fc.string({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 40, max: 900 }))
		.map(([text, size]) => ({ text, size }));
	const scenario = fc.tuple(
		fc.array(real, { minLength: 1, maxLength: 4 }),
		fc.array(noise, { maxLength: 12 }),
		fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
		fc.integer({ min: 1, max: 5 })
	);
	let serial = 0;
	fc.assert(
		fc.property(scenario, ([reals, noises, order, maxPending]) => {
			const sent = new Map<string, string>();
			const r = new Reassembler({
				maxBytes: 2500,
				maxPending,
				timeoutMs: 40,
				onDropped: (e) => {
					result.dropped!++;
					note(result, e, 'dropped');
				}
			});
			type C = { of: string; index: number; total: number; data: string };
			const chunks: C[] = [];
			for (const { text, size } of reals) {
				const of = `r${serial++}`;
				sent.set(of, text);
				const total = Math.ceil(text.length / size);
				for (let index = 0; index < total; index++)
					chunks.push({ of, index, total, data: text.slice(index * size, (index + 1) * size) });
			}
			chunks.push(...noises);
			// Shuffle with duplicates, deterministically from the drawn numbers.
			for (let i = chunks.length - 1; i > 0; i--) {
				const j = (order[i % order.length]! + i) % (i + 1);
				[chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!];
			}
			if (chunks.length > 1) chunks.push(chunks[order[0]! % chunks.length]!);
			let now = 0;
			for (const c of chunks) {
				result.messages++;
				now += order[now % order.length]! % 15;
				try {
					const whole = r.add(c, now);
					if (whole === null) continue;
					if (c.of.startsWith('n')) continue;
					result.reassembled!++;
					if (whole !== sent.get(c.of)) result.corrupted!++;
				} catch (e) {
					note(result, e, c);
				}
			}
			if (r.pending > maxPending) result.corrupted!++;
		}),
		{ numRuns: Math.ceil(runs / 8), seed }
	);
	return result;
}

/**
 * Feeds `runs` hostile frames to a receiving Link over the in-memory port, then checks a real
 * package still goes through end to end (chunked) and the peer is alive.
 */
export async function fuzzLink(
	pkg: ContextPackage,
	runs: number,
	seed: number,
	dbs: { sender: Database; receiver: Database }
): Promise<FuzzResult> {
	const result: FuzzResult = { target: 'link', messages: 0, untyped: 0, codes: {} };
	const [pa, pb] = memoryPair(2000);
	const timing = { heartbeatMs: 50, deadAfterMs: 4000, resendMs: 100 };
	const sender = new Link({
		outbox: new Outbox(dbs.sender, { scope: pkg.handoffId }),
		received: new Received(dbs.sender),
		...timing
	});
	const receiver = new Link({
		outbox: new Outbox(dbs.receiver, { scope: pkg.callId }),
		received: new Received(dbs.receiver),
		callId: pkg.callId,
		...timing
	});
	const real = { ...pkg, handoffId: uuid() };
	let arrived = false;
	receiver.on((e) => {
		if (e.type === 'rejected') {
			if (e.error.code === 'link_error' || !typed(e.error)) {
				result.untyped++;
				result.example ??= e.error.message;
			} else result.codes[e.error.code] = (result.codes[e.error.code] ?? 0) + 1;
		}
		if (e.type === 'message' && e.envelope.type === 'package')
			arrived ||= e.envelope.payload.handoffId === real.handoffId;
	});
	sender.attach(pa);
	receiver.attach(pb);
	const frames = fc.sample(peerMessages(pkg), { numRuns: runs, seed });
	const batch = 2000;
	for (let i = 0; i < frames.length; i += batch) {
		for (const f of frames.slice(i, i + batch)) {
			result.messages++;
			try {
				pb.inject(f);
			} catch (e) {
				note(result, e, f);
			}
		}
		await receiver.idle();
	}
	await sender.sendReliable('package', real);
	await held(
		async () =>
			arrived && (await new Outbox(dbs.sender, { scope: pkg.handoffId }).pending()).length === 0,
		{ timeoutMs: 5000, everyMs: 20 }
	);
	result.stillUp = arrived && receiver.alive && pb.isOpen;
	sender.close();
	receiver.close();
	return result;
}

/** The frames a package becomes at a given size limit (for tests that drop one of them). */
export function framesOf(env: Envelope, maxMessageSize: number): string[] {
	let seq = 0;
	let id = 0;
	return toFrames(env, maxMessageSize, { seq: () => seq++, id: () => `f${id++}` });
}
