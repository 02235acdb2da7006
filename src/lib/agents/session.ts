import type { AuditBody, AuditEvent } from './audit';
import { latest, newCallRecord, type CallRecord } from './call-record';
import type { ContextPackage, TranscriptEntry } from './context-package';
import type { Dataset } from './dataset';
import { extractEntities } from './entities';
import { personaById, triageOf, humanOf, type Flow, type Persona } from './flow';
import { buildContextPackage, narration, opening } from './handoff';
import { lowerFirst } from './wording';
import { fillCompany } from './phrases';
import { checkHop } from './hop-policy';
import { uuid } from './ids';
import { redact } from './redact';
import { rulesResponder, type Responder } from './responder';
import type { CallControls, HandoffOptions, Reply } from './call-controls';
import { CHOICE_AI, CHOICE_CALLBACK, CHOICE_QUEUE, GOODBYE, isVague } from './caller-words';
import type { LlmRouter } from './llm-router';
import { Router, type RouteDecision } from './router';
import { blend, scoreTurn } from './sentiment';
import { saidNo, saidYes, type Awaiting } from './skills';
import { SpecialistDesk } from './specialist';
import { Tools } from './tools';
import { DisclosureCheck } from './disclosure';
import { ToolGuard } from './tool-guard';
import { AttemptLimiter } from './verification';
import { TriageDesk } from './triage';
import { explicitRequest, frustration, sensitiveTopic, type Trigger } from './triggers';

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
	/**
	 * Failed verification attempts, shared by every call on this device (IndexedDB in the browser, a
	 * file or memory in Node). Without one, attempts are counted for this call only.
	 */
	attempts?: AttemptLimiter;
	/** This device, for the per-device attempt limit. */
	device?: string;
};

export class Session {
	readonly flow: Flow;
	readonly tools: Tools;
	readonly record: CallRecord;
	readonly packages: ContextPackage[] = [];
	readonly audit: AuditEvent[] = [];
	/** The personas that owned the call, in order. */
	readonly owners: string[] = [];

	#router: Router;
	#responder: Responder;
	/** Aborts the reply being generated, for barge-in. */
	#replying: AbortController | null = null;
	#human: HumanAvailability;
	#now: () => Date;
	#state: CallState = 'idle';
	#outcome: Outcome | null = null;
	#listeners = new Set<(e: SessionEvent) => void>();
	#awaiting: Awaiting | undefined;
	#triage: TriageDesk;
	#specialist: SpecialistDesk;
	#awaitingFallback = false;
	#lastAi: string;
	#disclosure: DisclosureCheck;

	constructor(options: SessionOptions) {
		this.flow = options.flow;
		this.tools = new Tools(options.dataset);
		this.#router = options.router;
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
		const controls = Object.defineProperty(
			{
				flow: this.flow,
				record: this.record,
				tools: this.tools,
				reply: (persona: Persona, result: Reply, opts?: { keepState?: boolean }) =>
					this.#reply(persona, result, opts),
				handoff: (toId: string, trigger: Trigger, opts?: HandoffOptions) =>
					this.#handoff(toId, trigger, opts),
				log: (event: AuditBody) => this.#log(event)
			},
			'awaiting',
			{
				get: () => this.#awaiting,
				set: (a: Awaiting | undefined) => {
					this.#awaiting = a;
				}
			}
		) as CallControls;
		this.#triage = new TriageDesk(controls, options.router, options.llmRouter);
		const guard = new ToolGuard({
			tools: this.tools,
			limiter: options.attempts ?? AttemptLimiter.memory(),
			device: options.device ?? 'this-device',
			verified: () => this.record.verified?.accountId,
			onVerified: (a) => {
				this.record.verified = { accountId: a.id, name: a.name, phone: a.phone, by: 'pin' };
			}
		});
		this.#specialist = new SpecialistDesk(controls, guard);
		this.#disclosure = new DisclosureCheck(options.dataset);
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
		this.#triage.llmRouter = r;
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
		if (extraction.pin) this.#specialist.givePin(extraction.pin);
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
		const continuing = this.#specialist.continues(text, found);
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
		if (short && !this.#awaiting && !this.#triage.clarifying && owner.kind !== 'triage') {
			if (saidNo(text)) return this.#endByCaller(owner);
			if (saidYes(text))
				return this.#reply(owner, { say: 'Sure, what else can I help you with?', facts: [] });
		}

		if (owner.kind === 'triage') return this.#triage.turn(owner, text, route);
		return this.#specialist.turn(owner, text, route, found, continuing);
	}

	async #handoff(toId: string, trigger: Trigger, options: HandoffOptions = {}): Promise<void> {
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
		this.#triage.forgetQuestion();
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
			return this.#specialist.runSkill(to, intentId, lastCaller?.text ?? '', found, say + ' ');
		}
		if (trigger.kind === 'handback') say += ' How can I help from here?';
		return this.#reply(to, { say, facts: [], package: pkg });
	}

	/** Fills `{company}` in flow text with the dataset's company name. */
	#fill(text: string): string {
		return fillCompany(text, this.tools.dataset.company.name);
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

	/**
	 * The caller talked over the agent: stop generating the reply in progress. What was already
	 * generated stays in the transcript (the caller may have heard it); the caller's words come next.
	 */
	interrupt(): void {
		this.#replying?.abort();
	}

	/** Ends the call. Without an explicit outcome it is derived from where the call stands. */
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

	async #reply(persona: Persona, result: Reply, opts: { keepState?: boolean } = {}): Promise<void> {
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
				signal: abort.signal,
				leaks: (words) =>
					this.#disclosure
						.leaks(words, {
							verified: this.record.verified?.accountId,
							callerSaid: this.record.transcript
								.filter((t) => t.role === 'caller')
								.map((t) => t.text)
						})
						.map((l) => `${l.kind} of ${l.accountId}`),
				tool: (name, args) => this.#specialist.modelTool(persona, name, args)
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
