import type { ContextPackage, TranscriptEntry } from '$lib/agents/context-package';
import { uuid } from '$lib/agents/ids';
import { openBatonDB, OPERATOR_DB, type Database } from '$lib/storage/db';
import { Outbox, Received } from '$lib/storage/outbox';
import { admitPackage } from '$lib/rtc/admit';
import { dataChannelPort, Link, type LinkEvent } from '$lib/rtc/link';
import { Peer } from '$lib/rtc/peer';
import type { Signaling } from '$lib/rtc/signaling';

// The operator console's state: presence, the incoming call with its context package, the live
// transcript, notes, and the actions (accept, decline, call back, hand back).

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
	#callbacks = $state.raw<
		{ id: string; name?: string; phone?: string; summary: string; at: number }[]
	>([]);
	#peer: Peer | null = null;
	#link: Link | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;

	constructor(signaling: Signaling, operatorId: string = uuid()) {
		this.operatorId = operatorId;
		this.#signaling = signaling;
		signaling.subscribe((m) => {
			if (m.type === 'who' && this.#status !== 'signed_out') this.#announce();
			if (m.type === 'ring' && m.to === this.operatorId) void this.#ring(m.from, m.callId);
			if (m.type === 'callback' && m.to === this.operatorId && this.#status !== 'signed_out') {
				if (!this.#callbacks.some((c) => c.id === m.id)) {
					this.#callbacks = [
						...this.#callbacks,
						{ id: m.id, name: m.name, phone: m.phone, summary: m.summary, at: m.at }
					];
				}
				this.#signaling.send({ type: 'callback_ack', from: this.operatorId, to: m.from, id: m.id });
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
		// One database per browser, not per page load: a package resent after a reload is known.
		this.#db = await openBatonDB(OPERATOR_DB);
		await new Received(this.#db).prune();
		await this.#signaling.listenAs(this.operatorId);
		this.#status = 'available';
		this.#announce();
		// BroadcastChannel has no retained messages: repeat presence so late callers see it.
		this.#timer = setInterval(() => this.#announce(), 3000);
	}

	setAvailable(available: boolean): void {
		if (this.#status === 'busy' || this.#status === 'signed_out') return;
		this.#status = available ? 'available' : 'away';
		this.#announce();
	}

	signOut(): void {
		clearInterval(this.#timer);
		this.#status = 'signed_out';
		this.#signaling.send({
			type: 'presence',
			from: this.operatorId,
			name: this.#name,
			status: 'offline',
			at: Date.now()
		});
	}

	#announce(): void {
		const status = this.#status === 'signed_out' ? 'offline' : this.#status;
		this.#signaling.send({
			type: 'presence',
			from: this.operatorId,
			name: this.#name,
			status,
			at: Date.now()
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
		const peer = new Peer({
			signaling: this.#signaling,
			selfId: this.operatorId,
			peerId: callerId,
			polite: true
		});
		this.#peer = peer;
		const link = new Link({
			outbox: new Outbox(this.#db, { scope: callId }),
			received: new Received(this.#db),
			// A package for any other call is refused by the link, never shown.
			callId
		});
		this.#link = link;
		peer.channel.addEventListener('open', () =>
			link.attach(dataChannelPort(peer.channel, peer.maxMessageSize))
		);
		peer.pc.ontrack = (e) => {
			this.#remote = e.streams[0] ?? new MediaStream([e.track]);
		};
		link.on((e) => this.#onLink(e));
	}

	#onLink(e: LinkEvent): void {
		const call = this.#call;
		if (!call) return;
		if (e.type === 'peer' && !e.alive && call.state !== 'ended') this.#endCall();
		if (e.type !== 'message') return;
		const env = e.envelope;
		// Shown only for the call this ring is for, and never over the package already on screen.
		if (env.type === 'package' && admitPackage(call, env.payload) === 'show') {
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

	async accept(microphone: () => Promise<MediaStream | null>): Promise<void> {
		const call = this.#call;
		if (!call?.pkg || !this.#link) return;
		this.#link.send('operator', {
			action: 'accept',
			handoffId: call.pkg.handoffId,
			name: this.#name
		});
		this.#call = { ...call, state: 'connected' };
		const mic = await microphone().catch(() => null);
		if (mic) this.#peer?.addStream(mic);
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
