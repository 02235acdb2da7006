import type { TranscriptEntry, ContextPackage } from '$lib/agents/handoff/context-package';
import type { CallState, FallbackChoice, HumanTiming, Outcome } from '$lib/agents/events';
import { personaById, type Persona } from '$lib/agents/flow';
import { UNHEARD } from '$lib/agents/handoff/phrases';
import type { Session } from '$lib/agents/session';
import type { CallbackDetails } from '$lib/agents/human-link';
import type { CallerLink, CallerLinkStatus } from '$lib/rtc/transfer/caller-link';

/** The part of the human link a call drives (`CallerLink`): the transfer and its channel. */
export type CallTransfer = Pick<
	CallerLink,
	'offer' | 'withPerson' | 'requestCallback' | 'callState' | 'on'
>;

// Every connection between the parts of a call on the caller's page, in one place: the session
// (the conversation), the voice (microphone in, speech out), the human link (a person, over
// WebRTC) and the page's view of the call. Each function returns what undoes it. Read top to
// bottom, this is the whole flow of a call:
//   caller speaks → voice (turn-taker, speech-to-text) → session.hear → session events → view,
//   voice (agent speaks),
//   human link (a handoff to a person rings an operator; the transcript follows live) →
//   the operator's answers come back through the session's human line.

/** What the page shows of a call; the page's state class implements it. */
export interface CallView {
	state(state: CallState): void;
	transcript(entry: TranscriptEntry): void;
	owner(personaId: string): void;
	handoff(pkg: ContextPackage, narration: string): void;
	fallback(options: FallbackChoice[]): void;
	ended(outcome: Outcome): void;
	timing(t: HumanTiming): void;
	/** The call is taking in a turn from the microphone (the page waits before taking typing). */
	busy(busy: boolean): void;
	linkStatus(status: CallerLinkStatus): void;
	remoteAudio(stream: MediaStream): void;
	safetyCode(code: string): void;
}

/** The part of the voice layer a call drives (`VoiceAgent`). */
export interface CallVoice {
	startListening(
		onText: (text: string) => void,
		onBargeIn: () => void,
		onUnheard: () => void
	): Promise<void>;
	stopListening(): Promise<void>;
	say(text: string, persona: Persona): Promise<void>;
	replyChunk(text: string, persona: Persona): void;
	endReply(persona: Persona): void;
}

/** The session's events to the page, and to the voice when the call is a voice call. */
export function wireCall(session: Session, view: CallView, voice: CallVoice | null): () => void {
	const persona = (id: string | undefined) => personaById(session.flow, id ?? session.owner.id);
	// The voice keeps its listeners until it listens again: once undone, its turns go nowhere.
	let wired = true;
	const hear = async (text: string) => {
		if (!wired) return;
		view.busy(true);
		try {
			await session.hear(text);
		} finally {
			view.busy(false);
		}
	};
	const off = session.on((e) => {
		switch (e.type) {
			case 'state':
				view.state(e.state);
				if (voice) void listen(session, voice, hear, e.state);
				break;
			case 'transcript':
				view.transcript(e.entry);
				// Every agent turn is spoken, in the voice of the persona that said it: a streamed reply
				// is already being spoken sentence by sentence; only its tail is left.
				if (voice && e.entry.role === 'agent') {
					if (e.streamed) voice.endReply(persona(e.entry.personaId));
					else void voice.say(e.entry.text, persona(e.entry.personaId));
				}
				break;
			case 'agent_chunk':
				voice?.replyChunk(e.text, persona(e.personaId));
				break;
			case 'owner':
				view.owner(e.personaId);
				break;
			case 'handoff':
				view.handoff(e.package, e.narration);
				break;
			case 'fallback_offer':
				view.fallback(e.options);
				break;
			case 'audit':
				if (e.event.type === 'human_timing') {
					const { handoffId, packageOnConsoleMs, operatorAudioMs } = e.event;
					view.timing({ handoffId, packageOnConsoleMs, operatorAudioMs });
				}
				break;
			case 'ended':
				view.ended(e.outcome);
				break;
		}
	});
	return () => {
		wired = false;
		off();
	};
}

/** The microphone listens while an AI agent has the call; a person's call has its own audio. */
async function listen(
	session: Session,
	voice: CallVoice,
	hear: (text: string) => Promise<void>,
	state: CallState
) {
	if (state === 'listening' || state === 'thinking' || state === 'speaking') {
		await voice.startListening(
			(text) => void hear(text),
			() => session.interrupt(),
			() => void voice.say(UNHEARD, session.owner)
		);
	} else if (
		state === 'on_hold' ||
		state === 'with_human' ||
		state === 'queued' ||
		state === 'ended'
	) {
		await voice.stopListening();
	}
}

/** The session and a human link, both ways, and the link's news to the page. */
export function wireHumanLink(session: Session, link: CallTransfer, view: CallView): () => void {
	const offSession = session.on((e) => {
		if (e.type === 'handoff' && e.package.to.kind === 'human') void link.offer(e.package);
		// Each line of the transcript goes to the person live, straight onto the data channel.
		if (e.type === 'transcript') link.withPerson?.send('transcript', e.entry);
		if (e.type === 'ended' && e.outcome === 'callback') void link.requestCallback();
		if (e.type === 'state') link.callState(e.state);
	});
	const offLink = link.on((e) => {
		if (e.type === 'status') view.linkStatus(e.status);
		if (e.type === 'remote_audio') view.remoteAudio(e.stream);
		if (e.type === 'safety_code') view.safetyCode(e.code);
	});
	return () => {
		offSession();
		offLink();
	};
}

/**
 * No way to reach a person (no network, the broker down): a human handoff must still end
 * somewhere, never on a dead line. The caller is told so and offered a callback or the AI (no
 * queue: there is none to wait in); a callback is handed to `keep`, which holds it until the team
 * can be reached.
 */
export function wireNoHumanLink(
	session: Session,
	keep: (details: CallbackDetails) => Promise<void>
): () => void {
	const reason = 'We cannot reach our team from here right now.';
	const unreachable = { unreachable: true };
	if (session.human.waiting) void session.human.declined(reason, unreachable);
	return session.on((e) => {
		if (e.type === 'handoff' && e.package.to.kind === 'human')
			void session.human.declined(reason, unreachable);
		if (e.type === 'ended' && e.outcome === 'callback') void keep(session.human.callback());
	});
}
