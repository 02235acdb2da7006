import { latest } from '../call-record';
import type { CallControls } from './call-controls';
import type { ContextPackage, TranscriptEntry } from '../handoff/context-package';
import type { CallState, FallbackChoice, HumanTiming, Outcome, SessionEventBody } from '../events';
import { humanOf, type Persona } from '../flow';
import type { CallbackDetails, HumanLink } from '../human-link';
import { CHOICE_AI, CHOICE_CALLBACK, CHOICE_QUEUE } from '../understanding/caller-words';

// The human line of a call, beside the triage and specialist desks: a person accepts, declines or
// asks for a callback; the caller chooses queue, callback or the AI when no one can take the call;
// the line drops; the operator hands back. The caller is never left on a dead line.

/** What the human line may do to the call it belongs to, beyond what every desk may. */
export interface LineControls extends CallControls {
	readonly state: CallState;
	readonly owner: Persona;
	/** The AI persona that last owned the call: where the caller goes back to. */
	readonly lastAi: Persona;
	readonly packages: readonly ContextPackage[];
	outcome: Outcome | null;
	setState(state: CallState): void;
	push(entry: TranscriptEntry): void;
	emit(event: SessionEventBody): void;
	takeOwnership(persona: Persona): void;
	end(outcome?: Outcome): void;
	at(): string;
}

export class HumanDesk implements HumanLink {
	readonly #c: LineControls;
	#awaitingChoice = false;
	/** The team could not be reached at all: no queue, and a callback waits for the network. */
	#unreachable = false;

	constructor(controls: LineControls) {
		this.#c = controls;
	}

	/** Whether the caller is being asked to choose queue, callback or the AI. */
	get awaitingChoice(): boolean {
		return this.#awaitingChoice;
	}

	get waiting(): ContextPackage | undefined {
		const last = this.#c.packages[this.#c.packages.length - 1];
		const waiting =
			this.#c.state === 'on_hold' && !this.#awaitingChoice && this.#c.owner.kind !== 'human';
		return waiting && last?.to.kind === 'human' ? last : undefined;
	}

	get lastHandoff(): ContextPackage | undefined {
		const last = this.#c.packages[this.#c.packages.length - 1];
		return last?.to.kind === 'human' ? last : undefined;
	}

	callback(): CallbackDetails {
		const { record, packages } = this.#c;
		const pkg = packages[packages.length - 1];
		const name = pkg?.caller.name ?? record.verified?.name;
		const phone = pkg?.caller.phone ?? record.verified?.phone;
		return {
			callId: record.callId,
			...(name ? { name } : {}),
			...(phone ? { phone } : {}),
			summary: pkg?.summary ?? 'The caller asked for a callback.'
		};
	}

