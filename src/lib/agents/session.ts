import type { AuditBody, AuditEvent } from './audit';
import { newCallRecord, type CallRecord } from './call-record';
import type { ContextPackage, TranscriptEntry } from './handoff/context-package';
import type { Dataset } from './dataset';
import type {
	CallState,
	FallbackChoice,
	HumanAvailability,
	Outcome,
	SessionEvent,
	SessionEventBody
} from './events';
import { examplesOf, personaById, triageOf, humanOf, type Flow, type Persona } from './flow';
import { buildContextPackage, narration } from './handoff/handoff';
import { HumanDesk, type LineControls } from './desks/human-desk';
import type { HumanLink } from './human-link';
import { takeIn, type Intake } from './understanding/intake';
import { fillCompany, UNHEARD } from './handoff/phrases';
import { hopTarget } from './routing/hop-policy';
import { uuid } from './ids';
import { rulesResponder, streamReply, type Responder } from './responder';
import type { HandoffOptions, Reply } from './desks/call-controls';
import { isVague } from './understanding/caller-words';
import type { LlmRouter } from './routing/llm-router';
import { Router, type RouteDecision } from './routing/router';
import { requestAfterAnswer, secondRequest, type Request } from './routing/second-request';
import type { Awaiting } from './desks/skills';
import { SpecialistDesk } from './desks/specialist';
import { lastReply, saidAbout } from './desks/said-before';
import { DisclosureCheck } from './tools/disclosure';
import { identityTool, ToolGuard } from './tools/tool-guard';
import { ToolRuntime, type FetchLike, type KeptRecords } from './tools/runtime';
import { Tables } from './flows/tables';
import type { Row } from './flows/schema';
import { vocabularyOf, type Vocabulary } from './understanding/vocabulary';
import { flowWords, unintelligible } from './understanding/intelligible';
import { addPasscodeCues } from './understanding/redact-cues';
import { AttemptLimiter } from './tools/verification';
import { TriageDesk } from './desks/triage';
import type { Trigger } from './routing/triggers';
import { nextStep } from './routing/cascade';
import { recapOf } from './handoff/wording';

export type { CallState, FallbackChoice, HumanAvailability, Outcome, SessionEvent } from './events';

// The session is the conversation core: it hears caller turns as text and emits events. It has no
// DOM, no workers and no network, so the page, the simulator and the benchmarks all drive this same
// code. Only one persona owns the call at any moment; a handoff moves ownership, never shares it.
// It orchestrates: turn intake (intake.ts), the trigger cascade and handoffs (here), and three
// desks that act on the call through narrow controls: triage, the specialist, the human line.

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
	/** Where records the flow keeps (tickets, bookings) are stored across calls. */
	kept?: KeptRecords;
	/** How HTTP tools reach the company's endpoints (tests give a local server). */
	fetch?: FetchLike;
};

/** A closing "anything else?" question at the end of a reply. */
/** A persona's words that already tell the caller a person is taking over. */
const ANNOUNCES_PERSON = /\b(?:connect|pass|put|transfer)(?:ing)? you\b|\ba person will\b/i;
const ANYTHING_ELSE = /\s*(?:is there )?anything else[^.?!]*\?\s*$/i;

export class Session {
	readonly flow: Flow;
	/** This call's own copy of the company's data: tools change rows, other calls never see it. */
	readonly tables: Tables;
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
	/** The caller's turn ends in a goodbye: the desk answers it, then the call ends. */
	#closingTurn = false;
	/** A second request from the caller's first words, for another team, taken up once the first is done. */
	#later: Request | null = null;
	#triage: TriageDesk;
	#specialist: SpecialistDesk;
	#line: HumanDesk;
	#lastAi: string;
	#disclosure: DisclosureCheck;
	#vocabulary: Vocabulary;
	/** Words the flow uses: a turn with none of them, nor any common word, is not words. */
	readonly #words: ReadonlySet<string>;
	#caller: Row | undefined;

