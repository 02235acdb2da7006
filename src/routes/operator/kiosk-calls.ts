import type { AuditEvent } from '$lib/agents/audit';

// A kiosk's audit events, as the console shows them: one line per call.

export type KioskCall = {
	/** The kiosk's id, shortened for the eye. */
	kiosk: string;
	callId: string;
	startedAt: string;
	channel: string | null;
	/** The teams that had the call, in order, each once. */
	teams: string[];
	/** The call reached a person, or the caller chose a callback or the queue. */
	person: string | null;
	outcome: string | null;
	events: number;
};

export type KioskRow = { device: string; seq: number; event: AuditEvent };

const FALLBACK: Record<string, string> = {
	queue: 'waited for a person',
	callback: 'asked for a callback',
	ai: 'went on with the assistant'
};

const text = (x: unknown): string | null => (typeof x === 'string' && x ? x.slice(0, 60) : null);

/** One line per call, newest first. */
export function group(rows: readonly KioskRow[]): KioskCall[] {
	const calls = new Map<string, KioskCall & { seq: number }>();
	for (const { device, seq, event: e } of [...rows].sort(
		(a, b) => a.device.localeCompare(b.device) || a.seq - b.seq
	)) {
		const key = `${device}:${e.callId}`;
		let call = calls.get(key);
		if (!call) {
			call = {
				kiosk: device.slice(0, 6),
				callId: e.callId,
				startedAt: e.at,
				channel: null,
				teams: [],
				person: null,
				outcome: null,
				events: 0,
				seq
			};
			calls.set(key, call);
		}
		call.events++;
		// A kiosk's events were checked for shape only: every field shown is read as short text.
		const team = (t: unknown) => {
			const name = text(t);
			if (name && !call.teams.includes(name)) call.teams.push(name);
		};
		switch (e.type) {
			case 'call_started':
				call.channel = text(e.channel);
				call.startedAt = e.at;
				team(e.owner);
				break;
			case 'handoff':
				if (e.person) call.person = 'handed to a person';
				else team(e.to);
				break;
			case 'fallback':
				call.person = FALLBACK[e.choice] ?? call.person;
				break;
			case 'call_ended':
				call.outcome = text(e.outcome);
				break;
		}
	}
	return [...calls.values()]
		.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
		.map(({ seq: _seq, ...call }) => call);
}
