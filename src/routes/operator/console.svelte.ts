import type { ContextPackage, TranscriptEntry } from '$lib/agents/handoff/context-package';
import { uuid } from '$lib/agents/ids';
import { openBatonDB, OPERATOR_DB, type Database } from '$lib/storage/db';
import { Received } from '$lib/storage/outbox';
import { admitPackage } from '$lib/rtc/transfer/admit';
import type { LinkEvent } from '$lib/rtc/transfer/link';
import type { PeerLink } from '$lib/rtc/transfer/peer-link';
import { QueueKeeper } from '$lib/rtc/queue/queue';
import { CallbackRequestSchema, newSealingKeys, open, SealError } from '$lib/rtc/callbacks/sealed';
import type { Signal, Signaling } from '$lib/rtc/signaling/signaling';
import * as v from 'valibot';
import { MicError, openMicrophone } from '$lib/audio/mic';

// The operator console's state: presence, the incoming call with its context package, the live
// transcript, notes, and the actions (accept, decline, call back, hand back). It also keeps the
// queue: callers cannot see one another, so consoles count the waiting callers and tell each its
// place. It subscribes to nothing: `wire-console.ts` brings it what signaling and a call's line
// hear, and opens the line a ring asks for.

/** A ring whose context package has not arrived by then is dropped, and the console is free again. */
export const RING_TIMEOUT_MS = 10_000;

/** One call's line to the caller, as far as the console uses it: the link sends, the peer takes the
 * operator's microphone, and both close when the call ends. */
export type CallLine = {
	link: Pick<PeerLink['link'], 'send'>;
	peer: Pick<PeerLink['peer'], 'addStream'>;
	close(): void;
};

/** What a ring's line is opened with: where its outbox lives, what it sends, which call it holds. */
export type LineOptions = { db: Database; scope: string; callId?: string };

export type CallView = {
	callerId: string;
	callId: string;
	pkg: ContextPackage | null;
	state: 'ringing' | 'connected' | 'ended';
	transcript: TranscriptEntry[];
	receivedAt: number | null;
};

export class OperatorConsole {
	readonly operatorId: string;
	#signaling: Signaling;
	#db: Database | null = null;
	#name = $state('');
	#status = $state<'signed_out' | 'available' | 'away' | 'busy'>('signed_out');
	#call = $state<CallView | null>(null);
	#notes = $state('');
	#remote = $state.raw<MediaStream | null>(null);
	#safetyCode = $state<string | null>(null);
	/** Why the operator's microphone did not start, in words that say what to do. */
	#micNote = $state<string | null>(null);
	#callbacks = $state.raw<
		{ id: string; name?: string; phone?: string; summary: string; at: number }[]
	>([]);
	#line: CallLine | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;
	#ringTimer: ReturnType<typeof setTimeout> | undefined;
	/** This console's key for sealed callbacks; a new one each sign-in. */
	#keys: { publicKey: string; privateKey: CryptoKey } | null = null;
	/** Callers waiting in the queue. Never rendered. */
	readonly #queue = new QueueKeeper();

	/** Whether signaling names each call (a pairing code cannot). */
	readonly #named: boolean;

	constructor(signaling: Signaling, operatorId: string = uuid()) {
		this.operatorId = operatorId;
		this.#signaling = signaling;
		this.#named = signaling.kind !== 'manual';
	}

	get name() {
		return this.#name;
	}
	get status() {
		return this.#status;
	}
	get call() {
		return this.#call;
	}
	/** The six digits to compare aloud with the caller (manual pairing), once the link is up. */
	get safetyCode() {
		return this.#safetyCode;
	}
	get micNote() {
		return this.#micNote;
	}
	get remoteStream() {
		return this.#remote;
	}
	get callbacks() {
		return this.#callbacks;
	}
	get notes() {
		return this.#notes;
	}
	set notes(v: string) {
		this.#notes = v;
	}

