import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
	parseContextPackage,
	type ContextPackage,
	type TranscriptEntry
} from '$lib/agents/handoff/context-package';
import { MicError } from '$lib/audio/mic';
import { seal } from '$lib/rtc/callbacks/sealed';
import type { Signal, Signaling } from '$lib/rtc/signaling/signaling';
import { FakeSignaling } from '$lib/testing/fake-signaling';
import { Link, type LinkEvent } from '$lib/rtc/transfer/link';
import type { PeerLink, PeerLinkOptions } from '$lib/rtc/transfer/peer-link';
import { openBatonDB } from '$lib/storage/db';
import { Outbox, Received } from '$lib/storage/outbox';
import { memoryPair } from '$lib/testing/memory-port';
import { until } from '$lib/testing/until';
import { ACCEPT_MARGIN_MS, OperatorConsole } from './console.svelte';
import { firstGrant, playCallerAudio, wireConsole, type ConsoleView } from './wire-console';

/** One opened line: a real data-channel link on the console's side, joined in memory to a caller's
 * link; the peer connection is a fake that keeps the streams it is given. */
type Opened = {
	options: PeerLinkOptions;
	line: PeerLink;
	caller: Link;
	heardByCaller: LinkEvent[];
	streams: MediaStream[];
	closed: boolean;
};

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const c of cleanups.splice(0)) c();
});

let dbs = 0;
async function setUp(kind: Signaling['kind'] = 'broadcast') {
	const signaling = new FakeSignaling(kind);
	const desk = new OperatorConsole(signaling, 'op-1');
	const callerDb = await openBatonDB(`caller-${dbs++}`);
	const opened: Opened[] = [];
	const openLine = (options: PeerLinkOptions): PeerLink => {
		const [ours, theirs] = memoryPair();
		const link = new Link({
			outbox: new Outbox(options.db, { scope: options.scope }),
			received: new Received(options.db),
			...(options.callId ? { callId: options.callId } : {})
		});
		const caller = new Link({
			outbox: new Outbox(callerDb, { scope: 'handoff' }),
			received: new Received(callerDb)
		});
		link.attach(ours);
		caller.attach(theirs);
		const entry: Opened = {
			options,
			caller,
			heardByCaller: [],
			streams: [],
			closed: false,
			line: null!
		};
		caller.on((e) => entry.heardByCaller.push(e));
		const peer = { addStream: (s: MediaStream) => entry.streams.push(s) };
		entry.line = {
			link,
			peer: peer as unknown as PeerLink['peer'],
			close() {
				entry.closed = true;
				link.close();
			}
		};
		opened.push(entry);
		cleanups.push(() => (link.close(), caller.close()));
		return entry.line;
	};
	const news: string[] = [];
	const view: ConsoleView = {
		pairingCode: (code) => news.push(`code ${code}`),
		token: (grant) => news.push(`token ${grant.token}`),
		refused: (message) => news.push(`refused ${message}`)
	};
	const unwire = wireConsole(signaling, desk, view, openLine);
	cleanups.push(() => (unwire(), desk.signOut(), desk.close()));
	return { signaling, desk, opened, news, unwire };
}

/** A package as a caller's page sends it when a person is asked for, checked against the schema. */
let packages = 0;
const pkgOf = async () => {
	const at = new Date().toISOString();
	return parseContextPackage({
		v: 1,
		handoffId: crypto.randomUUID(),
		callId: `call-${packages++}`,
		createdAt: at,
		from: { personaId: 'triage', kind: 'ai' },
		to: { personaId: 'human', kind: 'human' },
		caller: { verified: false, language: 'en', channel: 'text' },
		intent: { id: 'human', label: 'A person', confidence: 0.9 },
		trigger: { kind: 'explicit_request', detail: 'asked for a person' },
		summary: 'The caller asked for a person.',
		entities: [],
		actions: [],
		resolved: [],
		sentiment: { label: 'neutral', score: 0 },
		nextStep: 'Take the call.',
		hops: [{ from: 'triage', to: 'human', trigger: 'explicit_request', at }],
		transcript: [{ role: 'caller', text: 'let me talk to a person', at }],
		notes: []
	});
};
const ring = (callId: string, from = 'caller-1', to = 'op-1'): Signal => ({
	type: 'ring',
	from,
	to,
	callId
});

