import type { AuditEvent } from './audit';
import type { ContextPackage, TranscriptEntry } from './handoff/context-package';

// What a call says about itself as it goes: one tagged union, each event stamped with the time it
// happened. The page, the human link, the simulator and the tests all read the call through these.

export type CallState =
	| 'idle'
	| 'listening'
	| 'thinking'
	| 'speaking'
	| 'handing_off'
	| 'on_hold'
	| 'with_human'
	| 'queued'
	| 'ended';

export type Outcome = 'resolved' | 'human' | 'queued' | 'callback' | 'abandoned';

/**
 * How a human handoff completes. `available`/`unavailable` settle it at once (the simulator);
 * `external` waits for a human link (the operator console) to answer through `HumanLink`.
 */
export type HumanAvailability = 'available' | 'unavailable' | 'external';

export type FallbackChoice = 'queue' | 'callback' | 'ai';

/** The timings a human link measures for one handoff, kept in the audit log. */
export type HumanTiming = {
	handoffId: string;
	/** Handoff → package on the operator's screen. */
	packageOnConsoleMs?: number;
	/** Handoff → the operator's audio reaching the caller. */
	operatorAudioMs?: number;
};

type Events =
	| { type: 'state'; state: CallState }
	/** `streamed`: the words already went out as `agent_chunk` events while being generated. */
	| { type: 'transcript'; entry: TranscriptEntry; streamed?: boolean }
	/** Part of an agent's reply as it is generated, for speech to start before the reply ends. */
	| { type: 'agent_chunk'; personaId: string; text: string }
	| { type: 'owner'; personaId: string }
	| { type: 'handoff'; package: ContextPackage; narration: string }
	| { type: 'fallback_offer'; options: FallbackChoice[] }
	| { type: 'audit'; event: AuditEvent }
	| { type: 'ended'; outcome: Outcome };

/** One event of a call, with when it happened (ISO 8601). */
export type SessionEvent = Events & { at: string };

/** An event before the session stamps it. */
export type SessionEventBody = Events;

export type SessionEventType = SessionEvent['type'];

/** The event of one type, for listeners and assertions that look for it. */
export type EventOf<T extends SessionEventType> = Extract<SessionEvent, { type: T }>;
