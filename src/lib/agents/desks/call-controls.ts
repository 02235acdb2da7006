import type { AuditBody } from '../audit';
import type { CallRecord } from '../call-record';
import type { ContextPackage } from '../handoff/context-package';
import type { Persona, Flow } from '../flow';
import type { RouteDecision } from '../routing/router';
import type { Awaiting } from './skills';
import type { Tables } from '../flows/tables';
import type { Clock } from '../flows/spoken';
import type { Trigger } from '../routing/triggers';

// What a part of the call (triage, a specialist) may do to the call it belongs to. The Session
// implements it; the parts never touch the session's own state.

export type Reply = { say: string; facts: string[]; package?: ContextPackage };

export type HandoffOptions = {
	intentFor?: RouteDecision;
	nextStep?: string;
	notes?: string[];
	/** On a hand-back: the operator's words for the caller, said by the persona taking the call. */
	callerLine?: string;
	/** The caller's words the persona taking the call acts on, when not their last turn (a second
	 * request made in the same breath as the first). */
	request?: string;
};

export interface CallControls {
	readonly flow: Flow;
	readonly record: CallRecord;
	/** This call's own copy of the company's data. */
	readonly tables: Tables;
	/** What the persona that owns the call asked the caller for, if anything. */
	awaiting: Awaiting | undefined;
	reply(persona: Persona, result: Reply, options?: { keepState?: boolean }): Promise<void>;
	handoff(toId: string, trigger: Trigger, options?: HandoffOptions): Promise<void>;
	log(event: AuditBody): void;
	/** The call's clock in the company's time zone: what "today" and "tonight" mean when said. */
	clock(): Clock;
}
