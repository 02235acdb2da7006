import type { Hop, TriggerKind } from '../handoff/context-package';
import type { Flow } from '../flow';

// No ping-pong: a caller bounced between bots is worse off than one put through to a person. The
// policy looks at the hops so far and either lets a handoff stand or redirects it to a human.

export type HopCheck = { allowed: true } | { allowed: false; reason: string };

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
