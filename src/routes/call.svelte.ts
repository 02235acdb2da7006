import type { ContextPackage, TranscriptEntry } from '$lib/agents/handoff/context-package';
import { demoDataset, demoFlow } from '$lib/agents/demo';
import { personaById } from '$lib/agents/flow';
import { LlmResponder } from '$lib/agents/llm-responder';
import { LlmRouter, type ChatEngine } from '$lib/agents/routing/llm-router';
import { Router } from '$lib/agents/routing/router';
import { Session, type CallState, type FallbackChoice, type Outcome } from '$lib/agents/session';
import { CallerLink, type CallerLinkStatus } from '$lib/rtc/transfer/caller-link';
import type { Signaling } from '$lib/rtc/signaling/signaling';
import { ManualSignaling } from '$lib/rtc/signaling/manual-signaling';
import { openSignaling, type TransportChoice } from '$lib/rtc/signaling/transport';
import { openBatonDB } from '$lib/storage/db';
import { openBrowserAttempts } from '$lib/storage/attempts';
import { AttemptLimiter } from '$lib/agents/tools/verification';
import { openMicrophone } from '$lib/audio/mic';
import type { VoiceAgent } from '$lib/voice/voice-agent.svelte';
import { wireCall, wireHumanLink, wireNoHumanLink, type CallView } from './wire-call';

// The caller page's state: a thin reactive shell over the conversation core. Everything the page
// shows comes from session events (connected in wire-call.ts); nothing here decides anything
// about the call.

// Failed verification attempts are counted across this browser's calls (IndexedDB); where storage
// is unavailable they are counted for the page's lifetime.
let sharedAttempts: Promise<{ limiter: AttemptLimiter; device: string }> | null = null;
function attempts() {
	sharedAttempts ??= openBrowserAttempts().catch(() => ({
		limiter: AttemptLimiter.memory(),
		device: 'this-page'
	}));
	return sharedAttempts;
}

let sharedRouter: Router | null = null;
function router(): Router {
	// Training takes milliseconds, but there is no reason to repeat it for every call.
	sharedRouter ??= Router.train(demoFlow);
	return sharedRouter;
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

	constructor(transport: TransportChoice = { kind: 'broadcast' }) {
		// Training takes a few hundred milliseconds of main thread: done while the visitor reads the
		// page, so pressing Call goes straight to the greeting.
		if (typeof requestIdleCallback === 'function') requestIdleCallback(() => router());
		if (typeof indexedDB !== 'undefined') void attempts();
		// Connect to signaling as soon as the page loads, so reaching a person never waits on it.
		this.#signalingReady = openSignaling(transport);
		this.#signalingReady.catch(() => {});
	}

	readonly flow = demoFlow;
	readonly company = demoDataset.company.name;

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
		const verification = await attempts();
		const session = new Session({
			flow: this.flow,
			dataset: demoDataset,
			router: router(),
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
		for (const undo of this.#unwire.splice(0)) undo();
		const view = this.#view(session);
		this.#unwire.push(wireCall(session, view, voice));
		await session.start();
		await this.#connectHumanLink(session);
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
				acceptTimeoutMs: manual ? 5 * 60_000 : 30_000,
				line: session.human,
				signaling: this.#signaling,
				db,
				microphone: openMicrophone
			});
			this.#unwire.push(wireHumanLink(session, this.#link, this.#view(session)));
		} catch {
			this.#linkStatus = { type: 'failed', reason: 'signaling unavailable' };
			this.#unwire.push(wireNoHumanLink(session));
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

	hangUp(): void {
		void this.#voice?.cancelSpeech();
		void this.#voice?.stopListening();
		this.#session?.end();
		for (const undo of this.#unwire.splice(0)) undo();
		this.#link?.close();
		this.#link = null;
	}
}
