import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '$lib/agents/audit';
import { uuid } from '$lib/agents/ids';
import { CallbackCourier } from '$lib/rtc/callbacks/courier';
import { newSealingKeys, seal } from '$lib/rtc/callbacks/sealed';
import { BroadcastSignaling, type Signal } from '$lib/rtc/signaling/signaling';
import { AuditLog } from '$lib/storage/audit-log';
import { openBatonDB, OPERATOR_DB } from '$lib/storage/db';
import { until } from '$lib/testing/until';
import { OperatorConsole } from './console.svelte';
import { group } from './kiosk-calls';
import { wireConsole } from './wire-console';

// A kiosk's audit record reaches the team: the events it kept while no operator could be reached
// go, sealed, to the first console signed in, which keeps each once and acknowledges it; the kiosk
// then sends nothing of them again, across a reload of either page. Both sides are the real ones,
// over a real BroadcastChannel.

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute)).toISOString();

/** The events of one kiosk call: triage, then `team`, maybe a person, then the end. */
function call(callId: string, minute: number, team: string, person = false): AuditEvent[] {
	const e: AuditEvent[] = [
		{ at: at(minute), callId, type: 'call_started', channel: 'text', owner: 'triage' },
		{ at: at(minute), callId, type: 'caller_turn', turn: 1, entities: [], redactions: 0 },
		{
			at: at(minute),
			callId,
			type: 'handoff',
			handoffId: uuid(),
			from: 'triage',
			to: team,
			trigger: 'out_of_scope'
		}
	];
	if (person)
		e.push(
			{
				at: at(minute),
				callId,
				type: 'handoff',
				handoffId: uuid(),
				from: team,
				to: 'human',
				person: true,
				trigger: 'explicit_request'
			},
			{ at: at(minute), callId, type: 'fallback', choice: 'callback' }
		);
	e.push({
		at: at(minute + 1),
		callId,
		type: 'call_ended',
		outcome: person ? 'callback' : 'resolved'
	});
	return e;
}

async function setUp() {
	const channel = `baton-kiosk-${uuid()}`;
	const operatorDb = await openBatonDB(OPERATOR_DB);
	await operatorDb.clear('kioskAudit');
	const heard: Signal[] = [];
	const watch = new BroadcastSignaling(channel);
	watch.subscribe((m) => heard.push(m));
	const kioskDb = await openBatonDB(`kiosk-${uuid()}`);
	const log = new AuditLog(kioskDb);
	/** The kiosk's page, opened (or reloaded): its courier sends the audit record. */
	let open: CallbackCourier | null = null;
	const kiosk = () => {
		open?.close();
		const courier = new CallbackCourier({
			db: kioskDb,
			signaling: new BroadcastSignaling(channel)
		});
		courier.keepAudit(log);
		cleanups.push(() => courier.close());
		return (open = courier);
	};
	/** The operator's console, signed in. */
	const console_ = async () => {
		const signaling = new BroadcastSignaling(channel);
		const desk = new OperatorConsole(signaling, `op-${uuid()}`);
		const unwire = wireConsole(signaling, desk, {
			pairingCode() {},
			token() {},
			refused() {}
		});
		cleanups.push(() => {
			unwire();
			desk.signOut();
			desk.close();
		});
		await desk.signIn('Olivia');
		return desk;
	};
	cleanups.push(() => {
		watch.close();
		kioskDb.close();
		operatorDb.close();
	});
	const batches = () => heard.filter((m) => m.type === 'audit');
	return { log, kiosk, console_, batches, operatorDb, heard, channel };
}

