import { assets } from '$app/paths';
import type { ContextPackage, TranscriptEntry } from '$lib/agents/handoff/context-package';
import type { Flow } from '$lib/agents/flow';
import { personaById, triageOf } from '$lib/agents/flow';
import { LlmResponder } from '$lib/agents/llm-responder';
import { LlmRouter, type ChatEngine } from '$lib/agents/routing/llm-router';
import { Router } from '$lib/agents/routing/router';
import { pageFlow } from './page-flow.svelte';
import { fillRouter, pageModelSources, type RoutingModelReady } from '$lib/workers/routing-model';
import { Session, type CallState, type FallbackChoice, type Outcome } from '$lib/agents/session';
import { CallerLink, type CallerLinkStatus } from '$lib/rtc/transfer/caller-link';
import type { Signaling } from '$lib/rtc/signaling/signaling';
import { ManualSignaling } from '$lib/rtc/signaling/manual-signaling';
import { openSignaling, type TransportChoice } from '$lib/rtc/signaling/transport';
import { openBatonDB } from '$lib/storage/db';
import { IdbKeptRecords, withKept } from '$lib/storage/kept-records';
import type { TableData } from '$lib/agents/flows/tables';
import type { AuditLog } from '$lib/storage/audit-log';
import { callbackStore, type Kept } from '$lib/rtc/callbacks/callbacks';
import { CallbackCourier } from '$lib/rtc/callbacks/courier';
import { openBrowserAttempts } from '$lib/storage/attempts';
import { AttemptLimiter } from '$lib/agents/tools/verification';
import { openMicrophone } from '$lib/audio/mic';
import type { VoiceAgent } from '$lib/voice/voice-agent.svelte';
import type { CallbackDetails } from '$lib/agents/human-link';
import { wireCall, wireHumanLink, wireNoHumanLink, type CallView } from './wire-call';

// The caller page's state: a thin reactive shell over the conversation core. Everything the page
// shows comes from session events (connected in wire-call.ts); nothing here decides anything
// about the call.

// Failed verification attempts are counted across this browser's calls (IndexedDB); where storage
// is unavailable they are counted for the page's lifetime.
/** How often signaling is tried again while it is unreachable (a broker down, the network back). */
const SIGNALING_RETRY_MS = 30_000;

let sharedAttempts: Promise<{ limiter: AttemptLimiter; device: string }> | null = null;
function attempts() {
	sharedAttempts ??= openBrowserAttempts().catch(() => ({
		limiter: AttemptLimiter.memory(),
		device: 'this-page'
	}));
	return sharedAttempts;
}

// One router per flow the page serves (the default, or one loaded with ?flow=), each with its
// model. The model comes off the main thread once the call has started (see #trainRouter);
// training in the page, a few hundred milliseconds on a 2-core device, happens only if the first
// routed turn comes before the model, and a page view loads nothing.
const routers = new WeakMap<Flow, { router: Router; model: Promise<RoutingModelReady> | null }>();
function routing(flow: Flow) {
	let r = routers.get(flow);
	if (!r) routers.set(flow, (r = { router: Router.deferred(flow), model: null }));
	return r;
}

/**
 * What earlier calls of this flow kept in this browser (bookings, tickets), and where a new record
 * goes; none where storage is unavailable (the call still runs, keeping records for itself).
 */
async function keptRecords(flow: Flow): Promise<{ store: IdbKeptRecords; rows: TableData } | null> {
	if (typeof indexedDB === 'undefined' || !flow.tables.some((t) => t.keep)) return null;
	try {
		const keys = Object.fromEntries(flow.tables.map((t) => [t.id, t.key]));
		const store = await IdbKeptRecords.open(flow.id, keys);
		return { store, rows: await store.load() };
	} catch {
		return null;
	}
}