	accepted(operatorName?: string): void {
		const human = humanOf(this.#c.flow);
		if (!human || this.#c.state === 'ended') return;
		this.#awaitingChoice = false;
		// A caller who waited in the queue and got through is now with a person.
		if (this.#c.outcome === 'queued') this.#c.outcome = null;
		this.#c.takeOwnership(human);
		this.#c.push({
			role: 'system',
			text: `You're now connected with ${operatorName ?? 'a person'}.`,
			at: this.#c.at()
		});
		this.#c.setState('with_human');
	}

	async declined(reason: string, options: { unreachable?: boolean } = {}): Promise<void> {
		if (this.#c.state === 'ended') return;
		const ai = this.#c.lastAi;
		this.#awaitingChoice = true;
		this.#unreachable = options.unreachable === true;
		this.#c.setState('on_hold');
		// The flow's fallbacks; with no way to reach the team there is no queue to wait in.
		const offered = this.#c.flow.human.fallbacks.filter(
			(o) => !(this.#unreachable && o === 'queue')
		);
		const choicesOffered: FallbackChoice[] = offered.length > 0 ? offered : ['ai'];
		this.#c.emit({ type: 'fallback_offer', options: choicesOffered });
		const ways: Record<FallbackChoice, string> = {
			queue: 'wait in the queue',
			callback: this.#unreachable
				? "ask for a callback, which we'll pass on as soon as we can reach them"
				: 'ask for a callback',
			ai: 'keep going with me'
		};
		const words = choicesOffered.map((o) => ways[o]);
		const choices =
			words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')}, or ${words.at(-1)}`;
		await this.#c.reply(
			ai,
			{
				say: `${reason} You can ${choices}. Everything you've told us is saved.`,
				facts: []
			},
			{ keepState: true }
		);
		// Done speaking: the caller is on hold until they choose.
		this.#c.setState('on_hold');
	}

	async callbackAsked(): Promise<void> {
		return this.choose('callback');
	}

	/** The caller's words while they are asked to choose. */
	async fromText(text: string): Promise<void> {
		if (CHOICE_CALLBACK.test(text)) return this.choose('callback');
		if (CHOICE_QUEUE.test(text) && !this.#unreachable) return this.choose('queue');
		if (CHOICE_AI.test(text)) return this.choose('ai');
		await this.#c.reply(
			this.#c.lastAi,
			{
				say: this.#unreachable
					? "We can't reach our team from here right now, so there is no queue to wait in. Would you like a callback, or to keep going with me?"
					: 'Would you like to wait in the queue, get a callback, or keep going with me?',
				facts: []
			},
			{ keepState: true }
		);
		this.#c.setState('on_hold');
	}

	/** The caller's choice after a human handoff could not complete. */
	async choose(choice: FallbackChoice, detail: { position?: number } = {}): Promise<void> {
		// No queue is offered while the team cannot be reached at all.
		if (!this.#awaitingChoice || (choice === 'queue' && this.#unreachable)) return;
		this.#awaitingChoice = false;
		this.#c.log({ type: 'fallback', choice });
		const ai = this.#c.lastAi;
		if (choice === 'queue') {
			this.#c.outcome = 'queued';
			const where = detail.position
				? `You're number ${detail.position} in the queue.`
				: "You're in the queue.";
			this.#c.push({
				role: 'agent',
				personaId: ai.id,
				text: `${where} Stay on the line; the next person free will have your details.`,
				at: this.#c.at()
			});
			this.#c.setState('queued');
			return;
		}
		if (choice === 'callback') {
			const phone = this.#c.record.verified?.phone ?? latest(this.#c.record, 'phone');
			const to = phone ? ` at ${phone}` : '';
			this.#c.push({
				role: 'agent',
				personaId: ai.id,
				text: this.#unreachable
					? `Your callback request is kept on this device and goes to our team as soon as we can reach them. We'll call you back${to}, with everything from this call. Goodbye for now.`
					: `We'll call you back${to} as soon as someone is free, with everything from this call. Goodbye for now.`,
				at: this.#c.at()
			});
			return this.#c.end('callback');
		}
		this.#c.takeOwnership(ai);
		return this.#c.reply(ai, { say: "I'm still here. What would you like to do next?", facts: [] });
	}

	async lost(): Promise<void> {
		if (this.#c.state === 'ended' || this.#c.owner.kind !== 'human') return;
		const ai = this.#c.lastAi;
		this.#c.takeOwnership(ai);
		this.#c.push({ role: 'system', text: 'The line to the specialist dropped.', at: this.#c.at() });
		return this.#c.reply(ai, {
			say: "I'm back with you, and I still have everything from this call. I can try a person again, arrange a callback, or keep helping here.",
			facts: []
		});
	}

	/** Notes go in the record (and so the package) only; the caller hears only `callerLine`. */
	async handBack(input: { to: string; notes: string[]; callerLine?: string }): Promise<void> {
		if (this.#c.owner.kind !== 'human') return;
		this.#c.record.notes.push(...input.notes.map((n) => n.trim()).filter(Boolean));
		const line = asSentence(input.callerLine ?? '');
		return this.#c.handoff(
			input.to,
			{ kind: 'handback', detail: 'Operator handed the call back.' },
			line ? { callerLine: line } : {}
		);
	}

	said(text: string): void {
		const t = text.trim();
		if (!t || this.#c.owner.kind !== 'human' || this.#c.state !== 'with_human') return;
		this.#c.push({ role: 'human', personaId: this.#c.owner.id, text: t, at: this.#c.at() });
	}

	hungUp(): void {
		this.#c.end('human');
	}

	timing(t: HumanTiming): void {
		this.#c.log({ type: 'human_timing', ...t });
	}
}

/** The operator's line as one spoken sentence: trimmed, one space between words, a full stop. */
export function asSentence(text: string): string {
	const t = text.replace(/\s+/g, ' ').trim();
	if (!t) return '';
	return /[.!?]$/.test(t) ? t : `${t}.`;
}
