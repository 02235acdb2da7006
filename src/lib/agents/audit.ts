import type { EntityType, TriggerKind } from './handoff/context-package';

// Audit events: what happened in a call, in a form that is safe to keep. Caller words never appear
// here, not even redacted: only ids, labels, numbers and the detectors' own fixed wording.

export type AuditBody =
	| { type: 'call_started'; channel: 'voice' | 'text'; owner: string }
	| { type: 'caller_turn'; turn: number; entities: EntityType[]; redactions: number }
	| {
			type: 'route';
			turn: number;
			personaId: string | null;
			intent: string | null;
			confidence: number;
			source: 'classifier' | 'llm';
	  }
	| {
			type: 'human_timing';
			handoffId: string;
			packageOnConsoleMs?: number;
			operatorAudioMs?: number;
	  }
	| { type: 'llm_rejected'; turn: number; error: string }
	| { type: 'trigger'; kind: TriggerKind; detail: string; from: string }
	| { type: 'tool'; tool: string; ok: boolean; owner: string }
	/** A tool call the guard refused: nothing ran. */
	| { type: 'tool_refused'; tool: string; reason: string; origin: 'skill' | 'model'; owner: string }
	| { type: 'hop_redirected'; from: string; wanted: string; to: string; reason: string }
	| { type: 'package_ready'; handoffId: string; ms: number }
	| {
			type: 'handoff';
			handoffId: string;
			from: string;
			to: string;
			/** The call went to a person (the flow's human persona). */
			person?: true;
			trigger: TriggerKind;
	  }
	| { type: 'repeat'; entity: EntityType; turn: number }
	/** A turn with no words in it (keys, noise): the caller was asked again. */
	| { type: 'unheard'; turn: number }
	| { type: 'state'; state: string }
	| { type: 'fallback'; choice: 'queue' | 'callback' | 'ai' }
	| { type: 'call_ended'; outcome: string };

export type AuditEvent = { at: string; callId: string } & AuditBody;

export type AuditType = AuditEvent['type'];
