import { safetyCode } from './safety-code';
import type { Signal, Signaling } from '../signaling/signaling';

// One WebRTC peer connection with the MDN "perfect negotiation" pattern: either side may add
// tracks at any time; the polite side yields on glare. Host candidates only, so a LAN needs no
// STUN or TURN. ICE restarts on failure. The data channel is pre-negotiated (id 0) so both sides
// own it from the start.

export type PeerOptions = {
	signaling: Signaling;
	selfId: string;
	peerId: string;
	polite: boolean;
	iceServers?: RTCIceServer[];
};

export class Peer {
	readonly pc: RTCPeerConnection;
	readonly channel: RTCDataChannel;
	readonly #signaling: Signaling;
	readonly #selfId: string;
	readonly #peerId: string;
	readonly #polite: boolean;
	#makingOffer = false;
	#ignoreOffer = false;
	#unsubscribe: () => void;
	#closed = false;
	#queue: Promise<void> = Promise.resolve();

	constructor(options: PeerOptions) {
		this.#signaling = options.signaling;
		this.#selfId = options.selfId;
		this.#peerId = options.peerId;
		this.#polite = options.polite;
		this.pc = new RTCPeerConnection({ iceServers: options.iceServers ?? [] });
		this.channel = this.pc.createDataChannel('baton', { negotiated: true, id: 0, ordered: true });

		this.pc.onnegotiationneeded = async () => {
			// The first offer always comes from the impolite side (the caller), which avoids a
			// glare on every call; later changes (audio on accept) may start from either side.
			if (this.#polite && !this.pc.remoteDescription) return;
			try {
				this.#makingOffer = true;
				await this.#sendLocalDescription();
			} catch (e) {
				console.warn('baton peer: negotiation failed', (e as Error).name);
			} finally {
				this.#makingOffer = false;
			}
		};
		this.pc.onicecandidate = ({ candidate }) => {
			this.#send({
				type: 'candidate',
				from: this.#selfId,
				to: this.#peerId,
				candidate: candidate ? candidate.toJSON() : null
			});
		};
		this.pc.oniceconnectionstatechange = () => {
			if (this.pc.iceConnectionState === 'failed') this.pc.restartIce();
		};
		// Signals are applied one at a time, in order: a candidate that overtook its description
		// would be rejected by the connection and lost.
		this.#unsubscribe = this.#signaling.subscribe((m) => {
			this.#queue = this.#queue.then(() => this.#onSignal(m));
		});
	}

	/** Max size of one data-channel message, from SCTP when known. */
	get maxMessageSize(): number {
		return Math.min(this.pc.sctp?.maxMessageSize || 65_536, 256 * 1024);
	}

	/** The six digits both ends of this connection show for manual pairing (safety-code.ts). */
	safetyCode(): Promise<string | null> {
		return safetyCode(this.pc.localDescription?.sdp, this.pc.remoteDescription?.sdp);
	}

	addStream(stream: MediaStream): void {
		for (const track of stream.getTracks()) this.pc.addTrack(track, stream);
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#send({ type: 'bye', from: this.#selfId, to: this.#peerId });
		this.#unsubscribe();
		this.channel.close();
		this.pc.close();
	}

	/** Creates the offer or answer the current state calls for, and sends it. */
	async #sendLocalDescription(): Promise<void> {
		await this.pc.setLocalDescription();
		this.#send({
			type: 'description',
			from: this.#selfId,
			to: this.#peerId,
			description: this.pc.localDescription!.toJSON()
		});
	}

	#send(m: Signal): void {
		if (!this.#closed || m.type === 'bye') this.#signaling.send(m);
	}

	async #onSignal(m: Signal): Promise<void> {
		if (this.#closed || !('to' in m) || m.to !== this.#selfId || m.from !== this.#peerId) return;
		try {
			if (m.type === 'description') {
				const description = m.description as RTCSessionDescriptionInit;
				const collision =
					description.type === 'offer' &&
					(this.#makingOffer || this.pc.signalingState !== 'stable');
				this.#ignoreOffer = !this.#polite && collision;
				if (this.#ignoreOffer) return;
				await this.pc.setRemoteDescription(description);
				if (description.type === 'offer') await this.#sendLocalDescription();
			} else if (m.type === 'candidate') {
				try {
					await this.pc.addIceCandidate(m.candidate ?? undefined);
				} catch (e) {
					if (!this.#ignoreOffer) throw e;
				}
			}
		} catch (e) {
			console.warn('baton peer: signaling message failed', (e as Error).name);
		}
	}
}
