import type { ContextPackage, TranscriptEntry } from '$lib/agents/handoff/context-package';
import { uuid } from '$lib/agents/ids';
import { openBatonDB, OPERATOR_DB, type Database } from '$lib/storage/db';
import { Received } from '$lib/storage/outbox';
import { admitPackage } from '$lib/rtc/transfer/admit';
import type { Link, LinkEvent } from '$lib/rtc/transfer/link';
import type { Peer } from '$lib/rtc/transfer/peer';
import { openPeerLink } from '$lib/rtc/transfer/peer-link';
import { QueueKeeper } from '$lib/rtc/queue/queue';
import { CallbackRequestSchema, newSealingKeys, open, SealError } from '$lib/rtc/callbacks/sealed';
import type { Signal, Signaling } from '$lib/rtc/signaling/signaling';
import * as v from 'valibot';
import { MicError, openMicrophone } from '$lib/audio/mic';

// The operator console's state: presence, the incoming call with its context package, the live
// transcript, notes, and the actions (accept, decline, call back, hand back). It also keeps the
// queue: callers cannot see one another, so consoles count the waiting callers and tell each its
// place.

/** A ring whose context package has not arrived by then is dropped, and the console is free again. */
export const RING_TIMEOUT_MS = 10_000;

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
	#peer: Peer | null = null;
	#link: Link | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;
	#ringTimer: ReturnType<typeof setTimeout> | undefined;
	/** This console's key for sealed callbacks; a new one each sign-in. */
	#keys: { publicKey: string; privateKey: CryptoKey } | null = null;
	/** Callers waiting in the queue. Never rendered. */
	readonly #queue = new QueueKeeper();

	/** Undoes this console's subscription to signaling. */
	readonly #unwire: () => void;

	// The operator side's wiring: signaling reaches the console here, and a call's data channel in
	// `#onLink` (subscribed when the call rings, gone when it ends). Both end with `close()`.
	constructor(signaling: Signaling, operatorId: string = uuid()) {
		this.operatorId = operatorId;
		this.#signaling = signaling;
		this.#unwire = signaling.subscribe((m) => {
			if (m.type === 'who' && this.#status !== 'signed_out') this.#announce();
			if (m.type === 'ring' && m.to === this.operatorId) void this.#ring(m.from, m.callId);
			if (m.type === 'callback' && m.to === this.operatorId && this.#status !== 'signed_out') {
				void this.#callback(m);
			}
			if (m.type === 'queue' && this.#status !== 'signed_out') {
				this.#queue.heard(m);
				this.#tellPositions();
			}
			if (m.type === 'bye' && m.to === this.operatorId && this.#call?.callerId === m.from)
				this.#endCall();
		});
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

	/** A callback sealed to this console: opened, listed, acknowledged. One not readable is left
	 * unacknowledged, so the caller offers it again (to this console's current key, or another's). */
	async #callback(m: Extract<Signal, { type: 'callback' }>): Promise<void> {
		if (!this.#keys) return;
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

	/** Signs out and lets go of the signaling connection (a console over a broker). */
	close(): void {
		this.#endCall();
		this.#unwire();
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

	async #ring(callerId: string, callId: string): Promise<void> {
		if (!this.#db || this.#status !== 'available') return;
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
		const named = this.#signaling.kind !== 'manual';
		const { peer, link } = openPeerLink({
			signaling: this.#signaling,
			selfId: this.operatorId,
			peerId: callerId,
			polite: true,
			db: this.#db,
			scope: callId,
			// A package for any other call is refused by the link, never shown. A pairing code cannot
			// name its call: that link holds to the call of the first package it takes in.
			...(named ? { callId } : {}),
			onSafetyCode: (code) => {
				if (this.#peer === peer) this.#safetyCode = code;
			},
			onRemoteAudio: (stream) => (this.#remote = stream)
		});
		this.#peer = peer;
		this.#link = link;
		this.#safetyCode = null;
		link.on((e) => this.#onLink(e, named));
		// A ring with no package behind it (a caller gone, or a forged ring) must not hold the
		// console busy.
		this.#ringTimer = setTimeout(() => {
			if (this.#call?.callerId === callerId && !this.#call.pkg) this.#endCall();
		}, RING_TIMEOUT_MS);
	}

	#onLink(e: LinkEvent, named = true): void {
		const call = this.#call;
		if (!call) return;
		if (e.type === 'peer' && !e.alive && call.state !== 'ended') this.#endCall();
		if (e.type !== 'message') return;
		const env = e.envelope;
		// Shown only for the call this ring is for, and never over the package already on screen.
		const ring = named ? call : { ...call, callId: null };
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
		if (!call?.pkg || !this.#link) return;
		this.#link.send('operator', {
			action: 'accept',
			handoffId: call.pkg.handoffId,
			name: this.#name
		});
		this.#call = { ...call, state: 'connected' };
		try {
			this.#peer?.addStream(await microphone());
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
		if (!call?.pkg || !this.#link) return;
		this.#link.send('operator', { action, handoffId: call.pkg.handoffId, name: this.#name });
		setTimeout(() => this.#endCall(), 300);
	}

	handBack(to: string): void {
		const call = this.#call;
		if (!call?.pkg || !this.#link) return;
		const notes = this.#notes.trim() ? [this.#notes.trim()] : [];
		this.#link.send('handback', { handoffId: call.pkg.handoffId, to, notes });
		this.#notes = '';
		setTimeout(() => this.#endCall(), 300);
	}

	/** The person finished with the caller: the caller's call ends too, with the outcome "human". */
	endCall(): void {
		const call = this.#call;
		if (!call || call.state !== 'connected' || !this.#link) return;
		this.#link.send('hangup', { reason: 'operator_ended' });
		// Let the message leave before the link closes.
		setTimeout(() => this.#endCall(), 300);
	}

	#endCall(): void {
		clearTimeout(this.#ringTimer);
		if (this.#call) this.#call = { ...this.#call, state: 'ended' };
		this.#link?.close();
		this.#peer?.close();
		this.#link = null;
		this.#peer = null;
		this.#remote = null;
		if (this.#status === 'busy') {
			this.#status = 'available';
			this.#announce();
		}
	}
}
