import type { AuditBody, AuditEvent } from './audit';
import { latest, newCallRecord, type CallRecord } from './call-record';
import type { ContextPackage, TranscriptEntry } from './context-package';
import type { Dataset } from './dataset';
import { extractEntities } from './entities';
import { personaById, triageOf, humanOf, type Flow, type Persona } from './flow';
import { buildContextPackage, lowerFirst, narration, opening } from './handoff';
import { checkHop } from './hop-policy';
import { uuid } from './ids';
import { redact } from './redact';
import { rulesResponder, type Responder } from './responder';
import type { LlmRouter } from './llm-router';
import { Router, type RouteDecision } from './router';
import { blend, scoreTurn } from './sentiment';
import {
	runSkill,
	saidNo,
	saidYes,
	type Awaiting,
	type SkillContext,
	type SkillResult
} from './skills';
import { Tools, type ToolName, type ToolOutcome } from './tools';
import {
	explicitRequest,
	frustration,
	sensitiveTopic,
	toolFailure,
	type Trigger
} from './triggers';

// The session is the conversation core: it takes caller turns as text and emits events. It has no
// DOM, no workers and no network, so the page, the simulator and the benchmarks all drive this same
// code. Only one persona owns the call at any moment; a handoff moves ownership, never shares it.

export type CallState =
	| 'idle'
	| 'listening'
	| 'thinking'
	| 'speaking'
	| 'handing_off'
	| 'on_hold'
	| 'with_human'
	| 'queued'
	| 'ended';

export type Outcome = 'resolved' | 'human' | 'queued' | 'callback' | 'abandoned';

/**
 * How a human handoff completes. `available`/`unavailable` settle it at once (the simulator);
 * `external` waits for a human link (the operator console) to call `humanAccepted` or
 * `humanDeclined`.
 */
export type HumanAvailability = 'available' | 'unavailable' | 'external';

export type FallbackChoice = 'queue' | 'callback' | 'ai';

export type SessionEvent =
	| { type: 'state'; state: CallState }
	/** `streamed`: the words already went out as `agent_chunk` events while being generated. */
	| { type: 'transcript'; entry: TranscriptEntry; streamed?: boolean }
	/** Part of an agent's reply as it is generated, for speech to start before the reply ends. */
	| { type: 'agent_chunk'; personaId: string; text: string }
	| { type: 'owner'; personaId: string }
	| { type: 'handoff'; package: ContextPackage; narration: string }
	| { type: 'fallback_offer'; options: FallbackChoice[] }
	| { type: 'audit'; event: AuditEvent }
	| { type: 'ended'; outcome: Outcome };

export type SessionOptions = {
	flow: Flow;
	dataset: Dataset;
	/** A router trained for this flow; train once with `Router.train(flow)` and share it. */
	router: Router;
	channel?: 'voice' | 'text';
	human?: HumanAvailability;
	responder?: Responder;
	/** Stage two of triage, when a model is loaded: asked only when the classifier is unsure. */
	llmRouter?: LlmRouter;
	now?: () => Date;
	callId?: string;
};

/** Below this, a "none of the above" from the classifier is treated as unclear, not off-topic. */
const OUT_OF_SCOPE_SURE = 0.6;

