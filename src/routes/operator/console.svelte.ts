import type { ContextPackage, TranscriptEntry } from '$lib/agents/handoff/context-package';
import { uuid } from '$lib/agents/ids';
import { wants } from '$lib/ui/package-view';
import { openBatonDB, OPERATOR_DB, type Database } from '$lib/storage/db';
import { Received } from '$lib/storage/outbox';
import { admitPackage } from '$lib/rtc/transfer/admit';
import type { LinkEvent } from '$lib/rtc/transfer/link';
import type { PeerLink } from '$lib/rtc/transfer/peer-link';
import { QueueKeeper } from '$lib/rtc/queue/queue';
import {
	CallbackRequestSchema,
	newSealingKeys,
	open,
	SealError,
	type SealedBox
} from '$lib/rtc/callbacks/sealed';
import type { Signal, Signaling } from '$lib/rtc/signaling/signaling';
import * as v from 'valibot';
import { MicError, openMicrophone } from '$lib/audio/mic';
import { checkPayload } from '$lib/rtc/transfer/envelope';
import { ValidationError } from '$lib/errors';
import { KioskRecords } from './kiosk-records.svelte';

// The operator console's state: presence, the incoming call with its context package, the live
// transcript, notes, and the actions (accept, decline, call back, hand back). It also keeps the
// queue: callers cannot see one another, so consoles count the waiting callers and tell each its
// place. It subscribes to nothing: `wire-console.ts` brings it what signaling and a call's line
// hear, and opens the line a ring asks for.

/** A ring whose context package has not arrived by then is dropped, and the console is free again. */
export const RING_TIMEOUT_MS = 10_000;

/**
 * The console stops offering Accept this long before the caller stops waiting, so an accept never
 * reaches a caller who has just been sent back to the assistant.
 */
export const ACCEPT_MARGIN_MS = 1000;

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
	/** When the ring came. */
	ringAt: number;
	/** Until when Accept reaches the caller (the caller's wait, less a margin); null if unknown. */
	acceptBy: number | null;
	/** When the operator accepted. */
	acceptedAt: number | null;
};

/** A call that rang here and was not answered, and what became of the caller. */
export type MissedCall = { callId: string; at: number; text: string };

export class OperatorConsole {
	readonly operatorId: string;
	#signaling: Signaling;
	#db: Database | null = null;
	#name = $state('');
	#status = $state<'signed_out' | 'available' | 'away' | 'busy'>('signed_out');
	#call = $state<CallView | null>(null);
	#notes = $state('');
	/** What the persona taking the call back says to the caller for the operator. */
	#callerLine = $state('');
	/** The line being typed to a text caller. */
	#reply = $state('');
	/** Why the last hand-back or message did not go, in words that say what to do. */
	#sendError = $state<string | null>(null);
	#missed = $state.raw<MissedCall[]>([]);
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
	#acceptTimer: ReturnType<typeof setTimeout> | undefined;
	/** This console's key for sealed callbacks; a new one each sign-in. */
	#keys: { publicKey: string; privateKey: CryptoKey } | null = null;
	/** Callers waiting in the queue. Never rendered. */
	readonly #queue = new QueueKeeper();

	/** Whether signaling names each call (a pairing code cannot). */
	readonly #named: boolean;

	/** The kiosks' call records sent to this console. */
	readonly records: KioskRecords;

