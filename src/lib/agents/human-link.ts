import type { ContextPackage } from './handoff/context-package';
import type { HumanTiming } from './events';

// What a human link (the caller's side of a warm transfer, in rtc/) may do to a call: the few
// things an operator's console can cause, and what it needs to know to ring one. It is all the
// link sees of the session; the page's wiring feeds it the session's events.

/** What a stored callback request carries, taken from the call's last package. */
export type CallbackDetails = {
	callId: string;
	name?: string;
	phone?: string;
	summary: string;
};

export interface HumanLink {
	/** The package of a human handoff still waiting for a person to be found, if any. */
	readonly waiting: ContextPackage | undefined;
	/** The last package handed to a person: the one to ring with when a queued caller's turn comes. */
	readonly lastHandoff: ContextPackage | undefined;
	/** What a callback request for this call carries. */
	callback(): CallbackDetails;
	/** An operator accepted the call. */
	accepted(operatorName?: string): void;
	/**
	 * Declined, timed out, or nobody is available: the caller chooses what next. With
	 * `unreachable`, signaling itself cannot be reached (no network, the broker down): there is no
	 * queue to wait in, so only a callback (kept until the team can be reached) or the AI is offered.
	 */
	declined(reason: string, options?: { unreachable?: boolean }): Promise<void>;
	/** The operator asked to call the caller back. */
	callbackAsked(): Promise<void>;
	/** The line dropped mid-call (the operator's tab closed, the network went): back to the AI. */
	lost(): Promise<void>;
	/**
	 * The operator returns the caller to an AI persona. `notes` are for the team only: they go in
	 * the call record and the next package, and are never said or shown to the caller. `callerLine`,
	 * if any, is what the persona taking the call says to the caller for the operator.
	 */
	handBack(input: { to: string; notes: string[]; callerLine?: string }): Promise<void>;
	/** The person typed a line to the caller: shown on the caller's page, kept in the transcript. */
	said(text: string): void;
	/** The operator finished the call. */
	hungUp(): void;
	/** Timings the link measured for a handoff, kept in the audit log. */
	timing(t: HumanTiming): void;
}
