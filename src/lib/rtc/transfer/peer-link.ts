import type { Database } from '../../storage/db';
import { Outbox, Received } from '../../storage/outbox';
import { dataChannelPort, Link } from './link';
import { Peer } from './peer';
import type { Signaling } from '../signaling/signaling';

// One peer connection with its data-channel link, as both ends of a warm transfer open it: the
// link's outbox and de-duplication live in IndexedDB, the link attaches when the channel opens,
// and the safety number and the other side's audio are handed out as they arrive.

export type PeerLinkOptions = {
	signaling: Signaling;
	selfId: string;
	peerId: string;
	/** The console is polite (it yields in an offer collision); the caller is not. */
	polite: boolean;
	db: Database;
	/** What the outbox sends: the handoff on the caller's side, the call on the console's. */
	scope: string;
	/** A package for any other call is refused by the link; unset, it holds to the first it takes. */
	callId?: string;
	onSafetyCode?: (code: string | null) => void;
	onRemoteAudio?: (stream: MediaStream) => void;
};

export type PeerLink = { peer: Peer; link: Link; close(): void };

export function openPeerLink(o: PeerLinkOptions): PeerLink {
	const peer = new Peer({
		signaling: o.signaling,
		selfId: o.selfId,
		peerId: o.peerId,
		polite: o.polite
	});
	const link = new Link({
		outbox: new Outbox(o.db, { scope: o.scope }),
		received: new Received(o.db),
		...(o.callId ? { callId: o.callId } : {})
	});
	peer.channel.addEventListener('open', () => {
		link.attach(dataChannelPort(peer.channel, peer.maxMessageSize));
		void peer.safetyCode().then((code) => o.onSafetyCode?.(code));
	});
	peer.pc.ontrack = (e) => o.onRemoteAudio?.(e.streams[0] ?? new MediaStream([e.track]));
	return {
		peer,
		link,
		close() {
			link.close();
			peer.close();
		}
	};
}
