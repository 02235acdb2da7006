import { OUT_OF_SCOPE, TextClassifier, type TrainOptions } from './classifier';
import { trainingExamples } from './routing-model';
import type { Flow } from '../flow';

// Stage one of triage: a classifier trained from the flow's own examples when the session starts.
// It scores intents; a persona's probability is the sum over its intents, so two close intents of
// the same persona do not make the router unsure of who should take the call.

export type RouteDecision = {
	/** Persona that should own the turn, or null when nothing in the flow fits. */
	personaId: string | null;
	intent: { id: string; label: string; confidence: number } | null;
	/** Persona-level probability of `personaId` (0..1). */
	confidence: number;
	/** Personas, best first, with probabilities. */
	alternatives: { personaId: string; p: number }[];
	source: 'classifier' | 'llm';
};

export class Router {
	readonly #flow: Flow;
	#classifier: TextClassifier | null;
	readonly #train: () => TextClassifier;
	readonly #owner = new Map<string, { personaId: string; label: string }>();

	private constructor(flow: Flow, train: () => TextClassifier, classifier?: TextClassifier) {
		this.#flow = flow;
		this.#train = train;
		this.#classifier = classifier ?? null;
		for (const p of flow.personas) {
			for (const i of p.intents) this.#owner.set(i.id, { personaId: p.id, label: i.label });
			if (p.intents.length === 0 && p.examples.length > 0) {
				this.#owner.set(p.id, { personaId: p.id, label: p.description });
			}
		}
	}

	static train(flow: Flow, options: Partial<TrainOptions> = {}): Router {
		const train = () => TextClassifier.train(trainingExamples(flow), options);
		return new Router(flow, train, train());
	}

	/**
	 * A router that trains the first time it is asked to route, or when `trained` is called. The
	 * caller's page makes one per page: training takes a few hundred milliseconds of main thread,
	 * which must not come between the Call button and the greeting, and a page view needs none.
	 */
	static deferred(flow: Flow, options: Partial<TrainOptions> = {}): Router {
		return new Router(flow, () => TextClassifier.train(trainingExamples(flow), options));
	}

	/** A router over a classifier trained elsewhere: in a worker, at build time, on an earlier visit. */
	static fromClassifier(flow: Flow, classifier: TextClassifier): Router {
		return new Router(flow, () => classifier, classifier);
	}