	constructor(signaling: Signaling, operatorId: string = uuid()) {
		this.operatorId = operatorId;
		this.#signaling = signaling;
		this.#named = signaling.kind !== 'manual';
		this.records = new KioskRecords({ signaling, operatorId, unseal: (b) => this.#unseal(b) });
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
	/** Notes for the team: they go in the call record and the package, never to the caller. */
	get notes() {
		return this.#notes;
	}
	set notes(v: string) {
		this.#notes = v;
	}
	get callerLine() {
		return this.#callerLine;
	}
	set callerLine(v: string) {
		this.#callerLine = v;
	}
	get reply() {
		return this.#reply;
	}
	set reply(v: string) {
		this.#reply = v;
	}
	get sendError() {
		return this.#sendError;
	}
	/** Calls that rang here unanswered, newest first. */
	get missed() {
		return this.#missed;
	}

	async signIn(name: string): Promise<void> {
		this.#name = name.trim() || 'Operator';
		this.#keys = await newSealingKeys();
		// One database per browser, not per page load: a package resent after a reload is known.
		this.#db = await openBatonDB(OPERATOR_DB);
		await new Received(this.#db).prune();
		await this.records.load().catch(() => {});
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
		if (this.#call?.callerId !== callerId) return;
		if (this.#call.state === 'ringing') this.#miss('they hung up before it was answered.');
		this.#endCall();
	}

	/** A callback sealed to this console: opened, listed, acknowledged. One not readable is left
	 * unacknowledged, so the caller offers it again (to this console's current key, or another's). */
	async callback(m: Extract<Signal, { type: 'callback' }>): Promise<void> {
		if (!this.signedIn) return;
		let request;
		try {
			request = v.parse(CallbackRequestSchema, await this.#unseal(m.sealed));
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

	/** Opens a box sealed to this console's key; `SealError` when signed out or not for it. */
	async #unseal(box: SealedBox): Promise<unknown> {
		if (!this.#keys || !this.signedIn) throw new SealError();
		return open(this.#keys, box);
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
	ring(callerId: string, callId: string, acceptMs?: number): LineOptions | null {
		if (!this.#db || this.#status !== 'available') return null;
		this.#status = 'busy';
		this.#announce();
		const ringAt = Date.now();
		const acceptBy =
			acceptMs === undefined ? null : ringAt + Math.max(0, acceptMs - ACCEPT_MARGIN_MS);
		this.#call = {
			callerId,
			callId,
			pkg: null,
			state: 'ringing',
			transcript: [],
			receivedAt: null,
			ringAt,
			acceptBy,
			acceptedAt: null
		};
		this.#safetyCode = null;
		this.#sendError = null;
		// A ring with no package behind it (a caller gone, or a forged ring) must not hold the
		// console busy.
		this.#ringTimer = setTimeout(() => {
			if (this.#call?.callerId !== callerId || this.#call.pkg) return;
			this.#miss('rang, but its details never arrived.');
			this.#endCall();
		}, RING_TIMEOUT_MS);
		// Not answered in time: the caller goes back to the assistant, which offers them other ways.
		if (acceptBy !== null) {
			this.#acceptTimer = setTimeout(() => {
				if (this.#call?.callerId !== callerId || this.#call.state !== 'ringing') return;
				this.#miss(
					`not answered within ${Math.round((acceptMs ?? 0) / 1000)} s, so they went back to the assistant, which offers them the queue, a callback or to carry on.`
				);
				this.#endCall();
			}, acceptBy - ringAt);
		}
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
		if (e.type === 'peer' && !e.alive && call.state !== 'ended') {
			if (call.state === 'ringing') this.#miss('they hung up before it was answered.');
			this.#endCall();
		}
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
			if (call.state === 'ringing') this.#miss('they hung up before it was answered.');
			this.#endCall();
		}
	}

	/** Keeps a call that rang unanswered in the missed list, saying who and what became of it. */
	#miss(what: string): void {
		const call = this.#call;
		if (!call) return;
		const who = call.pkg?.caller.name ?? (call.pkg ? 'a caller' : 'A call');
		const about = call.pkg && call.pkg.intent.id !== 'unknown' ? ` (${wants(call.pkg)})` : '';
		const text = call.pkg ? `Missed call from ${who}${about}: ${what}` : `${who} ${what}`;
		this.#missed = [{ callId: call.callId, at: Date.now(), text }, ...this.#missed].slice(0, 20);
	}

	async accept(microphone: () => Promise<MediaStream> = openMicrophone): Promise<void> {
		const call = this.#call;
		const line = this.#line;
		if (!call?.pkg || !line || call.state !== 'ringing') return;
		clearTimeout(this.#acceptTimer);
		line.link.send('operator', {
			action: 'accept',
			handoffId: call.pkg.handoffId,
			name: this.#name
		});
		this.#call = { ...call, state: 'connected', acceptedAt: Date.now() };
		try {
			const stream = await microphone();
			// The call may have ended while the browser asked for the microphone.
			if (this.#line === line) line.peer.addStream(stream);
			else for (const t of stream.getTracks()) t.stop();
			this.#micNote = null;
		} catch (e) {
			const why =
				e instanceof MicError
					? e.message
					: 'The microphone did not start. Check it, then reload the console.';
			// A caller who types needs no microphone here: the reply box is how to answer them.
			this.#micNote =
				call.pkg.caller.channel === 'text'
					? `This caller is typing: reply in the box below. (${why.split('. ')[0]!.replace(/\.$/, '')}.)`
					: why;
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
		if (!call?.pkg || !this.#line || call.state !== 'ringing') return;
		clearTimeout(this.#acceptTimer);
		this.#line.link.send('operator', { action, handoffId: call.pkg.handoffId, name: this.#name });
		setTimeout(() => this.#endCall(), 300);
	}

	/**
	 * Returns the caller to an AI persona. The notes go to the team (the record and the package);
	 * only the caller line is said to the caller. A hand-back that is not valid or cannot leave is
	 * not sent: the call stays, with what was typed, and `sendError` says why.
	 */
	handBack(to: string): boolean {
		const call = this.#call;
		if (!call?.pkg || !this.#line || call.state !== 'connected') return false;
		const note = this.#notes.trim();
		const line = this.#callerLine.trim();
		try {
			const payload = checkPayload('handback', {
				handoffId: call.pkg.handoffId,
				to,
				notes: note ? [note] : [],
				...(line ? { callerLine: line } : {})
			});
			if (!this.#line.link.send('handback', payload)) return this.#notSent('The hand-back');
		} catch (e) {
			this.#sendError = e instanceof ValidationError ? e.message : String(e);
			return false;
		}
		this.#sendError = null;
		this.#notes = '';
		this.#callerLine = '';
		setTimeout(() => this.#endCall(), 300);
		return true;
	}

	/**
	 * Sends the typed reply to the caller (shown on their page; it comes back in the live
	 * transcript once the caller's side has it). Kept in the box, with `sendError`, if it cannot go.
	 */
	sendReply(): boolean {
		const call = this.#call;
		if (!call || call.state !== 'connected' || !this.#line) return false;
		try {
			const payload = checkPayload('text', { text: this.#reply, at: isoNow() });
			if (!this.#line.link.send('text', payload)) return this.#notSent('Your message');
		} catch (e) {
			this.#sendError = e instanceof ValidationError ? e.message : String(e);
			return false;
		}
		this.#sendError = null;
		this.#reply = '';
		return true;
	}

	#notSent(what: string): false {
		this.#sendError = `${what} could not be sent: the line to the caller is not open. It is kept here; try again in a moment.`;
		return false;
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
		clearTimeout(this.#acceptTimer);
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

/** This moment as ISO 8601, for a message's time. */
function isoNow(): string {
	return new Date().toISOString();
}
