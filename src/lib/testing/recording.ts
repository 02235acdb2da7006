import type { TranscriptEntry } from '../agents/handoff/context-package';
import type { EventOf, SessionEvent, SessionEventType } from '../agents/events';
import type { Session } from '../agents/session';

// Assertions over what a call did, in the order it did it, in the style of livekit agents-js's
// run results: "the next thing that happened is a handoff to billing", not a regular expression
// on the last line of the transcript. Streamed chunks, audit entries and state changes are skipped
// unless a test asks for them by type.

const NOISE: ReadonlySet<SessionEventType> = new Set(['agent_chunk', 'audit', 'state']);

export class Recording {
	readonly events: SessionEvent[] = [];
	#cursor = 0;
	readonly #off: () => void;

	constructor(session: Session) {
		this.#off = session.on((e) => this.events.push(e));
	}

	/** Stops recording. */
	stop(): void {
		this.#off();
	}

	/**
	 * The next event of `type`, skipping only noise (chunks, audit, states) on the way; throws,
	 * naming what came instead, when something else happened first or nothing did.
	 */
	next<T extends SessionEventType>(type: T): EventOf<T> {
		while (this.#cursor < this.events.length) {
			const e = this.events[this.#cursor++]!;
			if (e.type === type) return e as EventOf<T>;
			if (!NOISE.has(e.type)) {
				throw new Error(`expected the next event to be "${type}", but it was ${describe(e)}`);
			}
		}
		throw new Error(`expected a "${type}" event, but the call did nothing more`);
	}

	/** The next event is a handoff to `personaId`; returns its package. */
	handoffTo(personaId: string) {
		const e = this.next('handoff');
		if (e.package.to.personaId !== personaId)
			throw new Error(`expected a handoff to ${personaId}, but it went to ${describe(e)}`);
		return e.package;
	}

	/** The next event is a transcript line from `role` (and, for an agent, from `personaId`). */
	said(role: TranscriptEntry['role'], personaId?: string): TranscriptEntry {
		const { entry } = this.next('transcript');
		if (entry.role !== role || (personaId !== undefined && entry.personaId !== personaId))
			throw new Error(
				`expected ${role}${personaId ? ` ${personaId}` : ''} to speak next, but ${entry.role}${
					entry.personaId ? ` ${entry.personaId}` : ''
				} said: ${entry.text}`
			);
		return entry;
	}

	/** Skips to the next event of `type`, whatever happens before it. */
	skipTo<T extends SessionEventType>(type: T): EventOf<T> {
		while (this.#cursor < this.events.length) {
			const e = this.events[this.#cursor++]!;
			if (e.type === type) return e as EventOf<T>;
		}
		throw new Error(`expected a "${type}" event, but none came`);
	}

	/** Nothing but noise happened since the last assertion. */
	nothingMore(): void {
		const rest = this.events.slice(this.#cursor).filter((e) => !NOISE.has(e.type));
		if (rest.length > 0) throw new Error(`expected nothing more, but got ${describe(rest[0]!)}`);
		this.#cursor = this.events.length;
	}

	/** Events of `type` recorded so far, from the start. */
	all<T extends SessionEventType>(type: T): EventOf<T>[] {
		return this.events.filter((e): e is EventOf<T> => e.type === type);
	}
}

function describe(e: SessionEvent): string {
	switch (e.type) {
		case 'handoff':
			return `a handoff from ${e.package.from.personaId} to ${e.package.to.personaId} (${e.package.trigger.kind})`;
		case 'transcript':
			return `${e.entry.role}${e.entry.personaId ? ` ${e.entry.personaId}` : ''}: "${e.entry.text}"`;
		case 'owner':
			return `owner ${e.personaId}`;
		case 'state':
			return `state ${e.state}`;
		case 'ended':
			return `the end of the call (${e.outcome})`;
		case 'fallback_offer':
			return `an offer of ${e.options.join(', ')}`;
		default:
			return e.type;
	}
}

/** Records everything `session` does from now on. */
export function record(session: Session): Recording {
	return new Recording(session);
}