describe('kiosk audit records', () => {
	it('reach the first console once the team is there, in batches, kept once, and are not sent again', async () => {
		const t = await setUp();
		// Made with no one to send them to: 60 calls, 252 events.
		for (let i = 0; i < 60; i++)
			for (const e of call(`call-${i}`, i, i % 2 ? 'billing' : 'support', i % 10 === 0))
				await t.log.append(e);
		const made = (await t.log.all()).length;
		expect(made).toBe(252);
		expect(await t.log.waiting()).toBe(made);
		t.kiosk();

		const desk = await t.console_();
		await until(async () => (await t.log.waiting()) === 0, { timeoutMs: 10_000 });
		// More than one batch, each under what one signaling message may carry, none readable in
		// passing: the team names travel sealed.
		expect(t.batches().length).toBeGreaterThan(1);
		for (const b of t.batches()) expect(JSON.stringify(b).length).toBeLessThan(32 * 1024);
		expect(JSON.stringify(t.batches())).not.toContain('billing');
		expect(await t.operatorDb.count('kioskAudit')).toBe(made);
		await until(() => desk.records.calls.length === 60);
		const newest = desk.records.calls[0]!;
		expect(newest).toMatchObject({
			callId: 'call-59',
			channel: 'text',
			teams: ['triage', 'billing'],
			person: null,
			outcome: 'resolved'
		});
		expect(desk.records.calls.find((c) => c.callId === 'call-50')).toMatchObject({
			teams: ['triage', 'support'],
			person: 'asked for a callback',
			outcome: 'callback'
		});
		// The kiosk keeps its own copy.
		expect((await t.log.all()).length).toBe(made);

		// The kiosk's page reloaded, the console seen again: nothing more is sent.
		const sent = t.batches().length;
		t.kiosk();
		await new Promise((r) => setTimeout(r, 3500));
		expect(t.batches()).toHaveLength(sent);

		// A new call on the kiosk goes on its own, and the console shows it with the rest.
		for (const e of call('call-60', 70, 'sales')) await t.log.append(e);
		const courier = t.kiosk();
		await courier.ask();
		await until(() => desk.records.calls.length === 61, { timeoutMs: 6000 });
		expect(t.batches()).toHaveLength(sent + 1);
		expect(desk.records.calls[0]).toMatchObject({ callId: 'call-60', teams: ['triage', 'sales'] });

		// The console reloaded: what it kept is still there.
		const again = await t.console_();
		await until(() => again.records.calls.length === 61);
	});

	it('keeps a batch sent twice once (its acknowledgement was lost), and acknowledges it again', async () => {
		const t = await setUp();
		const desk = await t.console_();
		const presence = await new Promise<Extract<Signal, { type: 'presence' }>>((ok) => {
			const sub = new BroadcastSignaling(t.channel);
			cleanups.push(() => sub.close());
			sub.subscribe((m) => m.type === 'presence' && m.key && ok(m));
			sub.send({ type: 'who', from: 'c-kiosk' });
		});
		const events = call('call-1', 1, 'billing').map((event, i) => ({ seq: i + 1, event }));
		const batch = { device: 'dev-1', events };
		const sender = new BroadcastSignaling(t.channel);
		cleanups.push(() => sender.close());
		const send = async () =>
			sender.send({
				type: 'audit',
				from: 'c-kiosk',
				to: desk.operatorId,
				id: `dev-1:1-${events.length}`,
				sealed: await seal(presence.key!, batch)
			});
		await send();
		await send();
		await until(() => t.heard.filter((m) => m.type === 'audit_ack').length === 2);
		expect(await t.operatorDb.count('kioskAudit')).toBe(events.length);
		expect(desk.records.calls).toHaveLength(1);
	});

	it('keeps nothing and acknowledges nothing it cannot read or that is not a batch', async () => {
		const t = await setUp();
		const desk = await t.console_();
		const wrongKey = await newSealingKeys();
		const sender = new BroadcastSignaling(t.channel);
		cleanups.push(() => sender.close());
		const keyOf = async () =>
			new Promise<string>((ok) => {
				sender.subscribe((m) => m.type === 'presence' && m.key && ok(m.key));
				sender.send({ type: 'who', from: 'c-kiosk' });
			});
		const key = await keyOf();
		const good = call('call-1', 1, 'billing').map((event, i) => ({ seq: i + 1, event }));
		const hostile = [
			// Sealed to another console's key.
			{
				id: 'dev-1:1-5',
				sealed: await seal(wrongKey.publicKey, { device: 'dev-1', events: good })
			},
			// Not a batch: no events, or events with no number.
			{ id: 'dev-1:1-1', sealed: await seal(key, { device: 'dev-1', events: [] }) },
			{
				id: 'dev-1:1-1',
				sealed: await seal(key, { device: 'dev-1', events: [{ event: good[0]!.event }] })
			},
			// A batch naming another device than its id says.
			{ id: 'dev-2:1-5', sealed: await seal(key, { device: 'dev-1', events: good }) }
		];
		for (const h of hostile)
			sender.send({ type: 'audit', from: 'c-kiosk', to: desk.operatorId, ...h });
		await new Promise((r) => setTimeout(r, 300));
		expect(t.heard.filter((m) => m.type === 'audit_ack')).toHaveLength(0);
		expect(await t.operatorDb.count('kioskAudit')).toBe(0);
		expect(desk.records.calls).toHaveLength(0);
	});
});

describe('group', () => {
	it('shows one line per call, newest first, reading every field as short text', () => {
		const rows = [
			...call('a', 1, 'billing', true).map((event, i) => ({
				device: 'kiosk-lobby',
				seq: i + 1,
				event
			})),
			{
				device: 'kiosk-lobby',
				seq: 99,
				event: {
					at: at(30),
					callId: 'b',
					type: 'call_started',
					channel: { evil: true },
					owner: 'x'.repeat(500)
				} as unknown as AuditEvent
			}
		];
		const calls = group(rows);
		expect(calls.map((c) => c.callId)).toEqual(['b', 'a']);
		expect(calls[0]!.channel).toBeNull();
		expect(calls[0]!.teams[0]).toHaveLength(60);
		expect(calls[0]!.outcome).toBeNull();
		expect(calls[1]).toMatchObject({
			kiosk: 'kiosk-',
			teams: ['triage', 'billing'],
			person: 'asked for a callback',
			outcome: 'callback',
			events: 6
		});
	});
});
