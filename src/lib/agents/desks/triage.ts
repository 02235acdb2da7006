import type { CallControls } from './call-controls';
import { humanOf, personaById, type Persona } from '../flow';
import { isVague } from '../understanding/caller-words';
import type { LlmRouter } from '../routing/llm-router';
import type { RouteDecision, Router } from '../routing/router';
import { saidNo, saidYes } from './skills';
import type { Trigger } from '../routing/triggers';

// Triage's side of a call: route a clear request at once; ask one clarifying question naming the
// top two options when unsure (after giving the LLM, if loaded, one chance to decide); hand an
// unclear caller to a person after repeated low-confidence turns; answer off-topic requests
// honestly with the offer of a person.

/** Below this, a "none of the above" from the classifier is treated as unclear, not off-topic. */
const OUT_OF_SCOPE_SURE = 0.6;

export class TriageDesk {
	/** Stage two of triage, when a model is loaded. */
	llmRouter: LlmRouter | undefined;
	readonly #c: CallControls;
	readonly #router: Router;
	#clarify: { options: string[]; text: string } | null = null;
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
	async turn(triage: Persona, text: string, route: RouteDecision): Promise<void> {
		const t = this.#c.flow.thresholds;
		const human = humanOf(this.#c.flow);
		if (this.#c.awaiting === 'human_offer') {
			this.#c.awaiting = undefined;
			if (saidYes(text) && human) {
				return this.#c.handoff(human.id, {
					kind: 'explicit_request',
					detail: 'Caller accepted the offer of a person.'
				});
			}
			if (saidNo(text)) {
				return this.#c.reply(triage, {
					say: 'All right. Is there something about your bill, your service, your plan, or your account I can help with?',
					facts: []
				});
			}
		}
		if (this.#clarify) {
			const asked = this.#clarify;
			const picked = this.#pickClarified(text, route);
			this.#clarify = null;
			if (picked) {
				// The intent comes from the answer if it names the option, else from both turns together.
				const intentRoute =
					route.personaId === picked ? route : this.#router.route(`${asked.text} ${text}`);
				this.#lowConfidenceTurns = 0;
				return this.#routeTo(picked, intentRoute, {
					kind: 'out_of_scope',
					detail: `Triage routed to ${picked} after a clarifying question.`
				});
			}
		}
		// Out of scope only when the classifier is sure; a mumble ("hmm") is unclear, not off-topic.
		const vague = text.split(/\s+/).length <= 2;
		if (route.personaId === null && route.confidence >= OUT_OF_SCOPE_SURE && !vague) {
			this.#c.awaiting = 'human_offer';
			return this.#c.reply(triage, {
				say: "I'm sorry, that isn't something I can help with here. I can help with your bill, your service, your plan, or your account, or I can connect you with a person. Would you like a person?",
				facts: []
			});
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
			return this.#c.handoff(human.id, {
				kind: 'low_confidence',
				detail: `Routing confidence stayed below ${t.route} for ${this.#lowConfidenceTurns} turns.`
			});
		}
		const options = route.alternatives
			.filter((a) => a.personaId !== human?.id)
			.slice(0, 2)
			.map((a) => a.personaId);
		this.#clarify = { options, text };
		const [a, b] = options.map((id) => this.#router.topicOf(id));
		const question =
			a && b
				? `Just to be sure I get you to the right place: is this about ${a}, or about ${b}?`
				: 'Could you tell me a little more about what you need? For example, a charge on your bill, a problem with your service, or changing your plan.';
		return this.#c.reply(triage, { say: question, facts: [] });
	}

	#pickClarified(text: string, route: RouteDecision): string | null {
		const opts = this.#clarify?.options ?? [];
		const lower = text.toLowerCase();
		if (/\b(first|former|the first one)\b/.test(lower) && opts[0]) return opts[0];
		if (/\b(second|latter|the second one|other one)\b/.test(lower) && opts[1]) return opts[1];
		if (isVague(text)) return null;
		const t = this.#c.flow.thresholds.route;
		// The answer alone: clear enough on its own, or leaning to one of the two options offered.
		if (route.personaId && route.confidence >= t) return route.personaId;
		if (route.personaId && opts.includes(route.personaId) && route.confidence >= t * 0.8)
			return route.personaId;
		// Read together with the first utterance, the answer must land on one of the options.
		const combined = this.#router.route(`${this.#clarify?.text ?? ''} ${text}`);
		if (combined.personaId && opts.includes(combined.personaId) && combined.confidence >= t) {
			return combined.personaId;
		}
		if (saidYes(text) && opts[0] && !saidNo(text)) return opts[0];
		return null;
	}

	async #routeTo(personaId: string, route: RouteDecision, trigger: Trigger): Promise<void> {
		if (route.intent && route.personaId === personaId) this.#c.record.intent = route.intent;
		return this.#c.handoff(personaId, trigger, { intentFor: route });
	}
}
