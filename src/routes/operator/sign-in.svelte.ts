import { uuid } from '$lib/agents/ids';
import { MANUAL_OPERATOR_ID, type ManualSignaling } from '$lib/rtc/signaling/manual-signaling';
import type { MqttSignaling } from '$lib/rtc/signaling/mqtt-signaling';
import type { Signaling } from '$lib/rtc/signaling/signaling';
import { openSignaling, type TransportChoice } from '$lib/rtc/signaling/transport';
import { OperatorConsole } from './console.svelte';
import { firstGrant, wireConsole, type OpenLine } from './wire-console';

// How a console comes to be: over a broker an operator signs in with an account (see the README's
// Security section) and a reload signs in again with this tab's token; in a demo (BroadcastChannel)
// or with pairing codes the console opens at once and the operator only gives a name. The console
// it makes is wired by `wire-console.ts` and unwired when it closes.

/** A sign-in token kept for this tab only, so a reload does not ask for the password again. */
export const TOKEN_KEY = 'baton-operator-token';

type TokenStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
type Saved = { id: string; token: string; name?: string };

export class ConsoleSignIn {
	readonly choice: TransportChoice;
	#desk = $state<OperatorConsole | null>(null);
	/** The code to give back to the caller (manual pairing). */
	#answerCode = $state<string | null>(null);
	/** Why the console could not start at all. */
	#error = $state<string | null>(null);
	#signingIn = $state(false);
	#signInError = $state<string | null>(null);
	#signaling: Signaling | null = null;
	#unwire = () => {};
	#closed = false;
	readonly #tokens: TokenStore;
	readonly #open: typeof openSignaling;
	readonly #openLine: OpenLine | undefined;

	constructor(
		choice: TransportChoice,
		options: { tokens?: TokenStore; open?: typeof openSignaling; openLine?: OpenLine } = {}
	) {
		this.choice = choice;
		this.#tokens = options.tokens ?? sessionStorage;
		this.#open = options.open ?? openSignaling;
		this.#openLine = options.openLine;
	}

	get desk() {
		return this.#desk;
	}
	get answerCode() {
		return this.#answerCode;
	}
	get error() {
		return this.#error;
	}
	get signingIn() {
		return this.#signingIn;
	}
	get signInError() {
		return this.#signInError;
	}
	/** Over a broker the console signs in with an account. */
	get accountMode() {
		return this.choice.kind === 'mqtt';
	}
	get manualMode() {
		return this.choice.kind === 'manual';
	}

	/** Opens the console (over a broker: signs in again with this tab's token, if it has one);
	 * returns what closes it. */
	start(): () => void {
		if (this.choice.kind === 'mqtt') this.#resume();
		else {
			// In manual pairing a code cannot say which operator it is for, so the id is fixed.
			const operatorId = this.choice.kind === 'manual' ? MANUAL_OPERATOR_ID : uuid();
			this.#open(this.choice)
				.then((s) => {
					if (this.#closed) return s.close();
					this.#attach(s, operatorId);
				})
				.catch(() => {
					this.#error = 'This browser cannot open a BroadcastChannel for signaling.';
				});
		}
		return () => {
			this.#closed = true;
			this.#drop();
		};
	}

	/** Signs in to the broker with an account id and a password; resolves once available. */
	async signInWithPassword(id: string, password: string): Promise<void> {
		this.#signingIn = true;
		this.#signInError = null;
		try {
			await this.#signInToBroker(id.trim().toLowerCase(), password);
		} catch (err) {
			this.#signInError = (err as Error).message;
		} finally {
			this.#signingIn = false;
		}
	}

	/** A demo console's sign-in: a display name, and it is available. */
	async signInAs(name: string): Promise<void> {
		await this.#desk?.signIn(name);
	}

	/** Ends this console's session: presence offline, token forgotten, back to the sign-in form. */
	signOut(): void {
		this.#tokens.removeItem(TOKEN_KEY);
		this.#drop();
	}

	/** The caller's pairing code, pasted by the operator. */
	pair(code: string): void {
		this.#answerCode = null;
		if (this.#signaling?.kind === 'manual') (this.#signaling as ManualSignaling).receive(code);
	}

	#resume(): void {
		const saved = this.#tokens.getItem(TOKEN_KEY);
		if (!saved) return;
		let known: Saved;
		try {
			known = JSON.parse(saved);
			if (typeof known?.id !== 'string' || typeof known.token !== 'string') throw new Error();
		} catch {
			this.#tokens.removeItem(TOKEN_KEY);
			return;
		}
		this.#signingIn = true;
		void this.#signInToBroker(known.id, known.token, known.name)
			.catch(() => this.#tokens.removeItem(TOKEN_KEY))
			.finally(() => (this.#signingIn = false));
	}

	async #signInToBroker(id: string, secret: string, knownName?: string): Promise<void> {
		const s = (await this.#open(this.choice, { operator: { id, secret } })) as MqttSignaling;
		if (this.#closed) return s.close();
		const grant = await firstGrant(s);
		if (grant) this.#keep(id, grant);
		const desk = this.#attach(s, s.selfId, id);
		await desk.signIn(grant?.name ?? knownName ?? id);
	}

	#keep(id: string, grant: { token: string; name: string }): void {
		this.#tokens.setItem(TOKEN_KEY, JSON.stringify({ id, token: grant.token, name: grant.name }));
	}

	#attach(s: Signaling, operatorId: string, accountId = operatorId): OperatorConsole {
		this.#drop();
		const desk = new OperatorConsole(s, operatorId);
		this.#signaling = s;
		this.#desk = desk;
		this.#unwire = wireConsole(
			s,
			desk,
			{
				pairingCode: (code) => (this.#answerCode = code),
				token: (grant) => this.#keep(accountId, grant),
				refused: (message) => {
					this.#tokens.removeItem(TOKEN_KEY);
					this.#drop();
					this.#signInError = `Signed out: ${message}`;
				}
			},
			this.#openLine
		);
		return desk;
	}

	/** Unwires, signs out and closes the current console, if any. */
	#drop(): void {
		this.#unwire();
		this.#unwire = () => {};
		this.#desk?.signOut();
		this.#desk?.close();
		this.#desk = null;
		this.#signaling = null;
	}
}