	constructor(options: SessionOptions) {
		this.flow = options.flow;
		this.tables = new Tables(
			this.flow.tables,
			options.dataset,
			(options.now ?? (() => new Date()))()
		);
		this.#vocabulary = vocabularyOf(this.flow, options.dataset);
		this.#words = flowWords(this.flow, options.dataset);
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
		// What the desks may do to this call; getters keep them reading the session's own state.
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const session = this;
		const controls: LineControls = {
			flow: this.flow,
			record: this.record,
			tables: this.tables,
			get awaiting() {
				return session.#awaiting;
			},
			set awaiting(a: Awaiting | undefined) {
				session.#awaiting = a;
			},
			get state() {
				return session.#state;
			},
			get owner() {
				return session.owner;
			},
			get lastAi() {
				return personaById(session.flow, session.#lastAi);
			},
			get packages() {
				return session.packages;
			},
			get outcome() {
				return session.#outcome;
			},
			set outcome(o: Outcome | null) {
				session.#outcome = o;
			},
			reply: (persona, result, opts) => this.#reply(persona, result, opts),
			handoff: (toId, trigger, opts) => this.#handoff(toId, trigger, opts),
			log: (event) => this.#log(event),
			clock: () => ({
				now: this.#now(),
				...(this.flow.company.timeZone ? { timeZone: this.flow.company.timeZone } : {})
			}),
			setState: (state) => this.#setState(state),
			push: (entry) => this.#push(entry),
			emit: (event) => this.#emit(event),
			takeOwnership: (persona) => this.#takeOwnership(persona),
			end: (outcome) => this.end(outcome),
			at: () => this.#at()
		};
		this.#triage = new TriageDesk(controls, options.router, options.llmRouter);
		// What this company's callers call their secret is read as one, and redacted as one.
		addPasscodeCues(identityTool(this.flow)?.secretWords ?? []);
		const people = identityTool(this.flow)?.table;
		const fieldOfType = (type: string) =>
			this.flow.tables.find((t) => t.id === people)?.fields.find((f) => f.type === type)?.name;
		const guard = new ToolGuard({
			flow: this.flow,
			runtime: new ToolRuntime(this.tables, {
				...(options.kept ? { kept: options.kept } : {}),
				...(options.fetch ? { fetch: options.fetch } : {})
			}),
			limiter: options.attempts ?? AttemptLimiter.memory(),
			device: options.device ?? 'this-device',
			caller: () => this.#caller,
			onVerified: (row, by) => {
				this.#caller = row;
				const key = this.tables.def(people!).key;
				const name = fieldOfType('name');
				const phone = fieldOfType('phone');
				this.record.verified = {
					accountId: String(row[key]),
					...(name && row[name] ? { name: String(row[name]) } : {}),
					...(phone && row[phone] ? { phone: String(row[phone]) } : {}),
					by
				};
			}
		});
		this.#specialist = new SpecialistDesk(controls, guard, () => this.#caller);
		this.#line = new HumanDesk(controls);
		this.#disclosure = new DisclosureCheck(this.flow, options.dataset);
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

	/** Whether the caller is being asked to choose queue, callback or the AI. */
	get awaitingFallback(): boolean {
		return this.#line.awaitingChoice;
	}

	/** The call's human line, as a human link (rtc/) drives it. */
	get human(): HumanLink {
		return this.#line;
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

	/** One caller turn, as text (typed, or from speech-to-text): what the caller said, heard here. */
	async hear(raw: string): Promise<void> {
		if (this.#state === 'idle') await this.start();
		if (this.#state === 'ended') return;
		const words = raw.trim();
		if (!words) return;

		const { turn, text, found, cardGiven, continuing, sentiment } = takeIn(words, {
			record: this.record,
			vocabulary: this.#vocabulary,
			push: (entry) => this.#push(entry),
			log: (event) => this.#log(event),
			at: () => this.#at(),
			pin: (pin) => this.#specialist.givePin(pin),
			continues: (text, found) => this.#specialist.continues(text, found),
			expecting: () => this.#specialist.expecting()
		});

		if (this.#state === 'with_human' || this.#state === 'handing_off') return;
		if (this.#line.awaitingChoice) return this.#line.fromText(text);
		if (this.#state === 'on_hold' || this.#state === 'queued') return;
		// Keys or noise, not words: the caller is asked again, and nothing else is done with it.
		if (found.length === 0 && !cardGiven && unintelligible(text, this.#words))
			return this.#unheard();

		this.#setState('thinking');
		const owner = this.owner;
		// Hedges and filler ("hmm, not sure") carry no topic, whatever the classifier makes of them.
		let route: RouteDecision = isVague(text)
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
			route.personaId !== humanOf(this.flow)?.id &&
			// The specialist who owns the call decides whether its own intent moves.
			!(owner.kind === 'specialist' && route.personaId === owner.id)
		) {
			this.record.intent = route.intent;
		}

		// Triggers, highest priority first. Each has its own detector and its own audit event.
		const next = nextStep({
			flow: this.flow,
			owner,
			turn: { text, found, cardGiven, sentiment },
			route,
			callSentiment: this.record.sentiment,
			awaiting: this.#awaiting !== undefined,
			clarifying: this.#triage.clarifying
		});
		switch (next.type) {
			case 'handoff':
				return this.#handoff(next.to, next.trigger, next.options);
			case 'goodbye':
				return this.#endByCaller(owner);
			case 'anything_else':
				return this.#reply(owner, {
					say: `Sure, what else can I help with: ${examplesOf(this.flow)}?`,
					facts: []
				});
			case 'repeat': {
				// "When did you say it would be fixed?" that the persona's answers cover gets the
				// answer's second wording; else what was said about it, or the last reply.
				const answer =
					next.about && owner.kind === 'specialist'
						? this.#specialist.answerOf(owner, text, found)
						: undefined;
				if (answer) return this.#reply(owner, { say: answer, facts: [] });
				const last = next.about
					? saidAbout(this.record.transcript, next.about)
					: lastReply(this.record.transcript, owner.id);
				if (last) return this.#reply(owner, { say: `Sure. ${last}`, facts: [] });
				break;
			}
		}
		if (next.type === 'desk' && next.leaving)
			return this.#answerThenClose(owner, text, route, found, continuing);
		if (owner.kind === 'triage') {
			if (!continuing) this.#later ??= secondRequest(text, route, this.#router, this.flow);
			// Two clear requests make an unclear whole: the first goes first, with no question.
			if (!route.personaId && this.#later?.first) route = this.#later.first.route;
			await this.#triage.turn(owner, text, route, found);
		} else {
			// Only after a yes-or-no question: after "your account number?", "yes, and my number is…"
			// is the answer itself, not a request for another team.
			if (continuing && this.#specialist.askedYesOrNo)
				this.#later ??= requestAfterAnswer(text, owner.id, this.#router, this.flow);
			await this.#specialist.turn(owner, text, route, found, continuing);
		}
		return this.#takeUpLater();
	}

	/**
	 * "Yes that fixed it, thanks bye": the turn is answered as usual, without a closing "anything
	 * else?", and then the call ends with a goodbye, unless the turn moved the call on.
	 */
	async #answerThenClose(
		owner: Persona,
		text: string,
		route: RouteDecision,
		found: Intake['found'],
		continuing: boolean
	): Promise<void> {
		this.#closingTurn = true;
		try {
			if (owner.kind === 'triage') await this.#triage.turn(owner, text, route, found);
			else await this.#specialist.turn(owner, text, route, found, continuing);
		} finally {
			this.#closingTurn = false;
		}
		if (this.owner.id !== owner.id || this.#state === 'ended') return;
		if (this.#state !== 'listening') return;
		return this.#endByCaller(owner);
	}

	async #handoff(toId: string, trigger: Trigger, options: HandoffOptions = {}): Promise<void> {
		const from = this.owner;
		this.#log({ type: 'trigger', kind: trigger.kind, detail: trigger.detail, from: from.id });
		const turn = this.record.transcript.length;
		const wanted = personaById(this.flow, toId);
		const hop = hopTarget({
			flow: this.flow,
			hops: this.record.hops,
			from,
			to: wanted,
			trigger,
			turn
		});
		const to = hop.to;
		trigger = hop.trigger;
		if (hop.redirected) {
			this.#log({
				type: 'hop_redirected',
				from: from.id,
				wanted: wanted.id,
				to: to.id,
				reason: hop.redirected
			});
		}
		this.#setState('handing_off');
		// Going back to a persona already met is said as such, not with the first time's words.
		const last = this.record.transcript.at(-1);
		const announced =
			last?.role === 'agent' && ANNOUNCES_PERSON.test(last.text) && from.kind !== 'human';
		const words = narration(to, trigger, { back: this.owners.includes(to.id), announced });
		const t0 = performance.now();
		// The package's transcript ends with the line said as the call is handed over, so the person
		// taking it reads what the caller just heard.
		const pkg = buildContextPackage({
			record: this.record,
			flow: this.flow,
			from,
			to,
			trigger,
			nextStep: options.nextStep,
			now: this.#now(),
			...(from.kind !== 'human' ? { saying: words } : {})
		});
		const ms = performance.now() - t0;
		this.#log({
			type: 'package_ready',
			handoffId: pkg.handoffId,
			ms: Math.round(ms * 1000) / 1000
		});
		this.packages.push(pkg);
		this.record.hops.push({ ...pkg.hops[pkg.hops.length - 1]!, turn });
		this.#log({
			type: 'handoff',
			handoffId: pkg.handoffId,
			from: from.id,
			to: to.id,
			...(to.kind === 'human' ? { person: true } : {}),
			trigger: trigger.kind
		});
		this.#emit({ type: 'handoff', package: pkg, narration: words });
		this.#awaiting = undefined;
		this.#triage.forgetQuestion();
		if (from.kind !== 'human')
			await this.#reply(from, { say: words, facts: [] }, { keepState: true });

		if (to.kind === 'human') {
			// A person takes everything the caller asked for from here; the package carries it.
			this.#later = null;
			this.#setState('on_hold');
			if (this.#human === 'available') return this.#line.accepted();
			if (this.#human === 'unavailable')
				return this.#line.declined('No one is available right now.');
			return; // external: the human link answers through `human`.
		}
		this.#takeOwnership(to);
		return this.#specialist.takeOver(
			to,
			pkg,
			trigger,
			options.intentFor?.intent ?? undefined,
			options.callerLine,
			options.request
		);
	}

	/** A turn of no words: "didn't catch that", and the open question again if there is one. */
	#unheard(): Promise<void> {
		const owner = this.owner;
		const again = owner.kind === 'specialist' ? this.#specialist.questionAgain() : undefined;
		this.#log({ type: 'unheard', turn: this.record.transcript.length - 1 });
		return this.#reply(owner, {
			say: again ? `Sorry, I didn't catch that. ${again}` : UNHEARD,
			facts: []
		});
	}

	/** Whether `persona`'s reply is followed by the caller's other request (`#takeUpLater`). */
	#takesUpNext(persona: Persona): boolean {
		const later = this.#later;
		if (!later || persona.kind !== 'specialist' || this.#specialist.asking) return false;
		const next = persona.id === later.route.personaId ? later.first : later;
		return !!next && next.route.personaId !== persona.id;
	}

	/** The first request done, with nothing asked: the second one goes to its team. */
	async #takeUpLater(): Promise<void> {
		const later = this.#later;
		const owner = this.owner;
		if (!later || owner.kind !== 'specialist' || this.#specialist.asking) return;
		if (this.#state !== 'listening') return;
		if (!this.#takesUpNext(owner)) return void (this.#later = null);
		this.#later = null;
		// The call went where the second request belongs: the first one is what is left.
		const next = (owner.id === later.route.personaId ? later.first : later)!;
		const label = next.route.intent?.label ?? 'something else';
		// A label is written as a heading ("Cancelling your service"); an acronym keeps its capitals.
		const about = /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
		await this.#reply(
			owner,
			{ say: `You also asked about ${about}.`, facts: [] },
			{ keepState: true }
		);
		if (next.route.intent) this.record.intent = next.route.intent;
		return this.#handoff(
			next.route.personaId!,
			{ kind: 'out_of_scope', detail: "The second request in the caller's first words." },
			{ intentFor: next.route, request: next.text }
		);
	}

	/** Fills `{company}` in flow text with the company's name. */
	#fill(text: string): string {
		return fillCompany(text, this.flow.company.name);
	}

