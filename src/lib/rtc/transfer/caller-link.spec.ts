import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContextPackage } from '../../agents/handoff/context-package';
import type { HumanLink } from '../../agents/human-link';
import { uuid } from '../../agents/ids';
import { openBatonDB } from '../../storage/db';
import { runCall } from '../../testing/calls';
import { until } from '../../testing/until';
import { CallbackRequestSchema, newSealingKeys, open } from '../callbacks/sealed';
import { BroadcastSignaling, type Signal } from '../signaling/signaling';
import { CallerLink, type CallerLinkEvent } from './caller-link';
import * as v from 'valibot';

// The caller's side of a warm transfer, over an in-process signaling channel with an operator's
// console played by the test. (Ringing an operator needs WebRTC; the journeys cover that part.)

/** A call's human line that writes down what the link did to it. */
function line(pkg?: ContextPackage): HumanLink & { did: string[] } {
	const did: string[] = [];
	return {
		did,
		waiting: undefined,
		lastHandoff: pkg,
		callback: () => ({
			callId: 'call-1',
			name: 'Maria Lopez',
			phone: '415-555-0134',
			summary: 'Maria asked about a charge.'
		}),
		accepted: (name) => void did.push(`accepted ${name}`),
		declined: async (reason) => void did.push(`declined: ${reason}`),
		callbackAsked: async () => void did.push('callback'),
		lost: async () => void did.push('lost'),
		handBack: async ({ to }) => void did.push(`handback ${to}`),
		said: (text) => void did.push(`said ${text}`),
		hungUp: () => void did.push('hung up'),
		timing: () => {}
	};
}

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const close of cleanups.splice(0)) close();
});

async function setUp(pkg?: ContextPackage) {
	const channel = `baton-test-${uuid()}`;
	const desk = new BroadcastSignaling(channel);
	const heard: Signal[] = [];
	desk.subscribe((m) => heard.push(m));
	const db = await openBatonDB(`caller-${uuid()}`);
	const human = line(pkg);
	const link = new CallerLink({ line: human, signaling: new BroadcastSignaling(channel), db });
	const events: CallerLinkEvent[] = [];
	link.on((e) => events.push(e));
	cleanups.push(() => {
		link.close();
		desk.close();
		db.close();
	});
	await until(() => heard.some((m) => m.type === 'who'));
	return { console: desk, heard, db, human, link, events };
}

describe('CallerLink', () => {
	it('with no operator about, says so and lets the call fall back instead of ringing nobody', async () => {
		const pkg = (await runCall(['let me talk to a person'], 'external')).packages.at(-1)!;
		const t = await setUp(pkg);
		await t.link.offer(pkg);
		expect(t.human.did).toEqual(['declined: No one is available right now.']);
		expect(t.events.map((e) => e.type === 'status' && e.status.type)).toEqual([
			'looking',
			'failed'
		]);
	});

	it('seals a callback to an operator’s key, and stops offering it once acknowledged', async () => {
		const t = await setUp();
		const keys = await newSealingKeys();
		const operator = 'op-1';
		const presence = (): Signal => ({
			type: 'presence',
			from: operator,
			status: 'available',
			at: Date.now(),
			key: keys.publicKey
		});
		t.console.send(presence());
		await until(() => t.link.availableOperators.length === 1);
		await t.link.requestCallback();
		await until(() => t.heard.some((m) => m.type === 'callback'));
		const offered = t.heard.find((m) => m.type === 'callback')!;
		if (offered.type !== 'callback') throw new Error('not a callback');
		expect(JSON.stringify(offered)).not.toContain('Maria');
		const request = v.parse(CallbackRequestSchema, await open(keys, offered.sealed));
		expect(request).toMatchObject({
			callId: 'call-1',
			name: 'Maria Lopez',
			phone: '415-555-0134',
			summary: 'Maria asked about a charge.'
		});
		t.console.send({ type: 'callback_ack', from: operator, to: offered.from, id: offered.id });
		await until(async () => (await t.db.getAll('callbacks')).every((c) => c.sent));
		// The operator comes back: nothing is offered twice.
		const before = t.heard.filter((m) => m.type === 'callback').length;
		t.console.send(presence());
		await new Promise((r) => setTimeout(r, 100));
		expect(t.heard.filter((m) => m.type === 'callback')).toHaveLength(before);
	});

	it('keeps an unacknowledged callback stored for the next operator', async () => {
		const t = await setUp();
		await t.link.requestCallback();
		const stored = await t.db.getAll('callbacks');
		expect(stored).toEqual([expect.objectContaining({ callId: 'call-1', sent: false })]);
		expect(t.heard.some((m) => m.type === 'callback')).toBe(false);
	});

	it('joins the queue, shows the place a console gives it, and leaves when the call moves on', async () => {
		const t = await setUp();
		t.link.callState('queued');
		await until(() => t.heard.some((m) => m.type === 'queue' && m.status === 'waiting'));
		const waiting = t.heard.find((m) => m.type === 'queue')!;
		t.console.send({
			type: 'position',
			from: 'op-1',
			to: waiting.from,
			position: 2,
			at: Date.now()
		});
		await until(() => t.link.queuePosition === 2);
		expect(t.events).toContainEqual({ type: 'status', status: { type: 'queued', position: 2 } });
		t.link.callState('with_human');
		await until(() => t.heard.some((m) => m.type === 'queue' && m.status === 'left'));
		expect(t.link.queuePosition).toBeNull();
	});
});
