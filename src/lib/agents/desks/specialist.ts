import type { CallControls } from './call-controls';
import { latest } from '../call-record';
import type { ContextPackage } from '../handoff/context-package';
import { opening } from '../handoff/handoff';
import { humanOf, type Persona } from '../flow';
import type { RouteDecision } from '../routing/router';
import { CONFIRMS, runSkill, saidNo, saidYes, type SkillContext, type SkillResult } from './skills';
import type { GuardedOutcome, ToolGuard, ToolOrigin } from '../tools/tool-guard';
import { toolFailure, type Trigger } from '../routing/triggers';

// A specialist's side of a call: a turn that clearly belongs to another persona hands off (the
// package carries what was settled); otherwise the persona's skill runs with the tools, and its
// result is said. Also keeps what a skill needs between turns: the PIN given for one check, and
// the skill's own memory.

export class SpecialistDesk {
	readonly #c: CallControls;
	readonly #guard: ToolGuard;
	#pin: string | undefined;
	#memory: Record<string, unknown> = {};

	constructor(controls: CallControls, guard: ToolGuard) {
		this.#c = controls;
		this.#guard = guard;
	}

	/**
	 * A tool a language model asked for while `persona` spoke. It goes through the same guard as
	 * a skill's, which lets a model only read, only with this persona's tools, only the verified
	 * account; a refusal is logged and changes nothing.
	 */
	modelTool(persona: Persona, tool: string, args: Record<string, unknown>): GuardedOutcome {
		return this.#callTool(persona, tool, args, 'model');
	}

	/** A PIN the caller just said; kept for one verification attempt only. */
	givePin(pin: string): void {
		this.#pin = pin;
	}

