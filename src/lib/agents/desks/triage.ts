import type { CallControls } from './call-controls';
import { examplesOf, humanOf, personaById, topicsOf, type Persona } from '../flow';
import { isVague } from '../understanding/caller-words';
import type { LlmRouter } from '../routing/llm-router';
import type { RouteDecision, Router } from '../routing/router';
import { notHelped, saidNo, saidYes } from './skills';
import type { Trigger } from '../routing/triggers';
import { identifyingEntities } from './steps';

// Triage's side of a call: route a clear request at once; ask one clarifying question naming the
// top two options when unsure (after giving the LLM, if loaded, one chance to decide); hand an
// unclear caller to a person after repeated low-confidence turns; answer off-topic requests
// honestly with the offer of a person.

/** Below this, a "none of the above" from the classifier is treated as unclear, not off-topic. */
const OUT_OF_SCOPE_SURE = 0.6;
/** A specialist this likely is where an unplaced turn leans, so it is not called off-topic. */
const LEANS_TO_A_TEAM = 0.4;
/**
 * An answer whose own reading puts less than this share of probability on the flow's
 * specialists is about something else, whatever the turn before it leaned to.
 */
const ANSWER_EVIDENCE = 0.2;
/** "Neither", "something else": the caller rejects both options offered. */
const NEITHER =
	/\b(neither|none of (them|those|these|the above)|something else|not (really|quite|exactly) either)\b/;
/** The caller does not know where to turn: directions, not a request for a person. */
const NOT_SURE_WHERE =
	/\b(?:(?:don'?t|do not|didn'?t|did not) know|not sure|no idea|unsure|wondering)\b[^.?!]*\b(?:who|whom|where|which)\b/i;
/** A leading yes or shrug ("ok fine,", "sure"), removed to leave what the caller goes on to ask. */
const LEADING_YES =
	/^\s*(?:(?:ok(?:ay)?|fine|sure|yes|yeah|yep|alright|all right|well|ha|haha|oh|ah|um+|uh+|hmm+)\b[\s,.!;:-]*)+/i;
