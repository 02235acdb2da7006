import * as v from 'valibot';
import { parseSignal, type Signal, type Signaling } from './signaling';
import { BatonError } from '../../errors';

// Manual pairing for places with no server at all: each side's offer or answer, with every ICE
// candidate it gathered, becomes one code to copy (or scan as a QR code) into the other side. One
// code each way connects the peers; everything after that runs over the data channel.

/** The operator's fixed id in manual mode: a pairing code has nowhere else to say who it is for. */
export const MANUAL_OPERATOR_ID = 'manual-operator';

const CodeSchema = v.object({
	v: v.literal(1),
	from: v.string(),
	to: v.string(),
	description: v.unknown(),
	candidates: v.array(v.unknown())
});

export class PairingCodeError extends BatonError {
	constructor() {
		super({
			code: 'invalid_pairing_code',
			message:
				'That pairing code is not valid. Copy the whole code from the other screen and try again.'
		});
	}
}

export class ManualSignaling implements Signaling {
	readonly kind = 'manual' as const;
	readonly selfId = null;
	readonly #listeners = new Set<(m: Signal) => void>();
	readonly #codeListeners = new Set<(code: string) => void>();
	#pending: { from: string; to: string; description: Signal | null; candidates: Signal[] } | null =
		null;
	#selfId = '';
	/** The presence to report for the other side (callers see one operator: whoever pairs). */
	readonly #peerName: string;

	constructor(options: { peerName?: string } = {}) {
		this.#peerName = options.peerName ?? 'an operator (manual pairing)';
	}

	/** Called with each code this side must hand to the other side. */
	onCode(listener: (code: string) => void): () => void {
		this.#codeListeners.add(listener);
		return () => this.#codeListeners.delete(listener);
	}

	send(m: Signal): void {
		if (m.type === 'who' && this.#selfId !== MANUAL_OPERATOR_ID) {
			// Answer locally: in manual mode the operator is whoever receives the code.
			queueMicrotask(() =>
				this.#emit({
					type: 'presence',
					from: MANUAL_OPERATOR_ID,
					name: this.#peerName,
					status: 'available',
					at: Date.now()
				})
			);
			return;
		}
		if (m.type === 'description') {
			this.#pending = { from: m.from, to: m.to, description: m, candidates: [] };
		} else if (m.type === 'candidate' && this.#pending) {
			if (m.candidate) this.#pending.candidates.push(m);
			else this.#publish(); // End of candidates: the code is complete.
		}
	}

	#publish(): void {
		const p = this.#pending;
		if (!p?.description || p.description.type !== 'description') return;
		this.#pending = null;
		const body = {
			v: 1,
			from: p.from,
			to: p.to,
			description: p.description.description,
			candidates: p.candidates.map((c) => (c.type === 'candidate' ? c.candidate : null))
		};
		const code = toBase64(JSON.stringify(body));
		for (const l of this.#codeListeners) l(code);
	}

	/** Applies a code from the other side. Throws `PairingCodeError` for anything malformed. */
	receive(code: string): void {
		let body: v.InferOutput<typeof CodeSchema>;
		try {
			const json = JSON.parse(fromBase64(code.replace(/\s+/g, '')));
			body = v.parse(CodeSchema, json);
		} catch {
			throw new PairingCodeError();
		}
		const messages: unknown[] = [];
		if (
			this.#selfId === MANUAL_OPERATOR_ID &&
			body.description &&
			(body.description as { type?: string }).type === 'offer'
		) {
			messages.push({ type: 'ring', from: body.from, to: body.to, callId: 'manual' });
		}
		messages.push({
			type: 'description',
			from: body.from,
			to: body.to,
			description: body.description
		});
		for (const candidate of body.candidates)
			messages.push({ type: 'candidate', from: body.from, to: body.to, candidate });
		messages.push({ type: 'candidate', from: body.from, to: body.to, candidate: null });
		const parsed = messages.map((m) => parseSignal(m));
		if (parsed.some((m) => m === null)) throw new PairingCodeError();
		for (const m of parsed) this.#emit(m!);
	}

	subscribe(listener: (m: Signal) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	async listenAs(peerId: string): Promise<void> {
		this.#selfId = peerId;
	}

	close(): void {
		this.#listeners.clear();
		this.#codeListeners.clear();
	}

	#emit(m: Signal): void {
		for (const l of this.#listeners) l(m);
	}
}

function toBase64(text: string): string {
	let bin = '';
	for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
	return btoa(bin);
}

function fromBase64(code: string): string {
	const bin = atob(code);
	return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}