	/**
	 * Hands a deferred router the classifier trained elsewhere (see `routing-model.ts`), unless it
	 * has one already. Returns whether it was taken.
	 */
	provide(classifier: TextClassifier): boolean {
		if (this.#classifier) return false;
		this.#classifier = classifier;
		return true;
	}

	/** Whether the classifier has been trained yet. */
	get isTrained(): boolean {
		return this.#classifier !== null;
	}

	/** Trains now, if it has not been; returns the router. */
	trained(): Router {
		this.#classifier ??= this.#train();
		return this;
	}

	get classifier(): TextClassifier {
		return (this.#classifier ??= this.#train());
	}

	route(text: string): RouteDecision {
		const scores = this.classifier.scores(text);
		const p = scores.probabilities;
		const labels = this.classifier.labels;
		const byPersona = new Map<string, number>();
		let oos = 0;
		let best: { id: string; p: number } | null = null;
		for (let c = 0; c < labels.length; c++) {
			const label = labels[c]!;
			if (label === OUT_OF_SCOPE) {
				oos = p[c]!;
				continue;
			}
			const owner = this.#owner.get(label);
			if (!owner) continue;
			byPersona.set(owner.personaId, (byPersona.get(owner.personaId) ?? 0) + p[c]!);
			if (!best || p[c]! > best.p) best = { id: label, p: p[c]! };
		}
		const alternatives = [...byPersona]
			.map(([personaId, q]) => ({ personaId, p: q }))
			.sort((a, b) => b.p - a.p);
		const top = alternatives[0];
		if (!top || !best || oos > top.p) {
			return { personaId: null, intent: null, confidence: oos, alternatives, source: 'classifier' };
		}
		if (scores.inScope < this.classifier.threshold) {
			return {
				personaId: null,
				intent: null,
				confidence: round(this.classifier.outOfScopeConfidence(scores)),
				alternatives: alternatives.map((a) => ({ ...a, p: round(a.p) })),
				source: 'classifier'
			};
		}
		// The intent reported is the best intent of the winning persona.
		let intentId = best.id;
		if (this.#owner.get(best.id)?.personaId !== top.personaId) {
			let bestP = -1;
			for (let c = 0; c < labels.length; c++) {
				const o = this.#owner.get(labels[c]!);
				if (o?.personaId === top.personaId && p[c]! > bestP) {
					bestP = p[c]!;
					intentId = labels[c]!;
				}
			}
		}
		const owner = this.#owner.get(intentId)!;
		return {
			personaId: top.personaId,
			intent: { id: intentId, label: owner.label, confidence: round(top.p) },
			confidence: round(top.p),
			alternatives: alternatives.map((a) => ({ ...a, p: round(a.p) })),
			source: 'classifier'
		};
	}

	/**
	 * Reads the caller's answer to a question triage asked (a clarifying question, or the offer of a
	 * person), together with what they said before it. A caller who answers is taken to be talking
	 * about one of the flow's specialists, so the out-of-scope gate that judges an opening turn does
	 * not apply: short answers ("the amount, it's more than usual") have few close neighbours and
	 * would fail it. Instead each turn's probability per specialist (summed over its intents) is
	 * pooled, naive-Bayes style: the answer's times the earlier turn's, over the specialist's prior
	 * share of the examples. `among` limits the specialists considered. `evidence` is the share of
	 * the answer's own probability that falls on the flow's specialists: near 0, the answer is
	 * about something else.
	 */
	answer(
		text: string,
		earlier: readonly string[] = [],
		among?: readonly string[]
	): RouteDecision & { evidence: number } {
		const clf = this.classifier;
		const labels = clf.labels;
		const personaOf = labels.map((label) => {
			const owner = this.#owner.get(label);
			const persona = owner && this.#flow.personas.find((p) => p.id === owner.personaId);
			return persona?.kind === 'specialist' ? persona.id : null;
		});
		const ids = [...new Set(personaOf.filter((id): id is string => id !== null))].filter(
			(id) => !among || among.includes(id)
		);
		const answerP = clf.probabilities(text);
		const before = earlier.filter((t) => t.trim() !== '').map((t) => clf.probabilities(t));
		const massOf = (p: ArrayLike<number>, id: string) => {
			let m = 0;
			for (let c = 0; c < labels.length; c++) if (personaOf[c] === id) m += p[c]!;
			return m;
		};
		let evidence = 0;
		for (let c = 0; c < labels.length; c++) if (personaOf[c] !== null) evidence += answerP[c]!;
		const score = ids.map((id) => {
			let s = Math.log(massOf(answerP, id) + 1e-12);
			for (const p of before)
				s += Math.log(massOf(p, id) + 1e-12) - Math.log(massOf(clf.priors, id) + 1e-9);
			return s;
		});
		const max = Math.max(...score);
		const sum = score.reduce((a, s) => a + Math.exp(s - max), 0);
		const alternatives = ids
			.map((personaId, k) => ({ personaId, p: round(Math.exp(score[k]! - max) / sum) }))
			.sort((a, b) => b.p - a.p);
		const top = alternatives[0];
		if (!top) {
			return {
				personaId: null,
				intent: null,
				confidence: 0,
				alternatives,
				source: 'classifier',
				evidence: 0
			};
		}
		// The intent: the persona's intent the turns point to most, the answer first.
		let bestIntent = -1;
		let bestP = -1;
		for (let c = 0; c < labels.length; c++) {
			if (personaOf[c] !== top.personaId) continue;
			const q = answerP[c]! + before.reduce((a, p) => a + p[c]!, 0);
			if (q > bestP) {
				bestP = q;
				bestIntent = c;
			}
		}
		const intentId = labels[bestIntent]!;
		return {
			personaId: top.personaId,
			intent: { id: intentId, label: this.#owner.get(intentId)!.label, confidence: top.p },
			confidence: top.p,
			alternatives,
			source: 'classifier',
			evidence: round(evidence)
		};
	}

	/** Plain words for a persona, for clarifying questions ("a charge on your bill"). */
	topicOf(personaId: string): string {
		const p = this.#flow.personas.find((x) => x.id === personaId);
		const first = p?.intents[0]?.label ?? p?.description ?? personaId;
		return first.charAt(0).toLowerCase() + first.slice(1);
	}
}

function round(x: number): number {
	return Math.round(x * 1000) / 1000;
}