	/** Runs `intentId`'s skill for `persona` on the caller's last words, and says the result. */
	runSkill(
		persona: Persona,
		intentId: string,
		text: string,
		found: { type: string; value?: string }[],
		prefix = ''
	): Promise<void> {
		return this.afterSkill(
			persona,
			runSkill(intentId, this.#skillContext(persona, text, found)),
			prefix
		);
	}

	/**
	 * A specialist takes a handed-over call: its first words come from the package alone, then,
	 * unless the call was handed back, the skill for the caller's intent runs on their last words.
	 */
	takeOver(
		to: Persona,
		pkg: ContextPackage,
		trigger: Trigger,
		intent: RouteDecision['intent'] | undefined
	): Promise<void> {
		const record = this.#c.record;
		let say = opening(to, pkg, this.#planName());
		const intentId =
			intent && to.intents.some((i) => i.id === intent.id) ? intent.id : to.intents[0]?.id;
		const lastCaller = [...record.transcript].reverse().find((t) => t.role === 'caller');
		if (intentId && trigger.kind !== 'handback') {
			if (intent && intent.id === intentId) record.intent = intent;
			const found = record.entities.filter(
				(e) => e.turn === (lastCaller ? record.transcript.indexOf(lastCaller) : -1)
			);
			return this.runSkill(to, intentId, lastCaller?.text ?? '', found, say + ' ');
		}
		if (trigger.kind === 'handback') say += ' How can I help from here?';
		return this.#c.reply(to, { say, facts: [], package: pkg });
	}

	/** The caller's plan: the verified account's, else the one they named. */
	#planName(): string | undefined {
		const { record, tools } = this.#c;
		const acct = record.verified ? tools.account(record.verified.accountId) : undefined;
		return acct ? tools.plan(acct.planId)?.name : latest(record, 'plan');
	}

	/** One caller turn while a specialist owns the call. */
	async turn(
		owner: Persona,
		text: string,
		route: RouteDecision,
		found: { type: string }[],
		continuing: boolean
	): Promise<void> {
		const t = this.#c.flow.thresholds;
		const human = humanOf(this.#c.flow);
		if (
			!continuing &&
			route.personaId &&
			route.personaId !== owner.id &&
			route.confidence >= t.switch
		) {
			if (route.personaId === human?.id) {
				return this.#c.handoff(route.personaId, {
					kind: 'explicit_request',
					detail: 'Caller asked to speak to a person.'
				});
			}
			if (owner.handoffTo.includes(route.personaId)) {
				return this.#c.handoff(
					route.personaId,
					{
						kind: 'out_of_scope',
						detail: `Topic moved from ${owner.id} to ${route.personaId} (${route.intent?.id ?? 'unknown'}, ${route.confidence.toFixed(2)}).`
					},
					{ intentFor: route }
				);
			}
		}
		let intentId = this.#c.record.intent.id;
		const confirmed = this.#c.awaiting && CONFIRMS[this.#c.awaiting];
		if (confirmed && saidYes(text)) intentId = confirmed;
		else if (
			!continuing &&
			route.personaId === owner.id &&
			route.intent &&
			route.confidence >= 0.5
		) {
			intentId = route.intent.id;
			this.#c.record.intent = route.intent;
		} else if (!continuing && route.personaId === null && route.confidence >= 0.6 && human) {
			this.#c.awaiting = 'human_offer';
			return this.#c.reply(owner, {
				say: "That's outside what I can help with. I can connect you with a person, or help with anything else about your account. Would you like a person?",
				facts: []
			});
		} else if (this.#c.awaiting === 'human_offer' && saidYes(text) && human) {
			return this.#c.handoff(human.id, {
				kind: 'explicit_request',
				detail: 'Caller accepted the offer of a person.'
			});
		}
		if (!owner.intents.some((i) => i.id === intentId)) {
			intentId = owner.intents[0]?.id ?? intentId;
		}
		const result = runSkill(intentId, this.#skillContext(owner, text, found));
		return this.afterSkill(owner, result);
	}

	/** True when the turn answers what the persona asked for, so it is not re-routed. */
	continues(text: string, found: { type: string }[]): boolean {
		switch (this.#c.awaiting) {
			case 'identity':
				return (
					found.some((e) => ['account_id', 'phone', 'zip'].includes(e.type)) ||
					this.#pin !== undefined
				);
			case 'zip':
				return found.some((e) => ['zip', 'account_id', 'phone'].includes(e.type));
			case 'device':
				return found.some((e) => e.type === 'device');
			case 'plan':
				return found.some((e) => e.type === 'plan');
			case 'confirm_plan_change':
			case 'confirm_dispute':
			case 'ticket':
			case 'offer_choice': {
				// "yes", "no thanks, just cancel it", "still not working" answer the question; "my
				// phone has no signal" merely contains a "no" and is a new topic.
				const answer =
					/^\W*(yes|yeah|yep|yup|sure|ok|okay|no|nope|please|go ahead|do it|not now|it's still|still)\b/i.test(
						text
					) || text.split(/\s+/).length <= 4;
				return (
					answer &&
					(saidYes(text) ||
						saidNo(text) ||
						/\b(still|not working|didn't|did not|doesn't)\b/i.test(text))
				);
			}
			default:
				return false;
		}
	}

	#skillContext(
		persona: Persona,
		text: string,
		found: { type: string; value?: string }[]
	): SkillContext {
		const ctx: SkillContext = {
			persona,
			tools: this.#c.tools,
			record: this.#c.record,
			text,
			turnEntities: found as SkillContext['turnEntities'],
			pin: this.#pin,
			awaiting: this.#c.awaiting,
			memory: this.#memory,
			call: <T>(tool: string, args: Record<string, unknown>) =>
				this.#callTool<T>(persona, tool, args, 'skill'),
			settle: (fact: string) => {
				if (!this.#c.record.resolved.includes(fact)) this.#c.record.resolved.push(fact);
			},
			consumePin: () => {
				// A PIN is good for one attempt; it is never kept after it was checked.
				this.#pin = undefined;
				ctx.pin = undefined;
			}
		};
		return ctx;
	}

	#callTool<T>(
		persona: Persona,
		tool: string,
		args: Record<string, unknown>,
		origin: ToolOrigin
	): GuardedOutcome<T> {
		let outcome: GuardedOutcome<T>;
		try {
			outcome = this.#guard.dispatch<T>({ persona, tool, args, origin });
		} catch (e) {
			outcome = {
				ok: false,
				result: `The ${tool} tool failed: ${e instanceof Error ? e.message : String(e)}`
			};
		}
		if (outcome.refused && outcome.refused !== 'locked') {
			// Nothing ran: the refusal is kept in the audit log, not among the call's actions.
			this.#c.log({
				type: 'tool_refused',
				tool,
				reason: outcome.refused,
				origin,
				owner: persona.id
			});
			return outcome;
		}
		const logged = { ...args };
		// The PIN is checked and forgotten; it never reaches the package, the log or the console.
		if ('pin' in logged) {
			delete logged.pin;
			logged.method = 'pin';
		}
		this.#c.record.actions.push({ tool, args: logged, ok: outcome.ok, result: outcome.result });
		if (!outcome.ok) this.#c.record.toolFailures++;
		this.#c.log({ type: 'tool', tool, ok: outcome.ok, owner: persona.id });
		return outcome;
	}

	/** Says a skill's result, and hands off when the skill or failing tools call for it. */
	async afterSkill(owner: Persona, result: SkillResult, prefix = ''): Promise<void> {
		this.#c.awaiting = result.awaiting;
		const human = humanOf(this.#c.flow);
		const failed = toolFailure(this.#c.record.toolFailures, this.#c.flow.thresholds.toolFailures);
		if (failed && human && !this.#memory.toolFailureHandled) {
			this.#memory.toolFailureHandled = true;
			await this.#c.reply(owner, { say: prefix + result.say, facts: result.facts });
			return this.#c.handoff(human.id, failed);
		}
		if (result.trigger && human) {
			await this.#c.reply(owner, { say: prefix + result.say, facts: result.facts });
			return this.#c.handoff(human.id, result.trigger, { nextStep: result.trigger.nextStep });
		}
		return this.#c.reply(owner, { say: prefix + result.say, facts: result.facts });
	}
}
