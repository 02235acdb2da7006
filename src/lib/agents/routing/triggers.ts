import type { TriggerKind } from '../handoff/context-package';
import type { Flow, Persona } from '../flow';
import type { TurnSentiment } from '../understanding/sentiment';

// Every trigger has its own detector with its own code path; the session runs them on every
// caller turn, in priority order, and logs each one that fires. Detectors are pure: they read the
// turn and the call so far, and say whether they fire and why (without quoting the caller).

export type Trigger = { kind: TriggerKind; detail: string; to?: string };

const PERSON = String.raw`(?:real |live |actual |human )?(?:person|human(?: being)?|agent|representative|rep|operator|someone|somebody|anyone|manager|supervisor|associate)`;
const HUMAN_PATTERNS: RegExp[] = [
	new RegExp(
		String.raw`\b(?:speak|talk|chat|connect me|get me through|put me through)\s+(?:to|with)\s+(?:a |an |the |some |your |one of your )?${PERSON}\b`
	),
	new RegExp(
		String.raw`\b(?:get|give|transfer|put|send|connect)\s+me\s+(?:to |through to |with )?(?:a |an |the |your )?${PERSON}\b`
	),
	new RegExp(
		String.raw`\b(?:i|we)\s+(?:want|need|would like|'d like|demand)\s+(?:to speak to |to talk to )?(?:a |an |the |your )?(?:real |live |actual )?(?:person|human|agent|representative|operator|manager|supervisor)\b`
	),
	/\b(?:real|live|actual) (?:person|human|agent)\b/,
	/\b(?:get|have|reach)\s+(?:a |an )?(?:real |live )?(?:human|person|operator|representative)\b(?! (?:review|check|look))/,
	/\bhuman being\b/,
	/\bare you (?:a )?(?:robot|bot|machine)\b.*\b(?:person|human)\b/,
	/\bstop(?: being)? (?:a )?(?:robot|bot)\b/
];
const BARE_REQUEST =
	/^(?:a |an )?(?:human|person|agent|operator|representative|rep|real person|customer service)(?: please)?[.!?]*$/;

/** Caller asks for a person, or names a department. Returns the target persona id. */
export function explicitRequest(text: string, flow: Flow, owner: Persona): Trigger | null {
	const t = text.toLowerCase().replace(/’/g, "'").trim();
	const human = flow.personas.find((p) => p.kind === 'human');
	if (human && (BARE_REQUEST.test(t) || HUMAN_PATTERNS.some((re) => re.test(t)))) {
		return { kind: 'explicit_request', detail: 'Caller asked to speak to a person.', to: human.id };
	}
	for (const [id, words] of departmentWords(flow)) {
		if (id === owner.id) continue;
		const names = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
		const re = new RegExp(
			String.raw`\b(?:(?:transfer|connect|put|send)\s+me\s+(?:to|with|through to)|(?:speak|talk)\s+(?:to|with)|(?:i want|i need|give me|get me))\s+(?:someone in |somebody in |the |your )?(?:${names})(?:\s+(?:department|team|people|desk))?\b|\b(?:${names})\s+(?:department|team)(?:,)?\s+please\b|^(?:${names})(?: please)?[.!?]*$`
		);
		if (re.test(t)) {
			return { kind: 'explicit_request', detail: `Caller asked for the ${words[0]} team.`, to: id };
		}
	}
	return null;
}

/** Each specialist's team with the words a caller may use for it, from the flow. */
function departmentWords(flow: Flow): [string, string[]][] {
	return flow.personas
		.filter((p) => p.kind === 'specialist')
		.map((p) => [p.id, p.aliases?.length ? p.aliases : [p.id.toLowerCase()]]);
}

/** Regulated or high-stakes topics every deployment has, unless its flow declares its own. */
const SENSITIVE: { topic: string; re: RegExp; nextStep: string }[] = [
	{
		topic: 'legal',
		re: /\b(lawyer|attorney|sue|suing|lawsuit|legal action|court|subpoena|small claims)\b/,
		nextStep: 'Handle the legal concern per policy; do not admit liability.'
	},
	{
		topic: 'fraud',
		re: /\b(fraud|fraudulent|identity theft|stolen identity|stole my (?:identity|phone|number)|sim swap|hacked|someone else (is )?using|stolen phone|phone (was|got) stolen)\b/,
		nextStep: 'Secure the account first: check for changes the caller did not make.'
	},
	{
		topic: 'medical',
		re: /\b(medical (device|alert|emergency)|life alert|pacemaker|hospital|911)\b/,
		nextStep: 'Treat as urgent: put the medical need first.'
	},
	{
		topic: 'payment',
		re: /\b(pay(?:ing)? (?:it |this |my bill |the bill )?(?:with|by|using) (?:my |a )?(?:credit |debit )?card|credit card (?:number|details)|card number|bank account number|routing number|take (?:a |my )?payment|make a payment|pay (?:my|the) (?:bill|balance))\b/,
		nextStep:
			'Take the payment over a secure line; no card details were collected by the assistant.'
	}
];

/**
 * Regulated or high-stakes topics: the flow's own (`sensitiveTopics`), else legal, fraud, medical
 * and payments; card details said, and large amounts, always.
 */
export function sensitiveTopic(input: {
	text: string;
	amounts: number[];
	cardGiven: boolean;
	largeAmount: number;
	topics?: readonly { topic: string; cue: string; nextStep: string }[];
}): (Trigger & { nextStep: string }) | null {
	const t = input.text.toLowerCase();
	if (input.cardGiven) {
		return {
			kind: 'sensitive_topic',
			detail: 'payment: the caller gave card details',
			nextStep: 'Take the payment over a secure line; the card number was removed from the record.'
		};
	}
	const topics =
		input.topics && input.topics.length > 0
			? input.topics.map((x) => ({
					topic: x.topic,
					re: new RegExp(x.cue, 'iu'),
					nextStep: x.nextStep
				}))
			: SENSITIVE;
	for (const s of topics) {
		if (s.re.test(t)) return { kind: 'sensitive_topic', detail: s.topic, nextStep: s.nextStep };
	}
	const large = input.amounts.find((a) => a >= input.largeAmount);
	if (large !== undefined) {
		return {
			kind: 'sensitive_topic',
			detail: `large amount: $${large.toFixed(2)}`,
			nextStep: 'Review the large amount with the caller before any change.'
		};
	}
	return null;
}

/** Anger, distress, or the caller repeating themselves. */
export function frustration(
	turn: TurnSentiment,
	call: { score: number; label: string },
	threshold: number
): Trigger | null {
	if (turn.label === 'distressed') {
		return { kind: 'frustration', detail: 'Caller sounds distressed.' };
	}
	if (turn.score <= threshold || (call.score <= threshold && turn.score < 0)) {
		return {
			kind: 'frustration',
			detail: turn.repeated
				? 'Caller is repeating themselves and frustrated.'
				: 'Caller is frustrated.'
		};
	}
	if (turn.repeated && turn.score < 0) {
		return { kind: 'frustration', detail: 'Caller is repeating themselves.' };
	}
	return null;
}

/** Repeated tool failures in this call. */
export function toolFailure(failures: number, threshold: number): Trigger | null {
	if (failures < threshold) return null;
	return { kind: 'tool_failure', detail: `${failures} tool calls failed in this call.` };
}