/** Signed in as Olivia, with a call ringing whose package (`pkg`, else a fresh one) has arrived. */
async function ringingCall(pkg?: ContextPackage) {
	const line = await setUp();
	await line.desk.signIn('Olivia');
	const call = pkg ?? (await pkgOf());
	line.signaling.hear(ring(call.callId));
	await line.opened[0]!.caller.sendReliable('package', call);
	await until(() => line.desk.call?.pkg !== null);
	return { ...line, pkg: call };
}

describe('wireConsole', () => {
	it('a ring opens one line to the caller; its package, live transcript and hang-up reach the console', async () => {
		const { signaling, desk, opened } = await setUp();
		await desk.signIn('Olivia');
		const pkg = await pkgOf();
		signaling.hear(ring(pkg.callId));
		expect(opened).toHaveLength(1);
		expect(opened[0]!.options).toMatchObject({
			selfId: 'op-1',
			peerId: 'caller-1',
			polite: true,
			scope: pkg.callId,
			callId: pkg.callId
		});
		expect(desk.status).toBe('busy');
		expect(signaling.presence()).toMatchObject({ status: 'busy' });
		expect(desk.call).toMatchObject({ state: 'ringing', pkg: null });

		const { caller } = opened[0]!;
		await caller.sendReliable('package', pkg);
		await until(() => desk.call?.pkg?.handoffId === pkg.handoffId, { what: 'the package' });
		const line: TranscriptEntry = {
			role: 'caller',
			text: 'are you there?',
			at: new Date().toISOString()
		};
		caller.send('transcript', line);
		await until(() => desk.call?.transcript.at(-1)?.text === 'are you there?');

		caller.send('hangup', { reason: 'caller_ended' });
		await until(() => desk.call?.state === 'ended', { what: 'the hang-up' });
		expect(opened[0]!.closed).toBe(true);
		expect(desk.status).toBe('available');
	});

	it('opens no line for a ring to another console, a second ring while busy, or a console signed out', async () => {
		const { signaling, desk, opened } = await setUp();
		signaling.hear(ring('call-0'));
		expect(opened).toHaveLength(0);
		await desk.signIn('Olivia');
		signaling.hear(ring('call-1', 'caller-1', 'op-2'));
		expect(opened).toHaveLength(0);
		signaling.hear(ring('call-1'));
		signaling.hear(ring('call-2', 'caller-2'));
		expect(opened.map((o) => o.options.peerId)).toEqual(['caller-1']);
	});

	it('a package for another call is never shown', async () => {
		const { signaling, desk, opened } = await setUp();
		await desk.signIn('Olivia');
		const pkg = await pkgOf();
		signaling.hear(ring('some-other-call'));
		await opened[0]!.caller.sendReliable('package', pkg);
		await until(() => opened[0]!.heardByCaller.some((e) => e.type === 'refused'), {
			what: 'the refusal'
		});
		expect(desk.call?.pkg).toBeNull();
	});

	it('with pairing codes the line holds to the first call it takes in', async () => {
		const { signaling, desk, opened, news } = await setUp('manual');
		await desk.signIn('Olivia');
		signaling.code('ABC-123');
		expect(news).toEqual(['code ABC-123']);
		signaling.hear(ring('unknown'));
		expect(opened[0]!.options.callId).toBeUndefined();
		const pkg = await pkgOf();
		await opened[0]!.caller.sendReliable('package', pkg);
		await until(() => desk.call?.pkg?.handoffId === pkg.handoffId);
	});

	it('the operator’s accept reaches the caller and the microphone joins the call', async () => {
		const { desk, opened } = await ringingCall();
		const mic = { id: 'mic' } as unknown as MediaStream;
		await desk.accept(async () => mic);
		expect(desk.call?.state).toBe('connected');
		expect(opened[0]!.streams).toEqual([mic]);
		await until(() =>
			opened[0]!.heardByCaller.some(
				(e) =>
					e.type === 'message' &&
					e.envelope.type === 'operator' &&
					e.envelope.payload.action === 'accept' &&
					e.envelope.payload.name === 'Olivia'
			)
		);
	});

	it('a ring counts down the caller’s wait; unanswered, it is kept as a missed call saying what became of the caller', async () => {
		const { signaling, desk, opened } = await setUp();
		await desk.signIn('Olivia');
		const pkg = await pkgOf();
		signaling.hear({ ...ring(pkg.callId), acceptMs: 1300 } as Signal);
		const call = desk.call!;
		expect(call.acceptBy! - call.ringAt).toBe(1300 - ACCEPT_MARGIN_MS);
		await opened[0]!.caller.sendReliable('package', pkg);
		await until(() => desk.call?.pkg !== null);
		await until(() => desk.call?.state === 'ended', { what: 'the missed call' });
		expect(desk.missed[0]!.text).toBe(
			'Missed call from a caller (a person): not answered within 1 s, so they went back to the assistant, which offers them the queue, a callback or to carry on.'
		);
		expect(desk.status).toBe('available');
		expect(opened[0]!.closed).toBe(true);
		// Too late to accept: nothing reaches the caller.
		await desk.accept(async () => ({}) as MediaStream);
		expect(opened[0]!.heardByCaller.some((e) => e.type === 'message')).toBe(false);
	});

	it('a caller who hangs up while ringing is a missed call too', async () => {
		const { desk, opened } = await ringingCall();
		opened[0]!.caller.send('hangup', { reason: 'caller_ended' });
		await until(() => desk.call?.state === 'ended');
		expect(desk.missed.map((m) => m.text)).toEqual([
			'Missed call from a caller (a person): they hung up before it was answered.'
		]);
	});

	it('hands back with the team’s note and the line for the caller apart; a bad one is kept with the reason', async () => {
		const { desk, opened } = await ringingCall();
		await desk.accept(async () => ({}) as MediaStream);
		desk.notes = 'Customer upset - be gentle';
		desk.callerLine = 'x'.repeat(501);
		expect(desk.handBack('billing')).toBe(false);
		expect(desk.sendError).toMatch(/The line for the caller is at most 500 characters/);
		expect(desk.notes).toBe('Customer upset - be gentle');
		expect(desk.call?.state).toBe('connected');

		desk.callerLine = 'I refunded the second charge';
		expect(desk.handBack('billing')).toBe(true);
		await until(() =>
			opened[0]!.heardByCaller.some((e) => e.type === 'message' && e.envelope.type === 'handback')
		);
		const sent = opened[0]!.heardByCaller.find(
			(e) => e.type === 'message' && e.envelope.type === 'handback'
		);
		expect(sent).toMatchObject({
			envelope: {
				payload: {
					to: 'billing',
					notes: ['Customer upset - be gentle'],
					callerLine: 'I refunded the second charge'
				}
			}
		});
		expect(desk.sendError).toBeNull();
		await until(() => desk.call?.state === 'ended');
	});

	it('a typed reply reaches the caller; an empty one is not sent, and what was typed stays', async () => {
		const { desk, opened } = await ringingCall();
		desk.reply = 'Hi Maria, I can see both charges.';
		expect(desk.sendReply()).toBe(false); // not accepted yet
		await desk.accept(async () => ({}) as MediaStream);
		expect(desk.sendReply()).toBe(true);
		expect(desk.reply).toBe('');
		await until(() =>
			opened[0]!.heardByCaller.some(
				(e) =>
					e.type === 'message' &&
					e.envelope.type === 'text' &&
					e.envelope.payload.text === 'Hi Maria, I can see both charges.'
			)
		);
		desk.reply = '   ';
		expect(desk.sendReply()).toBe(false);
		expect(desk.sendError).toMatch(/Type something to send/);
		expect(desk.reply).toBe('   ');
	});

	it('a microphone that does not start tells the operator why, in the microphone helper’s words', async () => {
		const typed = await pkgOf();
		const { desk, opened } = await ringingCall({
			...typed,
			caller: { ...typed.caller, channel: 'voice' }
		});
		const denied = new MicError('mic_denied', 'Microphone access was denied. Allow it.');
		await desk.accept(async () => {
			throw denied;
		});
		expect(desk.micNote).toBe(denied.message);
		expect(opened[0]!.streams).toEqual([]);
	});

	it('for a caller who types, a missing microphone points to the reply box', async () => {
		const { desk } = await ringingCall();
		await desk.accept(async () => {
			throw new MicError('mic_missing', 'No microphone was found. Plug one in, or type instead.');
		});
		expect(desk.micNote).toBe(
			'This caller is typing: reply in the box below. (No microphone was found.)'
		);
	});

	it('the safety number and audio of a line that is no longer the call’s are ignored', async () => {
		const { signaling, desk, opened } = await setUp();
		await desk.signIn('Olivia');
		signaling.hear(ring('call-1'));
		const first = opened[0]!;
		first.options.onSafetyCode?.('111111');
		expect(desk.safetyCode).toBe('111111');
		signaling.hear({ type: 'bye', from: 'caller-1', to: 'op-1' });
		expect(desk.call?.state).toBe('ended');
		signaling.hear(ring('call-2', 'caller-2'));
		expect(desk.safetyCode).toBeNull();
		first.options.onSafetyCode?.('999999');
		first.options.onRemoteAudio?.({ id: 'old' } as unknown as MediaStream);
		expect(desk.safetyCode).toBeNull();
		expect(desk.remoteStream).toBeNull();
		opened[1]!.options.onSafetyCode?.('222222');
		expect(desk.safetyCode).toBe('222222');
	});

	it('answers who is there, tells waiting callers their place, and takes in sealed callbacks, once signed in', async () => {
		const { signaling, desk } = await setUp();
		signaling.hear({ type: 'who', from: 'caller-1' });
		signaling.hear({ type: 'queue', from: 'caller-1', since: 1, status: 'waiting', at: 1 });
		expect(signaling.sent).toEqual([]);

		await desk.signIn('Olivia');
		const key = signaling.presence()?.type === 'presence' ? signaling.presence()!.key : undefined;
		expect(key).toBeTruthy();
		signaling.sent.length = 0;
		signaling.hear({ type: 'who', from: 'caller-1' });
		expect(signaling.sent.map((m) => m.type)).toEqual(['presence']);
		signaling.hear({ type: 'queue', from: 'caller-2', since: 1, status: 'waiting', at: 1 });
		signaling.hear({ type: 'queue', from: 'caller-3', since: 2, status: 'waiting', at: 2 });
		expect(signaling.sent.filter((m) => m.type === 'position').at(-1)).toMatchObject({
			to: 'caller-3',
			position: 2
		});

		const sealed = await seal(key!, {
			callId: 'call-9',
			name: 'Ada',
			summary: 'Wants to change plan',
			at: 5
		});
		signaling.hear({ type: 'callback', from: 'caller-9', to: 'op-1', id: 'cb-1', sealed });
		await until(() => desk.callbacks.length === 1);
		expect(desk.callbacks[0]).toMatchObject({ id: 'cb-1', name: 'Ada' });
		expect(signaling.sent.at(-1)).toMatchObject({
			type: 'callback_ack',
			to: 'caller-9',
			id: 'cb-1'
		});
	});

	it('passes the broker’s token and refusal to the page, and undoing lets go of everything', async () => {
		const { signaling, desk, opened, news, unwire } = await setUp('mqtt');
		await desk.signIn('Olivia');
		signaling.token({ token: 't-1', name: 'Olivia' });
		signaling.refuse('account removed');
		expect(news).toEqual(['token t-1', 'refused account removed']);
		const pkg = await pkgOf();
		signaling.hear(ring(pkg.callId));
		const heardBefore = desk.call;
		unwire();
		expect(signaling.listening).toBe(0);
		signaling.hear(ring('call-2', 'caller-2'));
		signaling.token({ token: 't-2', name: 'Olivia' });
		expect(opened).toHaveLength(1);
		expect(news).toHaveLength(2);
		// The line's data channel no longer reaches the console either.
		await opened[0]!.caller.sendReliable('package', pkg);
		await opened[0]!.caller.flush();
		expect(desk.call).toBe(heardBefore);
	});
});

