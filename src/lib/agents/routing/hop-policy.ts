import type { Hop, TriggerKind } from '../handoff/context-package';
import { humanOf, type Flow, type Persona } from '../flow';
import type { Trigger } from './triggers';

// No ping-pong: a caller bounced between bots is worse off than one put through to a person. The
// policy looks at the hops so far and either lets a handoff stand or redirects it to a human.

export type HopCheck = { allowed: true } | { allowed: false; reason: string };

/**
 * Where a handoff really goes: to `to`, or to the flow's person when the policy forbids the hop
 * (the trigger then says why). `redirected` holds the reason when it was redirected.
 */
export function hopTarget<T extends Trigger>(input: {
	flow: Flow;
	hops: readonly (Hop & { turn: number })[];
	from: Persona;
	to: Persona;
	trigger: T;
	turn: number;
}): { to: Persona; trigger: T; redirected?: string } {
	const { flow, from, to, trigger } = input;
	const human = humanOf(flow);
	const check = checkHop({
		flow,
		hops: input.hops,
		from: from.id,
		to: to.id,
		trigger: trigger.kind,
		turn: input.turn
	});
	if (check.allowed || !human) return { to, trigger };
	return {
		to: human,
		trigger: { ...trigger, detail: `${trigger.detail} Redirected to a person: ${check.reason}.` },
		redirected: check.reason
	};
}

export function checkHop(input: {
	flow: Flow;
	hops: readonly (Hop & { turn: number })[];
	from: string;
	to: string;
	trigger: TriggerKind;
	turn: number;
}): HopCheck {
	const { flow, hops, from, to, turn } = input;
	const human = flow.personas.find((p) => p.kind === 'human');
	if (to === human?.id) return { allowed: true };
	if (hops.length >= flow.policy.maxHops) {
		return { allowed: false, reason: `hop limit of ${flow.policy.maxHops} reached` };
	}
	const triage = flow.personas.find((p) => p.kind === 'triage')?.id;
	const automated = hops.filter(
		(h) => h.from !== triage && h.to !== human?.id && h.from !== human?.id
	).length;
	const thisIsAutomated = from !== triage && from !== human?.id;
	if (thisIsAutomated && automated + 1 > flow.policy.maxAutomatedHops) {
		return {
			allowed: false,
			reason: `more than ${flow.policy.maxAutomatedHops} automated transfers`
		};
	}
	// A→B→A: the last hop came from `to` into `from`, recently.
	const last = hops[hops.length - 1];
	if (
		last &&
		last.from === to &&
		last.to === from &&
		turn - last.turn < flow.policy.cooldownTurns
	) {
		if (input.trigger !== 'handback') {
			return {
				allowed: false,
				reason: `${from}→${to}→${from} within ${flow.policy.cooldownTurns} turns`
			};
		}
	}
	return { allowed: true };
}
