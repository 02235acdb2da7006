import type { ContextPackage } from '../agents/handoff/context-package';
import { uuid } from '../agents/ids';
import { admitPackage } from '../rtc/transfer/admit';
import { Link } from '../rtc/transfer/link';
import { openBatonDB, type Database } from '../storage/db';
import { Outbox, OUTBOX_TTL_MS, Received } from '../storage/outbox';
import {
	emptyCounts,
	faultyChannel,
	type FaultCounts,
	type Faults,
	type FaultPort
} from './fault-port';

// Handoffs through a faulty channel, for the delivery tests and `npm run bench:delivery`. One caller
// browser and one operator browser (each its own IndexedDB, kept across reloads) run handoffs one
// after another, as the product does: the caller's Link with an outbox scoped to the handoff, the
// operator's Link bound to the call it rings for, and the console's rule for what goes on screen
// (`admitPackage`). A reload is the page's links and screen thrown away and rebuilt from IndexedDB:
// after an operator reload the caller offers the handoff again to the new, empty screen; after a
// caller reload the handoff's link starts again from the outbox (the lab resumes it; the product's
// caller page does not resume a call, which is the `abandoned` scenario). Needs an IndexedDB
// (fake-indexeddb in Node).

export const SCENARIOS = [
	'clean',
	'drop',
	'duplicate',
	'reorder',
	'delay',
	'lost_ack',
	'close_mid_message',
	'reload_operator',
	'reload_caller',
	'everything',
	'abandoned'
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type HandoffResult = {
	scenario: Scenario;
	handoffId: string;
	/** False when the caller left for good mid-transfer: that call is over and nothing is owed. */
	owed: boolean;
	/** The package was on the operator's screen at the end, and the caller's outbox let it go. */
	delivered: boolean;
	/** Its messages still in the caller's outbox when the handoff ended (an abandoned one's wait). */
	waiting: number;
	/** Times the operator side took the handoff in as new (exactly once is the promise). */
	takenIn: number;
	/** The most times one screen had a package put on it (at most once is the promise). */
	mostOnOneScreen: number;
	/** Screens (rings) that showed it: more than one only after an operator reload. */
	screens: number;
	/** Packages of other calls that reached this call's operator link (refused there). */
	otherCalls: number;
	/** Typed errors the links reported (half messages dropped, resends, and so on). */
	errors: Record<string, number>;
	ms: number;
};

export type LabTiming = { heartbeatMs: number; deadAfterMs: number; resendMs: number };

const TIMING: LabTiming = { heartbeatMs: 50, deadAfterMs: 2000, resendMs: 40 };

function faultsFor(scenario: Scenario, random: () => number): Faults {
	switch (scenario) {
		case 'drop':
			return { drop: 0.25 };
		case 'duplicate':
			return { duplicate: 0.4 };
		case 'reorder':
			return { reorder: 0.4 };
		case 'delay':
			return { delayMs: [0, 25] };
		case 'lost_ack':
			return { loseAck: 0.6 };
		case 'reload_operator':
		case 'reload_caller':
		case 'abandoned':
			// Frames in flight when the page goes.
			return { delayMs: [0, 15] };
		case 'everything':
			return {
				drop: 0.1,
				duplicate: 0.15,
				reorder: 0.15,
				delayMs: [0, 10],
				loseAck: 0.3,
				...(random() < 0.5 ? { closeAfterFrames: 1 + Math.floor(random() * 6) } : {})
			};
		default:
			return {};
	}
}

type Side = { link: Link; port: FaultPort | null };

export class DeliveryLab {
	readonly #caller: Database;
	readonly #operator: Database;
	readonly #random: () => number;
	readonly #maxMessageSize: number;
	readonly #timing: LabTiming;
	readonly counts: FaultCounts = emptyCounts();
	#abandoned = 0;

	private constructor(
		caller: Database,
		operator: Database,
		options: { random: () => number; maxMessageSize: number; timing: LabTiming }
	) {
		this.#caller = caller;
		this.#operator = operator;
		this.#random = options.random;
		this.#maxMessageSize = options.maxMessageSize;
		this.#timing = options.timing;
	}

	/** `name` keeps labs apart; frames are cut at `maxMessageSize` so a package spans several. */
	static async open(
		name: string,
		options: { random: () => number; maxMessageSize?: number; timing?: Partial<LabTiming> }
	): Promise<DeliveryLab> {
		return new DeliveryLab(
			await openBatonDB(`${name}-caller`),
			await openBatonDB(`${name}-operator`),
			{
				random: options.random,
				maxMessageSize: options.maxMessageSize ?? 1500,
				timing: { ...TIMING, ...options.timing }
			}
		);
	}

	/** Handoffs whose caller went away for good mid-transfer. */
	get abandoned(): number {
		return this.#abandoned;
	}

	/** Messages still waiting in the caller's outbox, every handoff's (an abandoned one's included). */
	async waiting(at = Date.now()): Promise<number> {
		// Expiry runs when a link flushes; this does what the next call's first flush does.
		await new Outbox(this.#caller, { scope: 'expiry', now: () => at }).expire();
		return new Outbox(this.#caller, { scope: 'expiry' }).waiting();
	}

	/** How long after now every abandoned package has expired. */
	static get expiresAfterMs(): number {
		return OUTBOX_TTL_MS + 1;
	}

	/**
	 * One handoff of `pkg` (a fresh handoff and call id are given to it) under `scenario`; resolves
	 * when the package is on the operator's screen and out of the caller's outbox, or after
	 * `timeoutMs` with `delivered: false`.
	 */
	async handoff(
		base: ContextPackage,
		scenario: Scenario,
		timeoutMs = 15_000
	): Promise<HandoffResult> {
		const t0 = Date.now();
		const pkg: ContextPackage = { ...base, handoffId: uuid(), callId: uuid() };
		const rand = this.#random;
		const errors: Record<string, number> = {};
		const screens: { pkg: ContextPackage | null; shown: number }[] = [];
		let takenIn = 0;
		let otherCalls = 0;

		const callerSide = (): Side => {
			const link = new Link({
				outbox: new Outbox(this.#caller, { scope: pkg.handoffId }),
				received: new Received(this.#caller),
				...this.#timing
			});
			link.on((e) => {
				if (e.type === 'rejected') errors[e.error.code] = (errors[e.error.code] ?? 0) + 1;
			});
			return { link, port: null };
		};
		const operatorSide = (): Side => {
			// A (re)loaded console ringing for this call: a fresh screen, the same IndexedDB.
			const screen: { pkg: ContextPackage | null; shown: number } = { pkg: null, shown: 0 };
			screens.push(screen);
			const link = new Link({
				outbox: new Outbox(this.#operator, { scope: pkg.callId }),
				received: new Received(this.#operator),
				callId: pkg.callId,
				...this.#timing
			});
			link.on((e) => {
				if (e.type === 'rejected') {
					errors[e.error.code] = (errors[e.error.code] ?? 0) + 1;
					if (e.error.code === 'wrong_call') otherCalls++;
				}
				if (e.type !== 'message' || e.envelope.type !== 'package') return;
				if (!e.duplicate) takenIn++;
				const ring = { callId: pkg.callId, pkg: screen.pkg };
				if (admitPackage(ring, e.envelope.payload) === 'show') {
					screen.pkg = e.envelope.payload;
					screen.shown++;
				}
			});
			return { link, port: null };
		};
		let caller = callerSide();
		let operator = operatorSide();

		const connect = (faults: Faults) => {
			const [a, b] = faultyChannel({
				faults,
				random: rand,
				maxMessageSize: this.#maxMessageSize,
				counts: this.counts
			});
			caller.port = a;
			operator.port = b;
			caller.link.attach(a);
			operator.link.attach(b);
		};
		const faults = faultsFor(scenario, rand);
		// A close mid-message: after a few frames of the (chunked) package.
		if (scenario === 'close_mid_message') faults.closeAfterFrames = 1 + Math.floor(rand() * 4);
		connect(faults);
		const sent = caller.link.sendReliable('package', pkg);

		if (
			scenario === 'reload_operator' ||
			scenario === 'reload_caller' ||
			scenario === 'abandoned'
		) {
			// Mid-transfer: before the package is whole, after it is taken in but before the caller
			// hears so, or just after.
			await sent;
			await sleep(rand() * 45);
			caller.port?.close();
			if (scenario === 'reload_operator') {
				operator.link.close();
				operator = operatorSide();
			} else {
				caller.link.close();
				if (scenario === 'abandoned') {
					// The caller is gone for good; the call is over and nothing is owed to it.
					operator.link.close();
					this.#abandoned++;
					return {
						scenario,
						handoffId: pkg.handoffId,
						owed: false,
						waiting: (await new Outbox(this.#caller, { scope: pkg.handoffId }).pending()).length,
						delivered: screens[0]?.pkg !== null,
						takenIn,
						mostOnOneScreen: Math.max(...screens.map((s) => s.shown)),
						screens: screens.length,
						otherCalls,
						errors,
						ms: Date.now() - t0
					};
				}
				caller = callerSide();
			}
			await sleep(rand() * 10);
			connect({});
			// The reloaded console has an empty screen: the caller offers the handoff again, as the
			// caller's link does when its operator goes (the outbox keeps one copy per handoff).
			if (scenario === 'reload_operator') await caller.link.sendReliable('package', pkg);
		}

		const callerOutbox = new Outbox(this.#caller, { scope: pkg.handoffId });
		const done = async () =>
			screens.at(-1)?.pkg !== null && (await callerOutbox.pending()).length === 0;
		while (!(await done()) && Date.now() - t0 < timeoutMs) {
			// A closed channel is noticed and replaced, as an ICE restart or a new peer would.
			if (caller.port && !caller.port.isOpen) {
				await sleep(5);
				connect(scenario === 'everything' ? { ...faults, closeAfterFrames: undefined } : {});
			}
			await sleep(10);
		}
		const delivered = await done();
		caller.link.close();
		operator.link.close();
		// Hung up: not a fault, so not counted as one.
		caller.port?.shut();
		operator.port?.shut();
		return {
			scenario,
			handoffId: pkg.handoffId,
			owed: true,
			delivered,
			waiting: (await callerOutbox.pending()).length,
			takenIn,
			mostOnOneScreen: Math.max(...screens.map((s) => s.shown)),
			screens: screens.length,
			otherCalls,
			errors,
			ms: Date.now() - t0
		};
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