describe('firstGrant', () => {
	it('takes a grant already there, waits for one, or gives up', async () => {
		const s = new FakeSignaling('mqtt');
		s.grant = { token: 'a', name: 'Olivia' };
		await expect(firstGrant(s)).resolves.toEqual({ token: 'a', name: 'Olivia' });
		s.grant = null;
		const waiting = firstGrant(s, 1000);
		s.token({ token: 'b', name: 'Omar' });
		await expect(waiting).resolves.toEqual({ token: 'b', name: 'Omar' });
		expect(s.listening).toBe(0);
		await expect(firstGrant(s, 20)).resolves.toBeNull();
		expect(s.listening).toBe(0);
	});
});

describe('playCallerAudio', () => {
	it('plays and meters the caller’s voice until undone', () => {
		const stream = { id: 'caller' } as unknown as MediaStream;
		const audio = { srcObject: null as MediaProvider | null, play: async () => {} };
		const levels: number[] = [];
		let metering = false;
		const undo = playCallerAudio(
			stream,
			audio,
			(rms) => levels.push(rms),
			(_s, onLevel) => {
				metering = true;
				onLevel(0.2);
				return () => (metering = false);
			}
		);
		expect(audio.srcObject).toBe(stream);
		expect(levels).toEqual([0.2]);
		undo();
		expect(metering).toBe(false);
		expect(audio.srcObject).toBeNull();
	});
});
