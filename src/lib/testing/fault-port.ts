import type { Port } from '../rtc/transfer/link';
import { memoryPair } from './memory-port';

// FAKE for tests and the delivery benchmark: a careless network between two links. Wraps any Port
// (the in-memory pair, or a real RTCDataChannel through `dataChannelPort`) and, frame by frame on
// the way out, drops, duplicates, holds back (reorders), delays, loses acknowledgements, and can
// close the channel after a given number of frames (in the middle of a chunked message). Seeded,
// so a failing run can be replayed. Not used by the product.

export type Faults = {
	/** Chance that a frame is lost. */
	drop?: number;
	/** Chance that a frame arrives twice. */
	duplicate?: number;
	/** Chance that a frame is held back and arrives after later ones. */
	reorder?: number;
	/** Each frame is delayed by a random time in this range (ms); frames overtake each other. */
	delayMs?: readonly [number, number];
	/** Chance that an acknowledgement is lost (on top of `drop`). */
	loseAck?: number;
	/** The channel closes after this many more frames leave this side. */
	closeAfterFrames?: number;
};

export type FaultCounts = {
	sent: number;
	dropped: number;
	duplicated: number;
	reordered: number;
	delayed: number;
	acksLost: number;
	closed: number;
};

/** A small seeded generator (mulberry32): the same seed gives the same faults. */
export function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function emptyCounts(): FaultCounts {
	return { sent: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, acksLost: 0, closed: 0 };
}

export type FaultPortOptions = {
	faults?: Faults;
	random?: () => number;
	/** Closes the channel underneath (both directions), e.g. `() => channel.close()`. */
	close?: () => void;
	/** Shared tallies, e.g. one object for both sides of a channel. */
	counts?: FaultCounts;
};

export class FaultPort implements Port {
	readonly #inner: Port;
	readonly #random: () => number;
	readonly #close: () => void;
	readonly counts: FaultCounts;
	faults: Faults;
	onmessage: ((data: unknown) => void) | null = null;
	#closed = false;
	#held: string[] = [];
	#heldTimer: ReturnType<typeof setTimeout> | undefined;
	#timers = new Set<ReturnType<typeof setTimeout>>();

	constructor(inner: Port, options: FaultPortOptions = {}) {
		this.#inner = inner;
		this.faults = { ...options.faults };
		this.#random = options.random ?? Math.random;
		this.#close = options.close ?? (() => {});
		this.counts = options.counts ?? emptyCounts();
		// Frames already on the wire when the channel closes still arrive, as over SCTP.
		inner.onmessage = (data) => this.onmessage?.(data);
	}

	get maxMessageSize(): number {
		return this.#inner.maxMessageSize;
	}

	get isOpen(): boolean {
		return !this.#closed && this.#inner.isOpen;
	}

	send(text: string): void {
		if (!this.isOpen) throw new Error('The channel is closed.');
		const f = this.faults;
		if (f.closeAfterFrames !== undefined) {
			if (f.closeAfterFrames <= 0) {
				this.close();
				throw new Error('The channel closed.');
			}
			f.closeAfterFrames--;
		}
		this.counts.sent++;
		if (this.#chance(f.drop)) {
			this.counts.dropped++;
			return;
		}
		if (f.loseAck && isAck(text) && this.#chance(f.loseAck)) {
			this.counts.acksLost++;
			return;
		}
		const copies = this.#chance(f.duplicate) ? 2 : 1;
		if (copies === 2) this.counts.duplicated++;
		for (let i = 0; i < copies; i++) {
			if (this.#chance(f.reorder)) {
				this.counts.reordered++;
				this.#hold(text);
			} else {
				this.#deliver(text);
				this.#release();
			}
		}
	}

	/** Closes the channel (both directions); frames still in flight are lost with it. */
	close(): void {
		if (this.#closed) return;
		this.counts.closed++;
		this.shut();
		this.#close();
	}

	/** Closes this side only, because the channel underneath closed. */
	shut(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
		clearTimeout(this.#heldTimer);
		this.#held = [];
	}

	#chance(p: number | undefined): boolean {
		return p !== undefined && p > 0 && this.#random() < p;
	}

	/** A held frame goes out after the next frame, or on its own a moment later. */
	#hold(text: string): void {
		this.#held.push(text);
		clearTimeout(this.#heldTimer);
		this.#heldTimer = setTimeout(() => this.#release(), 15);
	}

	#release(): void {
		const held = this.#held;
		this.#held = [];
		for (const t of held) this.#deliver(t);
	}

	#deliver(text: string): void {
		const [min, max] = this.faults.delayMs ?? [0, 0];
		if (max <= 0) return this.#write(text);
		this.counts.delayed++;
		const t = setTimeout(
			() => {
				this.#timers.delete(t);
				this.#write(text);
			},
			min + this.#random() * (max - min)
		);
		this.#timers.add(t);
	}

	#write(text: string): void {
		if (!this.isOpen) return;
		try {
			this.#inner.send(text);
		} catch {
			// The channel underneath went away: the frame is lost with it, as on a real network.
		}
	}
}

function isAck(text: string): boolean {
	try {
		const json: unknown = JSON.parse(text);
		return typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'ack';
	} catch {
		return false;
	}
}

/**
 * An in-memory channel with faults on both directions. Closing either side closes both, like an
 * RTCDataChannel; a fresh channel (as after a reload or an ICE restart) is a new `faultyChannel`.
 */
export function faultyChannel(
	options: {
		faults?: Faults;
		random?: () => number;
		maxMessageSize?: number;
		counts?: FaultCounts;
	} = {}
): [FaultPort, FaultPort] {
	const [ma, mb] = memoryPair(options.maxMessageSize);
	const counts = options.counts ?? emptyCounts();
	const ports: FaultPort[] = [];
	const close = () => {
		for (const p of ports) p.shut();
		// After the frames already sent (queued before this) have arrived.
		queueMicrotask(() => {
			ma.connected = false;
			mb.connected = false;
		});
	};
	const make = (inner: Port) =>
		new FaultPort(inner, { faults: options.faults, random: options.random, counts, close });
	ports.push(make(ma), make(mb));
	return [ports[0]!, ports[1]!];
}
