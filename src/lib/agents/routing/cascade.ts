import type { HandoffOptions } from '../desks/call-controls';
import type { Sentiment } from '../handoff/context-package';
import { notHelped, saidNo, saidYes } from '../desks/skills';
import { humanOf, type Flow, type Persona } from '../flow';
import { askedAgainAbout, asksToRepeat, closes, leaving } from '../understanding/caller-words';
import type { Intake } from '../understanding/intake';
import type { RouteDecision } from './router';
import { explicitRequest, frustration, sensitiveTopic, type Trigger } from './triggers';

// What a caller's turn leads to, decided before any desk speaks: the triggers, highest priority
// first (a person or a team asked for by name, a sensitive topic, frustration), then the end of
// the call, then the desk that owns the call. Pure: it reads the turn and the call, and says.

export type NextStep =
	| { type: 'handoff'; to: string; trigger: Trigger; options?: HandoffOptions }
	/** The caller is done: say goodbye with a recap. */
	| { type: 'goodbye' }
	/** "Anything else?" answered with a bare yes. */
	| { type: 'anything_else' }
	/** "Sorry, what did you say?": the last reply, again; "what's the ticket number again?": what
	 * was said about it. */
	| { type: 'repeat'; about?: string }
	/** No trigger: the desk that owns the call takes the turn; `leaving`: then the call ends. */
	| { type: 'desk'; leaving?: true };

export function nextStep(input: {
	flow: Flow;
	owner: Persona;
	turn: Pick<Intake, 'text' | 'found' | 'cardGiven' | 'sentiment'>;
	route: RouteDecision;
	/** The call's sentiment so far, this turn included. */
	callSentiment: Sentiment;
	/** The persona that owns the call asked the caller for something. */
	awaiting: boolean;
	/** Triage asked a clarifying question. */
	clarifying: boolean;
}): NextStep {
	const { flow, owner, route } = input;
	const { text, found } = input.turn;
	const t = flow.thresholds;
	const human = humanOf(flow);
	// "Can I speak to someone about a charge? Actually forget it, bye." is a goodbye.
	if (/\b(forget it|never ?mind|don'?t worry about it)\b/i.test(text) && leaving(text, false)) {
		return { type: 'goodbye' };
	}
	const explicit = explicitRequest(text, flow, owner);
	if (explicit)
		return { type: 'handoff', to: explicit.to!, trigger: explicit, options: { intentFor: route } };
	const amounts = found.filter((e) => e.type === 'amount').map((e) => Number(e.value));
	const sensitive = sensitiveTopic({
		text,
		amounts,
		cardGiven: input.turn.cardGiven,
		largeAmount: t.largeAmount,
		topics: input.flow.sensitiveTopics
	});
	if (sensitive && human)
		return {
			type: 'handoff',
			to: human.id,
			trigger: sensitive,
			options: { nextStep: sensitive.nextStep }
		};
	const upset = frustration(input.turn.sentiment, input.callSentiment, t.frustration);
	if (upset && human) return { type: 'handoff', to: human.id, trigger: upset };

	// "Sorry, how long did you say?" asks for the last reply again, whatever the classifier reads.
	if (asksToRepeat(text)) return { type: 'repeat' };
	const about = askedAgainAbout(text);
	if (about) return { type: 'repeat', about };
	// A closing holds no topic, whatever the classifier makes of "no that's all, thanks"; at triage,
	// which has asked nothing yet, only a farewell ends the call.
	if (found.length === 0 && closes(text, input.awaiting || owner.kind === 'triage')) {
		return { type: 'goodbye' };
	}
	// "oh right, I forgot about that. ok that's all" closes; "yes that fixed it, thanks bye" is an
	// answer first, then a goodbye.
	const ends = leaving(text, input.awaiting || found.length > 0);
	if (ends === 'close' && owner.kind !== 'triage') return { type: 'goodbye' };
	if (ends === 'after') return { type: 'desk', leaving: true };
	// "Anything else?" answered with a bare yes or no.
	const short = text.split(/\s+/).length <= 3 && found.length === 0;
	if (short && !input.awaiting && !input.clarifying && owner.kind !== 'triage') {
		// "Still not working" is news, not a no to "anything else?".
		if (saidNo(text) && !notHelped(text)) return { type: 'goodbye' };
		if (saidYes(text)) return { type: 'anything_else' };
	}
	return { type: 'desk' };
}
