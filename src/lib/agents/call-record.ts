import type { Action, Entity, Hop, Sentiment, TranscriptEntry } from './handoff/context-package';

// Everything the call has established, in the shape the context package is built from. The session
// owns one; the handoff engine reads it synchronously. Text in here is already redacted.

export type Verified = { accountId: string; name?: string; phone?: string; by: string };

export type CallRecord = {
	callId: string;
	channel: 'voice' | 'text';
	language: string;
	startedAt: string;
	transcript: TranscriptEntry[];
	entities: Entity[];
	actions: Action[];
	resolved: string[];
	hops: (Hop & { turn: number })[];
	notes: string[];
	sentiment: Sentiment;
	intent: { id: string; label: string; confidence: number };
	verified?: Verified;
	/** Persona that owns the call now. Only one at a time. */
	owner: string;
	toolFailures: number;
};

export function newCallRecord(input: {
	callId: string;
	channel: 'voice' | 'text';
	language: string;
	owner: string;
	at: string;
}): CallRecord {
	return {
		callId: input.callId,
		channel: input.channel,
		language: input.language,
		startedAt: input.at,
		transcript: [],
		entities: [],
		actions: [],
		resolved: [],
		hops: [],
		notes: [],
		sentiment: { label: 'neutral', score: 0 },
		intent: { id: 'unknown', label: 'Not yet known', confidence: 0 },
		owner: input.owner,
		toolFailures: 0
	};
}

/** Latest value the call holds for an entity type. */
export function latest(record: CallRecord, type: Entity['type']): string | undefined {
	for (let i = record.entities.length - 1; i >= 0; i--) {
		if (record.entities[i]!.type === type) return record.entities[i]!.value;
	}
	return undefined;
}