export class CallController {
	#session: Session | null = null;
	#state = $state<CallState>('idle');
	#transcript = $state.raw<TranscriptEntry[]>([]);
	#owner = $state<string>('triage');
	#packages = $state.raw<ContextPackage[]>([]);
	#narration = $state<string | null>(null);
	#fallback = $state<FallbackChoice[] | null>(null);
	#outcome = $state<Outcome | null>(null);
	#busy = $state(false);
	#link: CallerLink | null = null;
	#signaling: Signaling | null = null;
	#linkStatus = $state<CallerLinkStatus>({ type: 'idle' });
	#remoteAudio = $state.raw<MediaStream | null>(null);
	#timings = $state<{ packageOnConsoleMs?: number; operatorAudioMs?: number }>({});
	#signalingReady: Promise<Signaling>;
	#manual = $state.raw<ManualSignaling | null>(null);
	#pairingCode = $state<string | null>(null);
	#safetyCode = $state<string | null>(null);
	#voice: VoiceAgent | null = null;
	#mode = $state<'voice' | 'text'>('text');
	/** Undoes this call's wiring between session, voice, human link and page. */
	#unwire: (() => void)[] = [];
	readonly #transport: TransportChoice;
	/** Signaling could not be opened (no network, the broker down): tried again later. */
	#signalingDown = false;
	#courier: CallbackCourier | null = null;
	/** Where each call's audit events are kept (a kiosk), if anywhere. */
	#audit: AuditLog | null = null;
	/** Where the last callback asked for with no way to reach the team was kept. */
	#callbackKept = $state<Kept | 'failed' | null>(null);

