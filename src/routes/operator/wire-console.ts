import type { ManualSignaling } from '$lib/rtc/signaling/manual-signaling';
import type { MqttSignaling, SignInGrant } from '$lib/rtc/signaling/mqtt-signaling';
import type { Signaling } from '$lib/rtc/signaling/signaling';
import { openPeerLink, type PeerLink, type PeerLinkOptions } from '$lib/rtc/transfer/peer-link';
import { watchLevel } from '$lib/ui/level';
import type { OperatorConsole } from './console.svelte';

// Every connection between the parts of the operator's console, in one place: signaling (presence,
// rings, callbacks, the queue), a call's line to the caller (the peer connection and its data
// channel), the console's state and the page. Each function returns what undoes it. Read top to
// bottom, this is the whole flow of a call on the operator's side:
//   signaling → console (who is there, a ring, a sealed callback or kiosk record, the queue, a
//   caller's bye);
//   a ring the console takes → a line opened to that caller → its data channel → console (the
//   context package, the live transcript, a hang-up, a lost caller); the line's safety number and
//   the caller's audio → console → page (played and metered);
//   the broker → sign-in (a token kept for this tab, a refusal signs out); pairing codes → page.
// The operator's answers (accept, decline, hand back) go out through the console's actions.

/** What the page does with the transport's own news. */
export interface ConsoleView {
	/** A code to hand to the caller (manual pairing). */
	pairingCode(code: string): void;
	/** The broker granted, or renewed, this console's sign-in token. */
	token(grant: SignInGrant): void;
	/** The broker refused this console's credentials: it is signed out. */
	refused(message: string): void;
}

/** Opens one call's line (`openPeerLink` in the browser). */
export type OpenLine = (options: PeerLinkOptions) => PeerLink;

/** Signaling and each call's line to the console, and the transport's news to the page. */
export function wireConsole(
	signaling: Signaling,
	desk: OperatorConsole,
	view: ConsoleView,
	openLine: OpenLine = openPeerLink
): () => void {
	// The current call's data channel; a new ring, or undoing the wiring, lets go of it.
	let offLine = () => {};
	const ring = (callerId: string, callId: string, acceptMs?: number) => {
		const options = desk.ring(callerId, callId, acceptMs);
		if (!options) return;
		offLine();
		const line: PeerLink = openLine({
			signaling,
			selfId: desk.operatorId,
			peerId: callerId,
			polite: true,
			...options,
			onSafetyCode: (code) => desk.safetyCodeHeard(line, code),
			onRemoteAudio: (stream) => desk.remoteAudio(line, stream)
		});
		offLine = line.link.on((e) => desk.heard(line, e));
		desk.connect(line);
	};
	const offs = [
		signaling.subscribe((m) => {
			switch (m.type) {
				case 'who':
					desk.asked();
					break;
				case 'ring':
					if (m.to === desk.operatorId) ring(m.from, m.callId, m.acceptMs);
					break;
				case 'callback':
					if (m.to === desk.operatorId) void desk.callback(m);
					break;
				case 'audit':
					if (m.to === desk.operatorId && desk.signedIn) void desk.records.receive(m);
					break;
				case 'queue':
					desk.queued(m);
					break;
				case 'bye':
					if (m.to === desk.operatorId) desk.callerLeft(m.from);
					break;
			}
		})
	];
	if (isManual(signaling)) offs.push(signaling.onCode((code) => view.pairingCode(code)));
	if (isBroker(signaling)) {
		offs.push(
			signaling.onToken((grant) => view.token(grant)),
			signaling.onRefused((e) => view.refused(e.message))
		);
	}
	return () => {
		for (const off of offs) off();
		offLine();
	};
}

/**
 * The broker's grant to a console that has just signed in: the embedded broker sends the
 * account's display name with a token; a mosquitto sends none (null after `waitMs`).
 */
export function firstGrant(
	s: Pick<MqttSignaling, 'grant' | 'onToken'>,
	waitMs = 1500
): Promise<SignInGrant | null> {
	if (s.grant) return Promise.resolve(s.grant);
	return new Promise((resolve) => {
		const stop = s.onToken((grant) => {
			clearTimeout(timer);
			stop();
			resolve(grant);
		});
		const timer = setTimeout(() => {
			stop();
			resolve(null);
		}, waitMs);
	});
}

/** The caller's voice on the operator's speakers, and its level for the meter, while connected. */
export function playCallerAudio(
	stream: MediaStream,
	audio: Pick<HTMLAudioElement, 'srcObject' | 'play'>,
	onLevel: (rms: number) => void,
	watch: typeof watchLevel = watchLevel
): () => void {
	audio.srcObject = stream;
	// Autoplay may be refused until the operator has clicked; the Accept click normally allows it.
	void audio.play().catch(() => {});
	const stop = watch(stream, onLevel);
	return () => {
		stop();
		audio.srcObject = null;
	};
}

function isManual(s: Signaling): s is ManualSignaling {
	return s.kind === 'manual';
}

function isBroker(s: Signaling): s is MqttSignaling {
	return s.kind === 'mqtt';
}