	async signIn(name: string): Promise<void> {
		this.#name = name.trim() || 'Operator';
		this.#keys = await newSealingKeys();
		// One database per browser, not per page load: a package resent after a reload is known.
		this.#db = await openBatonDB(OPERATOR_DB);
		await new Received(this.#db).prune();
		await this.#signaling.listenAs(this.operatorId);
		this.#status = 'available';
		this.#announce();
		// BroadcastChannel has no retained messages: repeat presence so late callers see it.
		this.#timer = setInterval(() => {
			this.#announce();
			this.#tellPositions();
		}, 3000);
	}

	get signedIn(): boolean {
		return this.#status !== 'signed_out';
	}

	/** Someone asked who is there: a signed-in console says so. */
	asked(): void {
		if (this.signedIn) this.#announce();
	}

	/** A caller joined or left the queue. */
	queued(m: Extract<Signal, { type: 'queue' }>): void {
		if (!this.signedIn) return;
		this.#queue.heard(m);
		this.#tellPositions();
	}

	/** A caller hung up before or during the call. */
	callerLeft(callerId: string): void {
		if (this.#call?.callerId === callerId) this.#endCall();
	}

	/** A callback sealed to this console: opened, listed, acknowledged. One not readable is left
	 * unacknowledged, so the caller offers it again (to this console's current key, or another's). */
	async callback(m: Extract<Signal, { type: 'callback' }>): Promise<void> {
		if (!this.#keys || !this.signedIn) return;
		let request;
		try {
			request = v.parse(CallbackRequestSchema, await open(this.#keys, m.sealed));
		} catch (e) {
			console.warn(
				'baton console: a callback could not be read',
				e instanceof SealError ? e.code : 'invalid'
			);
			return;
		}
		if (!this.#callbacks.some((c) => c.id === m.id)) {
			const { name, phone, summary, at } = request;
			this.#callbacks = [...this.#callbacks, { id: m.id, name, phone, summary, at }];
		}
		this.#signaling.send({ type: 'callback_ack', from: this.operatorId, to: m.from, id: m.id });
	}

	/** Tells each waiting caller its place. */
	#tellPositions(): void {
		this.#queue.line().forEach((to, i) =>
			this.#signaling.send({
				type: 'position',
				from: this.operatorId,
				to,
				position: i + 1,
				at: Date.now()
			})
		);
	}

	setAvailable(available: boolean): void {
		if (this.#status === 'busy' || this.#status === 'signed_out') return;
		this.#status = available ? 'available' : 'away';
		this.#announce();
	}

	/** Ends any call and lets go of the signaling connection (a console over a broker); unwire
	 * first. */
	close(): void {
		this.#endCall();
		this.#signaling.close();
	}

	signOut(): void {
		clearInterval(this.#timer);
		this.#status = 'signed_out';
		this.#keys = null;
		this.#signaling.send({
			type: 'presence',
			from: this.operatorId,
			status: 'offline',
			at: Date.now()
		});
	}

	/** Presence names no one (callers learn the name when the person accepts) and carries the key
	 * callers seal callbacks to. */
	#announce(): void {
		const status = this.#status === 'signed_out' ? 'offline' : this.#status;
		this.#signaling.send({
			type: 'presence',
			from: this.operatorId,
			status,
			at: Date.now(),
			...(this.#keys && status !== 'offline' ? { key: this.#keys.publicKey } : {})
		});
	}

	/**
	 * A caller rings this console. An available console takes the ring and answers with what the
	 * call's line is opened with (then `connect`); otherwise null, and nothing changes.
	 */
	ring(callerId: string, callId: string): LineOptions | null {
		if (!this.#db || this.#status !== 'available') return null;
		this.#status = 'busy';
		this.#announce();
		this.#call = {
			callerId,
			callId,
			pkg: null,
			state: 'ringing',
			transcript: [],
			receivedAt: null
		};
		this.#safetyCode = null;
		// A ring with no package behind it (a caller gone, or a forged ring) must not hold the
		// console busy.
		this.#ringTimer = setTimeout(() => {
			if (this.#call?.callerId === callerId && !this.#call.pkg) this.#endCall();
		}, RING_TIMEOUT_MS);
		// A package for any other call is refused by the link, never shown. A pairing code cannot
		// name its call: that link holds to the call of the first package it takes in.
		return { db: this.#db, scope: callId, ...(this.#named ? { callId } : {}) };
	}

	/** The ringing call's line, once opened; a line for a call that has ended is closed at once. */
	connect(line: CallLine): void {
		if (this.#call?.state !== 'ringing' || this.#line) return line.close();
		this.#line = line;
	}

	/** The six digits of a line's safety number, shown while that line is the call's. */
	safetyCodeHeard(line: CallLine, code: string | null): void {
		if (this.#line === line) this.#safetyCode = code;
	}

	/** The caller's audio on a line, played while that line is the call's. */
	remoteAudio(line: CallLine, stream: MediaStream): void {
		if (this.#line === line) this.#remote = stream;
	}

	/** What a call's line heard: the package, the live transcript, a hang-up, a lost peer. */
	heard(line: CallLine, e: LinkEvent): void {
		const call = this.#call;
		if (!call || this.#line !== line) return;
		if (e.type === 'peer' && !e.alive && call.state !== 'ended') this.#endCall();
		if (e.type !== 'message') return;
		const env = e.envelope;
		// Shown only for the call this ring is for, and never over the package already on screen.
		const ring = this.#named ? call : { ...call, callId: null };
		if (env.type === 'package' && admitPackage(ring, env.payload) === 'show') {
			this.#call = {
				...call,
				pkg: env.payload,
				receivedAt: Date.now(),
				transcript: env.payload.transcript
			};
		} else if (env.type === 'transcript') {
			this.#call = { ...call, transcript: [...call.transcript, env.payload] };
		} else if (env.type === 'hangup') {
			this.#endCall();
		}
	}

	async accept(microphone: () => Promise<MediaStream> = openMicrophone): Promise<void> {
		const call = this.#call;
		const line = this.#line;
		if (!call?.pkg || !line) return;
		line.link.send('operator', {
			action: 'accept',
			handoffId: call.pkg.handoffId,
			name: this.#name
		});
		this.#call = { ...call, state: 'connected' };
		try {
			const stream = await microphone();
			// The call may have ended while the browser asked for the microphone.
			if (this.#line === line) line.peer.addStream(stream);
			else for (const t of stream.getTracks()) t.stop();
			this.#micNote = null;
		} catch (e) {
			this.#micNote =
				e instanceof MicError
					? e.message
					: 'The microphone did not start. Check it, then reload the console.';
		}
	}

	decline(): void {
		this.#respond('decline');
	}

	callBack(): void {
		this.#respond('callback');
	}

	#respond(action: 'decline' | 'callback'): void {
		const call = this.#call;
		if (!call?.pkg || !this.#line) return;
		this.#line.link.send('operator', { action, handoffId: call.pkg.handoffId, name: this.#name });
		setTimeout(() => this.#endCall(), 300);
	}

	handBack(to: string): void {
		const call = this.#call;
		if (!call?.pkg || !this.#line) return;
		const notes = this.#notes.trim() ? [this.#notes.trim()] : [];
		this.#line.link.send('handback', { handoffId: call.pkg.handoffId, to, notes });
		this.#notes = '';
		setTimeout(() => this.#endCall(), 300);
	}

	/** The person finished with the caller: the caller's call ends too, with the outcome "human". */
	endCall(): void {
		const call = this.#call;
		if (!call || call.state !== 'connected' || !this.#line) return;
		this.#line.link.send('hangup', { reason: 'operator_ended' });
		// Let the message leave before the link closes.
		setTimeout(() => this.#endCall(), 300);
	}

	#endCall(): void {
		clearTimeout(this.#ringTimer);
		if (this.#call) this.#call = { ...this.#call, state: 'ended' };
		this.#line?.close();
		this.#line = null;
		this.#remote = null;
		if (this.#status === 'busy') {
			this.#status = 'available';
			this.#announce();
		}
	}
}