	#takeOwnership(p: Persona): void {
		this.record.owner = p.id;
		if (p.kind !== 'human') this.#lastAi = p.id;
		this.owners.push(p.id);
		this.#emit({ type: 'owner', personaId: p.id });
	}

	/** The caller's choice after a human handoff could not complete. */
	async chooseFallback(choice: FallbackChoice, detail: { position?: number } = {}): Promise<void> {
		return this.#line.choose(choice, detail);
	}

	async #endByCaller(owner: Persona): Promise<void> {
		// One sentence of recap: the last two things settled, each as a short clause.
		// What the caller heard word for word is not read out again.
		const heard = this.record.transcript
			.filter((e) => e.role === 'agent')
			.map((e) => e.text)
			.join(' ');
		const recap = recapOf(this.record.resolved, heard);
		await this.#reply(owner, {
			say: `Thanks for calling ${this.flow.company.name}.${recap ? ` ${recap}` : ''} Goodbye!`,
			facts: []
		});
		// A goodbye after an answer, with nothing asked of the caller, ends a call that was served
		// ("you're already on that plan", the charges read out), whether or not a step settled it.
		const served =
			owner.kind === 'specialist' && !this.#specialist.asking && this.#awaiting === undefined;
		this.end(served ? 'resolved' : undefined);
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
		if (this.#state === 'queued' || this.#line.awaitingChoice) return 'queued';
		if (this.owner.kind === 'human') return 'human';
		if (this.#state === 'on_hold') return 'queued';
		return this.record.resolved.length > 0 ? 'resolved' : 'abandoned';
	}

	async #reply(persona: Persona, result: Reply, opts: { keepState?: boolean } = {}): Promise<void> {
		// A caller saying goodbye is not asked whether there is anything else.
		// Nor is one whose other request the call is about to take up.
		if (this.#closingTurn || this.#takesUpNext(persona))
			result = { ...result, say: result.say.replace(ANYTHING_ELSE, '').trim() };
		if (!result.say) {
			if (!opts.keepState) this.#setState('listening');
			return;
		}
		this.#setState('speaking');
		const abort = new AbortController();
		this.#replying = abort;
		const text = await streamReply(
			this.#responder,
			{
				persona,
				draft: result.say,
				facts: result.facts,
				package: result.package,
				transcript: this.record.transcript,
				signal: abort.signal,
				leaks: (words) => this.#disclosure.leaksIn(words, this.record),
				tool: (name, args) => this.#specialist.modelTool(persona, name, args)
			},
			(chunk) => this.#emit({ type: 'agent_chunk', personaId: persona.id, text: chunk })
		);
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

	#emit(body: SessionEventBody): void {
		const e = { ...body, at: this.#at() } as SessionEvent;
		for (const l of this.#listeners) l(e);
	}
}