const GOODBYE =
	/\b(bye|goodbye|that's all|that is all|that's it|nothing else|no,? thanks?|i'm done|hang up)\b/i;
const CHOICE_QUEUE = /\b(queue|wait|hold|stay on the line)\b/i;
const CHOICE_CALLBACK = /\b(call ?back|call me|ring me)\b/i;
const CHOICE_AI = /\b(back|assistant|ai|bot|keep going|continue|you)\b/i;

const FILLER = new Set(
	"hmm hm um umm uh er erm well not sure i i'm im don't dont know no idea maybe perhaps whatever guess something stuff thing things help like just really so okay ok yeah yes a the an have got question it is that this me my please can you could about".split(
		' '
	)
);

/** True when an utterance is only hedges and filler, with no topic word in it. */
export function isVague(text: string): boolean {
	const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
	return words.every((w) => FILLER.has(w));
}

export class Session {
	readonly flow: Flow;
	readonly tools: Tools;
	readonly record: CallRecord;
	readonly packages: ContextPackage[] = [];
	readonly audit: AuditEvent[] = [];
	/** The personas that owned the call, in order. */
	readonly owners: string[] = [];

	#router: Router;
	#llmRouter: LlmRouter | undefined;
	#responder: Responder;
	/** Aborts the reply being generated, for barge-in. */
	#replying: AbortController | null = null;
	#human: HumanAvailability;
	#now: () => Date;
	#state: CallState = 'idle';
	#outcome: Outcome | null = null;
	#listeners = new Set<(e: SessionEvent) => void>();
	#awaiting: Awaiting | undefined;
	#pin: string | undefined;
	#memory: Record<string, unknown> = {};
	#clarify: { options: string[]; text: string } | null = null;
	#lowConfidenceTurns = 0;
	#awaitingFallback = false;
	#lastAi: string;

	constructor(options: SessionOptions) {
		this.flow = options.flow;
		this.tools = new Tools(options.dataset);
		this.#router = options.router;
		this.#llmRouter = options.llmRouter;
		this.#responder = options.responder ?? rulesResponder;
		this.#human = options.human ?? 'external';
		this.#now = options.now ?? (() => new Date());
		const triage = triageOf(this.flow);
		this.#lastAi = triage.id;
		this.record = newCallRecord({
			callId: options.callId ?? uuid(),
			channel: options.channel ?? 'text',
			language: this.flow.language,
			owner: triage.id,
			at: this.#now().toISOString()
		});
	}

	get state(): CallState {
		return this.#state;
	}

	get owner(): Persona {
		return personaById(this.flow, this.record.owner);
	}

	get outcome(): Outcome | null {
		return this.#outcome;
	}

	get awaiting(): Awaiting | undefined {
		return this.#awaiting;
	}

	get awaitingFallback(): boolean {
		return this.#awaitingFallback;
	}

	/** The package of a human handoff still waiting for a person to be found, if any. */
	get pendingHumanHandoff(): ContextPackage | undefined {
		const last = this.packages[this.packages.length - 1];
		const waiting =
			this.#state === 'on_hold' && !this.#awaitingFallback && this.owner.kind !== 'human';
		return waiting && last?.to.kind === 'human' ? last : undefined;
	}

	/** Plugs in (or removes) the LLM second stage, e.g. once a model has loaded. */
	set llmRouter(r: LlmRouter | undefined) {
		this.#llmRouter = r;
	}

	/** Swaps the responder (e.g. when an LLM finishes loading); takes effect on the next reply. */
	set responder(r: Responder) {
		this.#responder = r;
	}

	on(listener: (e: SessionEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Starts the call: triage greets the caller. */
	async start(): Promise<void> {
		if (this.#state !== 'idle') return;
		const triage = this.owner;
		this.owners.push(triage.id);
		this.#log({ type: 'call_started', channel: this.record.channel, owner: triage.id });
		this.#emit({ type: 'owner', personaId: triage.id });
		await this.#reply(triage, { say: this.#fill(triage.greeting), facts: [] });
	}

	/** One caller turn, as text (typed, or from speech-to-text). */
	async say(raw: string): Promise<void> {
		if (this.#state === 'idle') await this.start();
		if (this.#state === 'ended') return;
		const text0 = raw.trim();
		if (!text0) return;

		const turn = this.record.transcript.length;
		const extraction = extractEntities(text0, this.tools.dataset);
		const red = redact(text0);
		const text = red.text;
		if (extraction.pin) this.#pin = extraction.pin;
		const earlier = this.record.transcript.filter((t) => t.role === 'caller').map((t) => t.text);
		this.#push({ role: 'caller', text, at: this.#at() });
		const found = [...extraction.entities];
		for (const last4 of red.cardLast4) {
			if (!found.some((e) => e.type === 'card_last4' && e.value === last4))
				found.push({ type: 'card_last4', value: last4 });
		}
		for (const e of found) {
			if (this.record.entities.some((x) => x.type === e.type && x.value === e.value)) {
				this.#log({ type: 'repeat', entity: e.type, turn });
			} else {
				this.record.entities.push({ ...e, turn });
			}
		}
		const redactions = Object.values(red.removed).reduce((s, n) => s + (n ?? 0), 0);
		this.#log({ type: 'caller_turn', turn, entities: found.map((e) => e.type), redactions });
		// A turn that answers the persona's question ("AC-10021, PIN 4821") neither changes the intent
		// nor counts as the caller repeating themselves when asked to say it again.
		const continuing = this.#continues(text, found);
		const turnSentiment = scoreTurn(text, continuing ? [] : earlier);
		this.record.sentiment = blend(this.record.sentiment, turnSentiment);

		if (this.#state === 'with_human' || this.#state === 'handing_off') return;
		if (this.#awaitingFallback) return this.#fallbackFromText(text);
		if (this.#state === 'on_hold' || this.#state === 'queued') return;

		this.#setState('thinking');
		const owner = this.owner;
		// Hedges and filler ("hmm, not sure") carry no topic, whatever the classifier makes of them.
		const route: RouteDecision = isVague(text)
			? {
					personaId: null,
					intent: null,
					confidence: 0,
					alternatives: this.#router.route(text).alternatives,
					source: 'classifier'
				}
			: this.#router.route(text);
		this.#log({
			type: 'route',
			turn,
			personaId: route.personaId,
			intent: route.intent?.id ?? null,
			confidence: route.confidence,
			source: route.source
		});
		const t = this.flow.thresholds;
		if (
			!continuing &&
			route.intent &&
			route.confidence >= t.route &&
			route.personaId !== humanOf(this.flow)?.id
		) {
			this.record.intent = route.intent;
		}

		// Triggers, highest priority first. Each has its own detector and its own audit event.
		const human = humanOf(this.flow);
		const explicit = explicitRequest(text, this.flow, owner);
		if (explicit) return this.#handoff(explicit.to!, explicit, { intentFor: route });
		const amounts = found.filter((e) => e.type === 'amount').map((e) => Number(e.value));
		const sensitive = sensitiveTopic({
			text,
			amounts,
			cardGiven: red.cardLast4.length > 0 || (red.removed.cvv ?? 0) > 0,
			largeAmount: t.largeAmount
		});
		if (sensitive && human)
			return this.#handoff(human.id, sensitive, { nextStep: sensitive.nextStep });
		const upset = frustration(turnSentiment, this.record.sentiment, t.frustration);
		if (upset && human) return this.#handoff(human.id, upset);

		const clearTopic = route.personaId !== null && route.confidence >= t.route;
		if (GOODBYE.test(text) && found.length === 0 && !this.#awaiting && !clearTopic) {
			return this.#endByCaller(owner);
		}

		// "Anything else?" answered with a bare yes or no.
		const short = text.split(/\s+/).length <= 3 && found.length === 0;
		if (short && !this.#awaiting && !this.#clarify && owner.kind !== 'triage') {
			if (saidNo(text)) return this.#endByCaller(owner);
			if (saidYes(text))
				return this.#reply(owner, { say: 'Sure, what else can I help you with?', facts: [] });
		}

		if (owner.kind === 'triage') return this.#triageTurn(owner, text, route);
		return this.#specialistTurn(owner, text, route, found, continuing);
	}

	async #triageTurn(triage: Persona, text: string, route: RouteDecision): Promise<void> {
		const t = this.flow.thresholds;
		const human = humanOf(this.flow);
		if (this.#awaiting === 'human_offer') {
			this.#awaiting = undefined;
			if (saidYes(text) && human) {
				return this.#handoff(human.id, {
					kind: 'explicit_request',
					detail: 'Caller accepted the offer of a person.'
				});
			}
			if (saidNo(text)) {
				return this.#reply(triage, {
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
			this.#awaiting = 'human_offer';
			return this.#reply(triage, {
				say: "I'm sorry, that isn't something I can help with here. I can help with your bill, your service, your plan, or your account, or I can connect you with a person. Would you like a person?",
				facts: []
			});
		}
		if (route.personaId === human?.id && route.confidence >= t.route && human) {
			return this.#handoff(human.id, {
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
		if (this.#llmRouter) {
			const turn = this.record.transcript.length - 1;
			const asked = await this.#llmRouter.route(text);
			if (!asked.ok) {
				this.#log({ type: 'llm_rejected', turn, error: asked.error });
			} else {
				const d = asked.decision;
				this.#log({
					type: 'route',
					turn,
					personaId: d.personaId,
					intent: null,
					confidence: d.confidence,
					source: 'llm'
				});
				if (d.personaId && d.confidence >= t.route) {
					this.#lowConfidenceTurns = 0;
					const target = personaById(this.flow, d.personaId);
					if (target.kind === 'human') {
						return this.#handoff(target.id, {
							kind: 'explicit_request',
							detail: 'Caller asked for a person (model).'
						});
					}
					const intent = target.intents[0];
					if (intent)
						this.record.intent = { id: intent.id, label: intent.label, confidence: d.confidence };
					return this.#handoff(target.id, {
						kind: 'out_of_scope',
						detail: `Triage routed to ${target.id} by the model (${d.confidence.toFixed(2)}).`
					});
				}
			}
		}
		this.#lowConfidenceTurns++;
		if (this.#lowConfidenceTurns >= t.lowConfidenceTurns && human) {
			return this.#handoff(human.id, {
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
		return this.#reply(triage, { say: question, facts: [] });
	}

	#pickClarified(text: string, route: RouteDecision): string | null {
		const opts = this.#clarify?.options ?? [];
		const lower = text.toLowerCase();
		if (/\b(first|former|the first one)\b/.test(lower) && opts[0]) return opts[0];
		if (/\b(second|latter|the second one|other one)\b/.test(lower) && opts[1]) return opts[1];
		if (isVague(text)) return null;
		const t = this.flow.thresholds.route;
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
		if (route.intent && route.personaId === personaId) this.record.intent = route.intent;
		return this.#handoff(personaId, trigger, { intentFor: route });
	}

	async #specialistTurn(
		owner: Persona,
		text: string,
		route: RouteDecision,
		found: { type: string }[],
		continuing: boolean
	): Promise<void> {
		const t = this.flow.thresholds;
		const human = humanOf(this.flow);
		if (
			!continuing &&
			route.personaId &&
			route.personaId !== owner.id &&
			route.confidence >= t.switch
		) {
			if (route.personaId === human?.id) {
				return this.#handoff(route.personaId, {
					kind: 'explicit_request',
					detail: 'Caller asked to speak to a person.'
				});
			}
			if (owner.handoffTo.includes(route.personaId)) {
				return this.#handoff(
					route.personaId,
					{
						kind: 'out_of_scope',
						detail: `Topic moved from ${owner.id} to ${route.personaId} (${route.intent?.id ?? 'unknown'}, ${route.confidence.toFixed(2)}).`
					},
					{ intentFor: route }
				);
			}
		}
		let intentId = this.record.intent.id;
		if (this.#awaiting === 'confirm_dispute' && saidYes(text)) intentId = 'billing.dispute';
		else if (
			!continuing &&
			route.personaId === owner.id &&
			route.intent &&
			route.confidence >= 0.5
		) {
			intentId = route.intent.id;
			this.record.intent = route.intent;
		} else if (!continuing && route.personaId === null && route.confidence >= 0.6 && human) {
			this.#awaiting = 'human_offer';
			return this.#reply(owner, {
				say: "That's outside what I can help with. I can connect you with a person, or help with anything else about your account. Would you like a person?",
				facts: []
			});
		} else if (this.#awaiting === 'human_offer' && saidYes(text) && human) {
			return this.#handoff(human.id, {
				kind: 'explicit_request',
				detail: 'Caller accepted the offer of a person.'
			});
		}
		if (!owner.intents.some((i) => i.id === intentId)) {
			intentId = owner.intents[0]?.id ?? intentId;
		}
		const result = runSkill(intentId, this.#skillContext(owner, text, found));
		return this.#afterSkill(owner, result);
	}

	/** True when the turn answers what the persona asked for, so it is not re-routed. */
	#continues(text: string, found: { type: string }[]): boolean {
		switch (this.#awaiting) {
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
			tools: this.tools,
			record: this.record,
			text,
			turnEntities: found as SkillContext['turnEntities'],
			pin: this.#pin,
			awaiting: this.#awaiting,
			memory: this.#memory,
			call: <T>(tool: ToolName, args: Record<string, unknown>, run: () => ToolOutcome<T>) =>
				this.#callTool(persona, tool, args, run),
			settle: (fact: string) => {
				if (!this.record.resolved.includes(fact)) this.record.resolved.push(fact);
			},
			verify: (account, by) => {
				this.record.verified = {
					accountId: account.id,
					name: account.name,
					phone: account.phone,
					by
				};
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
		tool: ToolName,
		args: Record<string, unknown>,
		run: () => ToolOutcome<T>
	): ToolOutcome<T> {
		let outcome: ToolOutcome<T>;
		try {
			outcome = run();
		} catch (e) {
			outcome = {
				ok: false,
				result: `The ${tool} tool failed: ${e instanceof Error ? e.message : String(e)}`
			};
		}
		this.record.actions.push({ tool, args: { ...args }, ok: outcome.ok, result: outcome.result });
		if (!outcome.ok) this.record.toolFailures++;
		this.#log({ type: 'tool', tool, ok: outcome.ok, owner: persona.id });
		return outcome;
	}

	async #afterSkill(owner: Persona, result: SkillResult, prefix = ''): Promise<void> {
		this.#awaiting = result.awaiting;
		const human = humanOf(this.flow);
		const failed = toolFailure(this.record.toolFailures, this.flow.thresholds.toolFailures);
		if (failed && human && !this.#memory.toolFailureHandled) {
			this.#memory.toolFailureHandled = true;
			await this.#reply(owner, { say: prefix + result.say, facts: result.facts });
			return this.#handoff(human.id, failed);
		}
		if (result.trigger && human) {
			await this.#reply(owner, { say: prefix + result.say, facts: result.facts });
			return this.#handoff(human.id, result.trigger, { nextStep: result.trigger.nextStep });
		}
		return this.#reply(owner, { say: prefix + result.say, facts: result.facts });
	}

	async #handoff(
		toId: string,
		trigger: Trigger,
		options: { intentFor?: RouteDecision; nextStep?: string; notes?: string[] } = {}
	): Promise<void> {
		const from = this.owner;
		let to = personaById(this.flow, toId);
		const human = humanOf(this.flow);
		this.#log({ type: 'trigger', kind: trigger.kind, detail: trigger.detail, from: from.id });
		const turn = this.record.transcript.length;
		const check = checkHop({
			flow: this.flow,
			hops: this.record.hops,
			from: from.id,
			to: to.id,
			trigger: trigger.kind,
			turn
		});
		if (!check.allowed && human) {
			this.#log({
				type: 'hop_redirected',
				from: from.id,
				wanted: to.id,
				to: human.id,
				reason: check.reason
			});
			trigger = {
				...trigger,
				detail: `${trigger.detail} Redirected to a person: ${check.reason}.`
			};
			to = human;
		}
		this.#setState('handing_off');
		const t0 = performance.now();
		const pkg = buildContextPackage({
			record: this.record,
			flow: this.flow,
			from,
			to,
			trigger,
			nextStep: options.nextStep,
			now: this.#now()
		});
		const ms = performance.now() - t0;
		this.#log({
			type: 'package_ready',
			handoffId: pkg.handoffId,
			ms: Math.round(ms * 1000) / 1000
		});
		this.packages.push(pkg);
		const hop = pkg.hops[pkg.hops.length - 1]!;
		this.record.hops.push({ ...hop, turn });
		this.#log({
			type: 'handoff',
			handoffId: pkg.handoffId,
			from: from.id,
			to: to.id,
			trigger: trigger.kind
		});
		const words = narration(to, trigger);
		this.#emit({ type: 'handoff', package: pkg, narration: words });
		this.#awaiting = undefined;
		this.#clarify = null;
		if (from.kind !== 'human')
			await this.#reply(from, { say: words, facts: [] }, { keepState: true });

		if (to.kind === 'human') {
			this.#setState('on_hold');
			if (this.#human === 'available') return this.humanAccepted();
			if (this.#human === 'unavailable')
				return this.humanDeclined('No one is available right now.');
			return; // external: the human link calls humanAccepted/humanDeclined.
		}
		this.#takeOwnership(to);
		const planName = this.#planName();
		let say = opening(to, pkg, planName);
		const intent = options.intentFor?.intent;
		const intentId =
			intent && to.intents.some((i) => i.id === intent.id) ? intent.id : to.intents[0]?.id;
		const lastCaller = [...this.record.transcript].reverse().find((t) => t.role === 'caller');
		if (intentId && trigger.kind !== 'handback') {
			if (intent && intent.id === intentId) this.record.intent = intent;
			const found = this.record.entities.filter(
				(e) => e.turn === (lastCaller ? this.record.transcript.indexOf(lastCaller) : -1)
			);
			const result = runSkill(intentId, this.#skillContext(to, lastCaller?.text ?? '', found));
			return this.#afterSkill(to, result, say + ' ');
		}
		if (trigger.kind === 'handback') say += ' How can I help from here?';
		return this.#reply(to, { say, facts: [], package: pkg });
	}

	/** Fills `{company}` in flow text with the dataset's company name. */
	#fill(text: string): string {
		return text.replaceAll('{company}', this.tools.dataset.company.name);
	}

	#planName(): string | undefined {
		const acct = this.record.verified
			? this.tools.account(this.record.verified.accountId)
			: undefined;
		return acct ? this.tools.plan(acct.planId)?.name : latest(this.record, 'plan');
	}

	#takeOwnership(p: Persona): void {
		this.record.owner = p.id;
		if (p.kind !== 'human') this.#lastAi = p.id;
		this.owners.push(p.id);
		this.#emit({ type: 'owner', personaId: p.id });
	}

	/** The human link: an operator accepted the call. */
	humanAccepted(operatorName?: string): void {
		const human = humanOf(this.flow);
		if (!human || this.#state === 'ended') return;
		this.#awaitingFallback = false;
		// A caller who waited in the queue and got through is now with a person.
		if (this.#outcome === 'queued') this.#outcome = null;
		this.#takeOwnership(human);
		this.#push({
			role: 'system',
			text: `You're now connected with ${operatorName ?? 'a person'}.`,
			at: this.#at()
		});
		this.#setState('with_human');
	}

	/** The human link: declined, timed out, or nobody is available. The caller chooses what next. */
	async humanDeclined(reason: string): Promise<void> {
		if (this.#state === 'ended') return;
		const ai = personaById(this.flow, this.#lastAi);
		this.#awaitingFallback = true;
		this.#setState('on_hold');
		this.#emit({ type: 'fallback_offer', options: ['queue', 'callback', 'ai'] });
		await this.#reply(
			ai,
			{
				say: `${reason} You can wait in the queue, ask for a callback, or keep going with me. Everything you've told us is saved.`,
				facts: []
			},
			{ keepState: true }
		);
		// Done speaking: the caller is on hold until they choose.
		this.#setState('on_hold');
	}

	async #fallbackFromText(text: string): Promise<void> {
		if (CHOICE_CALLBACK.test(text)) return this.chooseFallback('callback');
		if (CHOICE_QUEUE.test(text)) return this.chooseFallback('queue');
		if (CHOICE_AI.test(text)) return this.chooseFallback('ai');
		const ai = personaById(this.flow, this.#lastAi);
		await this.#reply(
			ai,
			{
				say: 'Would you like to wait in the queue, get a callback, or keep going with me?',
				facts: []
			},
			{ keepState: true }
		);
		this.#setState('on_hold');
	}

	/** The caller's choice after a human handoff could not complete. */
	async chooseFallback(choice: FallbackChoice, detail: { position?: number } = {}): Promise<void> {
		if (!this.#awaitingFallback) return;
		this.#awaitingFallback = false;
		this.#log({ type: 'fallback', choice });
		const ai = personaById(this.flow, this.#lastAi);
		if (choice === 'queue') {
			this.#outcome = 'queued';
			const where = detail.position
				? `You're number ${detail.position} in the queue.`
				: "You're in the queue.";
			this.#push({
				role: 'agent',
				personaId: ai.id,
				text: `${where} Stay on the line; the next person free will have your details.`,
				at: this.#at()
			});
			this.#setState('queued');
			return;
		}
		if (choice === 'callback') {
			const phone = this.record.verified?.phone ?? latest(this.record, 'phone');
			const to = phone ? ` at ${phone}` : '';
			this.#push({
				role: 'agent',
				personaId: ai.id,
				text: `We'll call you back${to} as soon as someone is free, with everything from this call. Goodbye for now.`,
				at: this.#at()
			});
			return this.end('callback');
		}
		this.record.owner = ai.id;
		this.owners.push(ai.id);
		this.#emit({ type: 'owner', personaId: ai.id });
		return this.#reply(ai, { say: "I'm still here. What would you like to do next?", facts: [] });
	}

	/** The human link dropped mid-call (the operator's tab closed, the network went): back to the AI. */
	async humanLost(): Promise<void> {
		if (this.#state === 'ended' || this.owner.kind !== 'human') return;
		const ai = personaById(this.flow, this.#lastAi);
		this.record.owner = ai.id;
		this.owners.push(ai.id);
		this.#emit({ type: 'owner', personaId: ai.id });
		this.#push({ role: 'system', text: 'The line to the specialist dropped.', at: this.#at() });
		return this.#reply(ai, {
			say: "I'm back with you, and I still have everything from this call. I can try a person again, arrange a callback, or keep helping here.",
			facts: []
		});
	}

	/** Timings of a human handoff, measured by the human link, kept in the audit log. */
	recordHumanTiming(t: {
		handoffId: string;
		packageOnConsoleMs?: number;
		operatorAudioMs?: number;
	}): void {
		this.#log({ type: 'human_timing', ...t });
	}

	/** The operator returns the caller to an AI persona, with notes. */
	async handBack(input: { to: string; notes: string[] }): Promise<void> {
		if (this.owner.kind !== 'human') return;
		this.record.notes.push(...input.notes);
		return this.#handoff(input.to, { kind: 'handback', detail: 'Operator handed the call back.' });
	}

	async #endByCaller(owner: Persona): Promise<void> {
		const last = this.record.resolved[this.record.resolved.length - 1];
		const recap = last ? ` To recap: ${lowerFirst(last).replace(/\.$/, '')}.` : '';
		await this.#reply(owner, {
			say: `Thanks for calling ${this.tools.dataset.company.name}.${recap} Goodbye!`,
			facts: []
		});
		this.end();
	}

	/** Ends the call. Without an explicit outcome it is derived from where the call stands. */
	/**
	 * The caller talked over the agent: stop generating the reply in progress. What was already
	 * generated stays in the transcript (the caller may have heard it); the caller's words come next.
	 */
	interrupt(): void {
		this.#replying?.abort();
	}

	end(outcome?: Outcome): void {
		if (this.#state === 'ended') return;
		this.#outcome = outcome ?? this.#derivedOutcome();
		this.#setState('ended');
		this.#log({ type: 'call_ended', outcome: this.#outcome });
		this.#emit({ type: 'ended', outcome: this.#outcome });
	}

	#derivedOutcome(): Outcome {
		if (this.#outcome) return this.#outcome;
		if (this.#state === 'queued' || this.#awaitingFallback) return 'queued';
		if (this.owner.kind === 'human') return 'human';
		if (this.#state === 'on_hold') return 'queued';
		return this.record.resolved.length > 0 ? 'resolved' : 'abandoned';
	}

	async #reply(
		persona: Persona,
		result: { say: string; facts: string[]; package?: ContextPackage },
		opts: { keepState?: boolean } = {}
	): Promise<void> {
		if (!result.say) {
			if (!opts.keepState) this.#setState('listening');
			return;
		}
		this.#setState('speaking');
		let text = '';
		const abort = new AbortController();
		this.#replying = abort;
		try {
			for await (const chunk of this.#responder.reply({
				persona,
				draft: result.say,
				facts: result.facts,
				package: result.package,
				transcript: this.record.transcript,
				signal: abort.signal
			})) {
				if (abort.signal.aborted) break;
				text += chunk;
				this.#emit({ type: 'agent_chunk', personaId: persona.id, text: chunk });
			}
		} catch {
			// A failing responder (a crashed model) must not cost the caller the answer.
			if (!text) text = result.say;
		}
		if (this.#replying === abort) this.#replying = null;
		const said = text.trim();
		// Interrupted before a word: the draft still goes on screen, but is not spoken.
		this.#push(
			{ role: 'agent', personaId: persona.id, text: said || result.say, at: this.#at() },
			said.length > 0 || abort.signal.aborted
		);
		if (!opts.keepState) this.#setState('listening');
	}

	#push(entry: TranscriptEntry, streamed = false): void {
		this.record.transcript.push(entry);
		this.#emit({ type: 'transcript', entry, ...(streamed ? { streamed } : {}) });
	}

	#setState(state: CallState): void {
		if (this.#state === state) return;
		this.#state = state;
		this.#log({ type: 'state', state });
		this.#emit({ type: 'state', state });
	}

	#at(): string {
		return this.#now().toISOString();
	}

	#log(event: AuditBody): void {
		const e: AuditEvent = { ...event, at: this.#at(), callId: this.record.callId };
		this.audit.push(e);
		this.#emit({ type: 'audit', event: e });
	}

	#emit(e: SessionEvent): void {
		for (const l of this.#listeners) l(e);
	}
}