	constructor(transport: TransportChoice = { kind: 'broadcast' }) {
		this.#transport = transport;
		if (typeof indexedDB !== 'undefined') void attempts();
		// Connect to signaling as soon as the page loads, so reaching a person never waits on it.
		this.#signalingReady = this.#openSignaling();
		if (typeof addEventListener === 'function') {
			// The network is back: signaling again, and any callback kept meanwhile goes out.
			addEventListener('online', () => void this.#retrySignaling());
			setInterval(() => void this.#retrySignaling(), SIGNALING_RETRY_MS);
		}
	}

	/**
	 * Opens signaling; once open, callback requests kept on this device (asked for offline, before a
	 * reload) go to the first operator who is available.
	 */
	#openSignaling(): Promise<Signaling> {
		const ready = openSignaling(this.#transport);
		ready.then(
			(s) => {
				this.#signalingDown = false;
				if (s.kind !== 'manual') void this.#deliverCallbacks(s);
			},
			() => (this.#signalingDown = true)
		);
		return ready;
	}

	async #retrySignaling(): Promise<void> {
		if (!this.#signalingDown || (typeof navigator !== 'undefined' && !navigator.onLine)) return;
		this.#signalingDown = false;
		this.#signalingReady = this.#openSignaling();
		await this.#signalingReady.catch(() => {});
	}

	async #deliverCallbacks(signaling: Signaling): Promise<void> {
		if (this.#courier || typeof indexedDB === 'undefined') return;
		this.#courier = new CallbackCourier({ db: await openBatonDB(), signaling });
		if (this.#audit) this.#courier.keepAudit(this.#audit);
	}

	/** A callback asked for while the team could not be reached: kept until it can be sent. */
	async #keepCallback(details: CallbackDetails): Promise<void> {
		try {
			this.#callbackKept = await callbackStore(await openBatonDB()).add(details);
		} catch {
			this.#callbackKept = 'failed';
		}
		// Signaling may be back already (the broker returned during the call).
		void this.#retrySignaling();
		void this.#courier?.ask();
	}

	/**
	 * Where the last callback asked for with the team unreachable was kept: on this device
	 * ('stored'), only while the page stays open ('memory', storage full), or nowhere ('failed').
	 */
	get callbackKept() {
		return this.#callbackKept;
	}

	/** The company this page serves: the default flow, or the one ?flow= loaded. */
	get flow(): Flow {
		return pageFlow.flow;
	}

	get company(): string {
		return pageFlow.flow.company.name;
	}

	get state() {
		return this.#state;
	}
	get transcript() {
		return this.#transcript;
	}
	get owner() {
		return personaById(this.flow, this.#owner);
	}
	get packages() {
		return this.#packages;
	}
	get latestPackage(): ContextPackage | undefined {
		return this.#packages[this.#packages.length - 1];
	}
	get narration() {
		return this.#narration;
	}
	get fallback() {
		return this.#fallback;
	}
	get outcome() {
		return this.#outcome;
	}
	get busy() {
		return this.#busy;
	}
	/** Manual pairing: this caller's code to hand to an operator, once the offer is ready. */
	/** Manual pairing: the six digits the caller and the operator compare aloud. */
	get safetyCode() {
		return this.#safetyCode;
	}
	get pairingCode() {
		return this.#pairingCode;
	}
	get manualPairing() {
		return this.#manual !== null;
	}
	/** Manual pairing: the operator's answer code. Throws a `PairingCodeError` when malformed. */
	pairWith(code: string): void {
		this.#manual?.receive(code);
	}

	/** The voice layer (microphone, speech-to-text, the agents' voices), once the page has one. */
	attachVoice(voice: VoiceAgent): void {
		this.#voice = voice;
		// A language model that finishes loading mid-call joins the call from the next turn.
		$effect.root(() => {
			$effect(() => {
				const engine = voice.models.engine;
				if (engine && this.#session) this.#useEngine(this.#session, engine);
			});
		});
	}

	#useEngine(session: Session, engine: ChatEngine): void {
		session.responder = new LlmResponder({ engine });
		session.llmRouter = new LlmRouter({ engine, flow: this.flow });
	}

	/** Voice or text: a voice call still takes typing; a text call never opens the microphone. */
	get mode() {
		return this.#mode;
	}

	get linkStatus() {
		return this.#linkStatus;
	}
	get remoteAudio() {
		return this.#remoteAudio;
	}
	get timings() {
		return this.#timings;
	}
	get active() {
		return this.#state !== 'idle' && this.#state !== 'ended';
	}
	/** Whether the caller can type now: a person has the call, or the AI is waiting for them. */
	get canType() {
		return this.active && !this.#busy && this.#state !== 'handing_off';
	}

	async call(options: { voice?: boolean } = {}): Promise<void> {
		const voice = options.voice && this.#voice ? this.#voice : null;
		this.#mode = voice ? 'voice' : 'text';
		// A voice call starts every model it needs at once, in parallel; the greeting does not wait for
		// them (it was rendered at build time). A text call downloads no speech model at all.
		// The loads start once the greeting is sounding: on a returning visit they are all CPU
		// (cache reads, compiling), which would otherwise hold up its first words.
		if (voice) void voice.firstWords().then(() => voice.models.prepare());
		await this.#voice?.cancelSpeech();
		const [verification, kept] = await Promise.all([attempts(), keptRecords(this.flow)]);
		const keys = Object.fromEntries(this.flow.tables.map((t) => [t.id, t.key]));
		const session = new Session({
			flow: this.flow,
			dataset: kept ? withKept(pageFlow.data, kept.rows, keys) : pageFlow.data,
			...(kept ? { kept: kept.store } : {}),
			router: routing(this.flow).router,
			attempts: verification.limiter,
			device: verification.device,
			channel: this.#mode,
			human: 'external'
		});
		this.#session = session;
		if (this.#voice?.models.engine) this.#useEngine(session, this.#voice.models.engine);
		this.#transcript = [];
		this.#packages = [];
		this.#narration = null;
		this.#fallback = null;
		this.#outcome = null;
		this.#callbackKept = null;
		for (const undo of this.#unwire.splice(0)) undo();
		// A call started after the network came back: try signaling now, not at the next retry.
		if (this.#signalingDown) void this.#retrySignaling();
		const view = this.#view(session);
		this.#unwire.push(wireCall(session, view, voice));
		const audit = this.#audit;
		if (audit) {
			this.#unwire.push(
				session.on((e) => {
					if (e.type !== 'audit') return;
					// A call's record goes to the team once it has ended (or when they can be reached).
					const ended = e.event.type === 'call_ended';
					void audit
						.append(e.event)
						.then(() => (ended ? this.#courier?.ask() : undefined))
						.catch(() => {});
				})
			);
		}
		await session.start();
		this.#trainRouter(voice);
		await this.#connectHumanLink(session);
	}

	/**
	 * Gets the router its model once the greeting is sounding (a voice call) or shown, off the main
	 * thread: from this browser's IndexedDB (a returning visitor, a kiosk), else the model the build
	 * made for this flow, else trained in a worker. Once per page; a page view fetches nothing. A
	 * turn that comes first has the router train on the spot.
	 */
	#trainRouter(voice: VoiceAgent | null): void {
		const r = routing(this.flow);
		if (r.router.isTrained || r.model) return;
		const load = () => (r.model ??= fillRouter(r.router, this.flow, pageModelSources(assets)));
		if (voice) void voice.firstWords().then(load);
		else load();
	}

	/** The page's view of one call: session, voice and link news land here while it is the call. */
	#view(session: Session): CallView {
		const current = () => this.#session === session;
		return {
			state: (state) => current() && (this.#state = state),
			transcript: (entry) => current() && (this.#transcript = [...this.#transcript, entry]),
			owner: (id) => current() && (this.#owner = id),
			handoff: (pkg, narration) => {
				if (!current()) return;
				this.#packages = [...this.#packages, pkg];
				this.#narration = narration;
			},
			fallback: (options) => current() && (this.#fallback = options),
			ended: (outcome) => current() && (this.#outcome = outcome),
			timing: ({ packageOnConsoleMs, operatorAudioMs }) => {
				this.#timings = {
					...this.#timings,
					...(packageOnConsoleMs !== undefined ? { packageOnConsoleMs } : {}),
					...(operatorAudioMs !== undefined ? { operatorAudioMs } : {})
				};
			},
			busy: (busy) => current() && (this.#busy = busy),
			linkStatus: (status) => (this.#linkStatus = status),
			remoteAudio: (stream) => (this.#remoteAudio = stream),
			safetyCode: (code) => (this.#safetyCode = code)
		};
	}

	/** The human link is optional: without signaling, a human handoff offers queue/callback/AI. */
	async #connectHumanLink(session: Session): Promise<void> {
		this.#link?.close();
		try {
			this.#signaling ??= await this.#signalingReady;
			const signaling = this.#signaling;
			const manual = signaling.kind === 'manual';
			if (signaling instanceof ManualSignaling) {
				this.#manual = signaling;
				this.#pairingCode = null;
				signaling.onCode((code) => (this.#pairingCode = code));
			}
			const db = await openBatonDB();
			this.#link = new CallerLink({
				// Copying codes by hand takes a while; a signaled operator answers in seconds.
				// The flow says how long a caller waits for an operator (manual pairing takes longer).
				acceptTimeoutMs: manual ? 5 * 60_000 : this.flow.human.timeoutSeconds * 1000,
				line: session.human,
				signaling: this.#signaling,
				db,
				microphone: openMicrophone
			});
			this.#unwire.push(wireHumanLink(session, this.#link, this.#view(session)));
		} catch {
			this.#linkStatus = { type: 'failed', reason: 'signaling unavailable' };
			this.#unwire.push(wireNoHumanLink(session, (details) => this.#keepCallback(details)));
		}
	}

	async send(text: string): Promise<void> {
		if (!this.#session || !text.trim()) return;
		this.#busy = true;
		try {
			await this.#session.hear(text);
		} finally {
			this.#busy = false;
		}
	}

	async choose(choice: FallbackChoice): Promise<void> {
		this.#fallback = null;
		// Joining the queue: the position comes from the other callers waiting on signaling.
		const position = choice === 'queue' ? this.#link?.queuePosition : undefined;
		await this.#session?.chooseFallback(choice, position ? { position } : {});
	}

	/** Keeps every call's audit events in `log` (a kiosk keeps its redacted audit trail). */
	keepAudit(log: AuditLog): void {
		this.#audit = log;
		this.#courier?.keepAudit(log);
	}

	/** Forgets the last call: nothing of it stays on the page (a kiosk, before the next visitor). */
	clear(): void {
		if (this.active) this.hangUp();
		for (const undo of this.#unwire.splice(0)) undo();
		this.#link?.close();
		this.#link = null;
		this.#session = null;
		this.#state = 'idle';
		this.#transcript = [];
		this.#owner = triageOf(this.flow).id;
		this.#packages = [];
		this.#narration = null;
		this.#fallback = null;
		this.#outcome = null;
		this.#busy = false;
		this.#linkStatus = { type: 'idle' };
		this.#remoteAudio = null;
		this.#timings = {};
		this.#pairingCode = null;
		this.#safetyCode = null;
		this.#callbackKept = null;
	}

	hangUp(): void {
		void this.#voice?.cancelSpeech();
		void this.#voice?.stopListening();
		this.#session?.end();
		for (const undo of this.#unwire.splice(0)) undo();
		this.#link?.close();
		this.#link = null;
	}
}