/** A leading refusal ("no", "no thanks", "nope,"), removed to leave what the caller wants. */
const LEADING_DECLINE =
	/^\s*(?:(?:no thank you|no thanks?|not now|not really|no|nope|nah|thank you|thanks|i'?m (?:fine|good|ok(?:ay)?))\b[\s,.!;:-]*)+/i;
/** Courtesies and puzzlement that name no topic, beyond the hedges `isVague` knows. */
const NO_TOPIC = new Set(
	'thanks thank you hello hi hey sorry what pardon excuse fine good great alright all right cool oh ah oops quick question questions had ask wondering wanted call calling there'.split(
		' '
	)
);

/** The caller says they do not know, rather than mumbling. */
const UNSURE = /\b(not sure|don'?t know|do not know|no idea|unsure|dunno)\b/i;
/** A greeting, perhaps after a hesitation: "uh hi", "hello there", "good morning". */
const GREETING =
	/^\W*(?:(?:uh+|um+|er+|oh|well|yeah|so|ok(?:ay)?)\W+)*(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening))\b/i;

/** The words left once ids, numbers, removed secrets and the words that name them are gone. */
function withoutFacts(text: string): string {
	return (
		text
			.replace(/\[[^\]]*removed\]/gi, ' ')
			.replace(/\b[a-z]{0,4}-?\d[\d-]*\b/gi, ' ')
			// Digits read out one by one ("six one seven five five five…").
			.replace(/\b(zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple)\b/gi, ' ')
			.replace(/\b(account|number|pin|zip|code|phone|my|is|it's|its|and|the)\b/gi, ' ')
	);
}

function withoutDecline(text: string): string {
	return text.replace(LEADING_DECLINE, '').trim();
}

/** Whether an answer names anything at all: a word that is neither a hedge nor a courtesy. */
function topical(text: string): boolean {
	const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
	return words.some((w) => !NO_TOPIC.has(w) && !isVague(w));
}

/** Triage's clarifying question: the personas offered, the words it asked about, their facts. */
type Clarify = { options: string[]; text: string; found: string[] };

export class TriageDesk {
	/** Stage two of triage, when a model is loaded. */
	llmRouter: LlmRouter | undefined;
	readonly #c: CallControls;
	readonly #router: Router;
	#clarify: Clarify | null = null;
	/** What the caller said when triage offered a person instead. */
	#offered: string | null = null;
	#lowConfidenceTurns = 0;

	constructor(controls: CallControls, router: Router, llmRouter?: LlmRouter) {
		this.#c = controls;
		this.#router = router;
		this.llmRouter = llmRouter;
	}

	/** Whether triage is waiting for the answer to its clarifying question. */
	get clarifying(): boolean {
		return this.#clarify !== null;
	}

	/** A handoff happened: the question no longer stands. */
	forgetQuestion(): void {
		this.#clarify = null;
	}

	/** One caller turn while triage owns the call. */
	async turn(
		triage: Persona,
		text: string,
		route: RouteDecision,
		found: readonly { type: string }[] = []
	): Promise<void> {
		const t = this.#c.flow.thresholds;
		const human = humanOf(this.#c.flow);
		if (this.#c.awaiting === 'human_offer') {
			this.#c.awaiting = undefined;
			const offered = this.#offered ?? '';
			this.#offered = null;
			// "Ok fine, how much is the Unlimited plan": the yes is a shrug, and what follows is the
			// request, which goes where it belongs rather than to a person.
			const after = text.replace(LEADING_YES, '').trim();
			const request =
				after !== text.trim() && topical(after) ? this.#readAnswer(after, '', []) : null;
			if (request?.personaId && request.personaId !== human?.id) {
				this.#lowConfidenceTurns = 0;
				return this.#routeTo(request.personaId, request, {
					kind: 'out_of_scope',
					detail: `Triage routed to ${request.personaId} from what followed the caller's yes.`
				});
			}
			if (saidYes(text) && human) {
				return this.#c.handoff(human.id, {
					kind: 'explicit_request',
					detail: 'Caller accepted the offer of a person.'
				});
			}
			// "No, it's about my bill": the no declines the person, and what follows is the request.
			// A "don't" inside a sentence ("a fee I don't understand") declines nothing either.
			const rest = withoutDecline(text);
			const answer = topical(rest) ? this.#readAnswer(rest, offered, []) : null;
			if (answer?.personaId) {
				this.#lowConfidenceTurns = 0;
				return this.#routeTo(answer.personaId, answer, {
					kind: 'out_of_scope',
					detail: `Triage routed to ${answer.personaId} from the caller's answer to the offer of a person.`
				});
			}
			if (saidNo(text) && !notHelped(text)) {
				return this.#c.reply(triage, {
					say: `All right. Is there something about ${topicsOf(this.#c.flow)} I can help with?`,
					facts: []
				});
			}
		}
		if (this.#clarify) {
			const asked = this.#clarify;
			// Account details instead of an answer: the caller wants to get on with what their words
			// pointed to first.
			// Of the two options, the one whose request needs what they gave is the better reading
			// ("phone stopped working, I think my account got suspended", then an account number).
			const top = asked.text !== '' ? (this.#needing(asked, found) ?? asked.options[0]) : undefined;
			if (top && found.length > 0 && !topical(withoutFacts(text))) {
				this.#clarify = null;
				this.#lowConfidenceTurns = 0;
				const picked = this.#readAnswer(asked.text, '', [top], top);
				if (picked)
					return this.#routeTo(top, picked, {
						kind: 'out_of_scope',
						detail: `Triage routed to ${top}: the caller gave their details instead of choosing.`
					});
			}
			const picked = this.#pickClarified(text, asked);
			this.#clarify = null;
			if (picked) {
				this.#lowConfidenceTurns = 0;
				return this.#routeTo(picked.personaId!, picked, {
					kind: 'out_of_scope',
					detail: `Triage routed to ${picked.personaId} after a clarifying question.`
				});
			}
		}
		// Nothing named at all ("uh hi", "not sure"): a greeting is answered with an invitation and
		// counts for nothing; otherwise the caller hears the company's own topics to choose from,
		// not two guesses read into words that hold none.
		if (!topical(withoutDecline(text)) || isVague(text)) {
			const greeting = GREETING.test(text) && this.#lowConfidenceTurns === 0;
			if (!greeting) this.#lowConfidenceTurns++;
			if (this.#lowConfidenceTurns >= t.lowConfidenceTurns && human) {
				return this.#lowConfidence(human.id);
			}
			const specialists = this.#c.flow.personas
				.filter((p) => p.kind === 'specialist')
				.map((p) => p.id);
			this.#clarify = { options: specialists, text: '', found: [] };
			return this.#c.reply(triage, {
				say: greeting
					? `Hi! What can I help you with today? For example, ${examplesOf(this.#c.flow)}.`
					: `${UNSURE.test(text) ? "No problem, let's find the right place." : "Sorry, I didn't quite catch that."} Is it about ${topicsOf(this.#c.flow)}?`,
				facts: []
			});
		}
		// Out of scope only when the classifier is sure; a mumble ("hmm") is unclear, not off-topic.
		// Words that still lean to one of the company's teams ("something is wrong") are unclear,
		// not off-topic: the caller is asked, not told it is something else.
		const vague = text.split(/\s+/).length <= 2;
		const lean = route.alternatives.find((a) => a.personaId !== human?.id)?.p ?? 0;
		if (
			route.personaId === null &&
			route.confidence >= OUT_OF_SCOPE_SURE &&
			!vague &&
			lean < LEANS_TO_A_TEAM
		) {
			this.#c.awaiting = 'human_offer';
			this.#offered = text;
			return this.#c.reply(triage, {
				say: `I'm sorry, that isn't something I can help with here. I can help with ${topicsOf(this.#c.flow)}, or I can connect you with a person. Would you like a person?`,
				facts: []
			});
		}
		// "I don't know who to talk to" is a caller who needs directions, not one asking for a person.
		if (human && route.personaId === human.id && NOT_SURE_WHERE.test(text)) {
			route = { ...route, personaId: null, intent: null, confidence: 0 };
		}
		if (route.personaId === human?.id && route.confidence >= t.route && human) {
			return this.#c.handoff(human.id, {
				kind: 'explicit_request',
				detail: 'Caller asked to speak to a person.'
			});
		}
		if (route.personaId !== null && route.confidence >= t.route) {
			this.#lowConfidenceTurns = 0;
			return this.#routeTo(route.personaId, route, {
				kind: 'out_of_scope',
				detail: `Triage routed to ${route.personaId} (${route.intent?.id ?? 'unknown'}, ${route.confidence.toFixed(2)}).`
			});
		}
		// Unsure: the LLM gets one chance to decide before the caller is asked a question.
		if (this.llmRouter) {
			const turn = this.#c.record.transcript.length - 1;
			const asked = await this.llmRouter.route(text);
			if (!asked.ok) {
				this.#c.log({ type: 'llm_rejected', turn, error: asked.error });
			} else {
				const d = asked.decision;
				this.#c.log({
					type: 'route',
					turn,
					personaId: d.personaId,
					intent: null,
					confidence: d.confidence,
					source: 'llm'
				});
				if (d.personaId && d.confidence >= t.route) {
					this.#lowConfidenceTurns = 0;
					const target = personaById(this.#c.flow, d.personaId);
					if (target.kind === 'human') {
						return this.#c.handoff(target.id, {
							kind: 'explicit_request',
							detail: 'Caller asked for a person (model).'
						});
					}
					const intent = target.intents[0];
					if (intent)
						this.#c.record.intent = {
							id: intent.id,
							label: intent.label,
							confidence: d.confidence
						};
					return this.#c.handoff(target.id, {
						kind: 'out_of_scope',
						detail: `Triage routed to ${target.id} by the model (${d.confidence.toFixed(2)}).`
					});
				}
			}
		}
		this.#lowConfidenceTurns++;
		if (this.#lowConfidenceTurns >= t.lowConfidenceTurns && human) {
			return this.#lowConfidence(human.id);
		}
		const options = route.alternatives
			.filter((a) => a.personaId !== human?.id)
			.slice(0, 2)
			.map((a) => a.personaId);
		this.#clarify = { options, text, found: found.map((f) => f.type) };
		// The option the caller's words point to is named by the intent they point to.
		const [a, b] = options.map((id) =>
			route.intent && route.personaId === id
				? route.intent.label.charAt(0).toLowerCase() + route.intent.label.slice(1)
				: this.#router.topicOf(id)
		);
		const question =
			a && b
				? `Just to be sure I get you to the right place: is this about ${a}, or about ${b}?`
				: `Could you tell me a little more about what you need? For example, ${examplesOf(this.#c.flow)}.`;
		return this.#c.reply(triage, { say: question, facts: [] });
	}

	#lowConfidence(human: string): Promise<void> {
		return this.#c.handoff(human, {
			kind: 'low_confidence',
			detail: `Routing confidence stayed below ${this.#c.flow.thresholds.route} for ${this.#lowConfidenceTurns} turns.`
		});
	}

	/**
	 * The option offered whose requests need most of the facts the caller has given, in the words
	 * asked about and in the answer: an account or phone number for a request that needs the caller
	 * identified, a plan for a plan change, a zip for an outage. None when no single option does.
	 */
	#needing(asked: Clarify, found: readonly { type: string }[]): string | undefined {
		const flow = this.#c.flow;
		const gave = new Set([...asked.found, ...found.map((f) => f.type)]);
		const identifying = identifyingEntities(flow);
		const met = (need: string) =>
			need === 'identity'
				? identifying.some((e) => gave.has(e))
				: gave.has(flow.slots.find((s) => s.id === need)?.entity ?? need);
		const score = (id: string) =>
			Math.max(
				0,
				...(flow.personas.find((p) => p.id === id)?.intents ?? []).map(
					(i) => (i.needs ?? []).filter(met).length
				)
			);
		const scored = asked.options.map((id) => ({ id, n: score(id) })).sort((a, b) => b.n - a.n);
		const [best, next] = scored;
		return best && best.n > 0 && (!next || next.n < best.n) ? best.id : undefined;
	}

	/** The answer to a clarifying question: the option it picks, if it picks one clearly. */
	#pickClarified(text: string, asked: Clarify): RouteDecision | null {
		const opts = asked.options;
		const lower = text.toLowerCase();
		// The company's topics were offered, not two guesses: only the caller's words can pick.
		if (asked.text === '') {
			return topical(text) && !NEITHER.test(lower) ? this.#readAnswer(text, '', opts) : null;
		}
		let ordinal: string | undefined;
		if (/\b(first|former|the first one)\b/.test(lower)) ordinal = opts[0];
		else if (/\b(second|latter|the second one|other one)\b/.test(lower)) ordinal = opts[1];
		if (ordinal) return this.#readAnswer(asked.text, '', [ordinal], ordinal);
		if (!topical(text) || NEITHER.test(lower)) return null;
		const answer = this.#readAnswer(text, asked.text, opts);
		if (answer) return answer;
		if (saidYes(text) && opts[0] && !saidNo(text))
			return this.#readAnswer(asked.text, '', [opts[0]], opts[0]);
		return null;
	}

	/**
	 * Where an answer to triage's question leads: both turns read together (`Router.answer`). A
	 * persona is picked when the pooled reading is clear (the flow's routing threshold), or leans
	 * to one of the options just offered; an answer that puts almost nothing on any specialist
	 * ("what's the weather") picks nothing. `only` forces the persona (an ordinal answer), keeping
	 * the intent the turns point to within it.
	 */
	#readAnswer(
		text: string,
		earlier: string,
		options: readonly string[],
		only?: string
	): RouteDecision | null {
		const t = this.#c.flow.thresholds.route;
		const a = this.#router.answer(text, earlier ? [earlier] : [], only ? [only] : undefined);
		if (only) return a.personaId ? a : null;
		if (!a.personaId || a.evidence < ANSWER_EVIDENCE) return null;
		if (a.confidence >= t) return a;
		if (options.includes(a.personaId) && a.confidence >= t * 0.8) return a;
		return null;
	}

	async #routeTo(personaId: string, route: RouteDecision, trigger: Trigger): Promise<void> {
		if (route.intent && route.personaId === personaId) this.#c.record.intent = route.intent;
		return this.#c.handoff(personaId, trigger, { intentFor: route });
	}
}
