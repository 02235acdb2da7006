import type { SignInGrant } from '../rtc/signaling/mqtt-signaling';
import type { Signal, Signaling } from '../rtc/signaling/signaling';

// FAKE signaling for tests: writes down what a page sends and delivers what a test says it heard,
// with the manual transport's pairing codes and the broker's tokens and refusals. Not used by the
// product.

export class FakeSignaling implements Signaling {
	readonly sent: Signal[] = [];
	/** Pairing codes pasted in (manual pairing). */
	readonly pasted: string[] = [];
	readonly #listeners = new Set<(m: Signal) => void>();
	readonly #codes = new Set<(code: string) => void>();
	readonly #tokens = new Set<(grant: SignInGrant) => void>();
	readonly #refusals = new Set<(e: { message: string }) => void>();
	grant: SignInGrant | null = null;
	closed = false;
	constructor(
		readonly kind: Signaling['kind'] = 'broadcast',
		readonly selfId: string | null = null
	) {}
	receive(code: string) {
		this.pasted.push(code);
	}
	send(m: Signal) {
		this.sent.push(m);
	}
	subscribe(l: (m: Signal) => void) {
		this.#listeners.add(l);
		return () => this.#listeners.delete(l);
	}
	async listenAs() {}
	close() {
		this.closed = true;
	}
	hear(m: Signal) {
		for (const l of [...this.#listeners]) l(m);
	}
	// The manual and broker transports' own news.
	onCode(l: (code: string) => void) {
		this.#codes.add(l);
		return () => this.#codes.delete(l);
	}
	onToken(l: (grant: SignInGrant) => void) {
		this.#tokens.add(l);
		return () => this.#tokens.delete(l);
	}
	onRefused(l: (e: { message: string }) => void) {
		this.#refusals.add(l);
		return () => this.#refusals.delete(l);
	}
	code(c: string) {
		for (const l of this.#codes) l(c);
	}
	token(g: SignInGrant) {
		for (const l of this.#tokens) l(g);
	}
	refuse(message: string) {
		for (const l of this.#refusals) l({ message });
	}
	get listening() {
		return this.#listeners.size + this.#codes.size + this.#tokens.size + this.#refusals.size;
	}
	presence() {
		return this.sent.filter((m) => m.type === 'presence').at(-1);
	}
}
