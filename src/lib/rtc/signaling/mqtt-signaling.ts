import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { uuid } from '../../agents/ids';
import { parseSignal, type Signal, type Signaling } from './signaling';
import { BatonError } from '../../errors';

// Signaling over MQTT (WebSocket): the app's own server embeds a broker at /mqtt, and a mosquitto
// with the ACL from `npm run operator -- mosquitto-acl` works instead. The broker decides who is
// who: a caller is anonymous and named by its client id; an operator signs in with its account.
// Topics (under baton/v1; the broker enforces them, see server/broker.js):
//   presence/{operator}   retained presence, with a last will, written only by that operator
//   call/{caller}/up      all a caller says; only operators read it
//   call/{caller}/down    what operators say to that caller; only that caller reads it
// A message is believed only if its `from` matches the topic it came on.

const ROOT = 'baton/v1';

export type MqttCredentials = {
	/** The operator's account id. */
	id: string;
	/** Its password, or a token the embedded broker gave an earlier sign-in. */
	secret: string;
};

export type MqttConnectOptions = {
	/** Sign in as an operator; without it this client is an anonymous caller. */
	operator?: MqttCredentials;
	/** The Origin header to send from Node (a browser sends its own). */
	origin?: string;
};

/** What the embedded broker gives a signed-in console: a token for reconnects, and its name. */
export type SignInGrant = { token: string; name: string };

function parseGrant(text: string): SignInGrant | null {
	try {
		const g = JSON.parse(text) as Partial<SignInGrant>;
		return typeof g.token === 'string' && typeof g.name === 'string' && g.token.length < 300
			? { token: g.token, name: g.name.slice(0, 60) }
			: null;
	} catch {
		return null;
	}
}

/** Why a broker refused a client, in words for a person. */
export class SignInError extends BatonError {
	declare readonly code: 'bad_credentials' | 'not_authorized' | 'unreachable';
	constructor(code: SignInError['code'], message: string) {
		// An unreachable broker may come back; wrong credentials will not.
		super({ code, message, retryable: code === 'unreachable' });
	}
}

function signInError(e: unknown): SignInError {
	const code = (e as { code?: number }).code;
	if (code === 4) return new SignInError('bad_credentials', 'Wrong operator id or password.');
	if (code === 5) {
		return new SignInError(
			'not_authorized',
			'The broker refused this sign-in (too many failed attempts, or not allowed). Wait a minute and try again.'
		);
	}
	return new SignInError('unreachable', 'Could not reach the signaling broker.');
}

export class MqttSignaling implements Signaling {
	readonly kind = 'mqtt' as const;
	readonly selfId: string;
	readonly role: 'caller' | 'operator';
	/** The embedded broker's latest grant to this console (null on a mosquitto, or a caller). */
	grant: SignInGrant | null = null;
	readonly #client: MqttClient;
	readonly #listeners = new Set<(m: Signal) => void>();
	readonly #tokenListeners = new Set<(grant: SignInGrant) => void>();
	readonly #refusedListeners = new Set<(e: SignInError) => void>();

	private constructor(client: MqttClient, selfId: string, role: 'caller' | 'operator') {
		this.#client = client;
		this.selfId = selfId;
		this.role = role;
		client.on('message', (topic, payload) => {
			if (topic === `${ROOT}/op/${selfId}/token`) {
				const grant = parseGrant(payload.toString());
				if (!grant) return;
				// Reconnects use the token, so the password is not kept.
				client.options.password = grant.token;
				this.grant = grant;
				for (const l of this.#tokenListeners) l(grant);
				return;
			}
			const m = parseSignal(payload.toString());
			if (m && this.#believable(topic, m)) for (const l of this.#listeners) l(m);
		});
		client.on('error', (e) => {
			// A credential refused on a reconnect (an account removed, a token expired): stop trying.
			const code = (e as { code?: number }).code;
			if (code === 4 || code === 5) {
				client.end(true);
				for (const l of this.#refusedListeners) l(signInError(e));
			}
		});
	}

	/** Whether `m` really comes from who it says, judged by the topic the broker let it through on. */
	#believable(topic: string, m: Signal): boolean {
		const [, , kind, peer, leg] = topic.split('/');
		if (kind === 'presence') return m.type === 'presence' && m.from === peer;
		if (kind !== 'call') return false;
		if (leg === 'up') return m.from === peer && this.role === 'operator';
		// Down: from an operator to this caller. The broker lets only operators write here.
		return leg === 'down' && peer === this.selfId && 'to' in m && m.to === this.selfId;
	}

	/**
	 * Connects as an anonymous caller, or signs in as an operator (whose presence turns offline by
	 * last will if its tab vanishes). Throws `SignInError` when the broker refuses or is unreachable.
	 */
	static async connect(url: string, options: MqttConnectOptions = {}): Promise<MqttSignaling> {
		const op = options.operator;
		const selfId = op ? op.id : `c-${uuid().replaceAll('-', '')}`;
		const offline = {
			type: 'presence',
			from: selfId,
			status: 'offline',
			at: Date.now()
		} satisfies Signal;
		const opts: IClientOptions = {
			clientId: op ? `o-${op.id}-${uuid().slice(0, 8)}` : selfId,
			reconnectPeriod: 1000,
			connectTimeout: 5000,
			...(op ? { username: op.id, password: op.secret } : {}),
			...(options.origin ? { wsOptions: { headers: { Origin: options.origin } } } : {}),
			will: op
				? {
						topic: `${ROOT}/presence/${selfId}`,
						payload: new TextEncoder().encode(JSON.stringify(offline)) as Buffer,
						retain: true,
						qos: 1
					}
				: undefined
		};
		let client: MqttClient;
		try {
			client = await mqtt.connectAsync(url, opts, false);
		} catch (e) {
			throw signInError(e);
		}
		const s = new MqttSignaling(client, selfId, op ? 'operator' : 'caller');
		const topics = op
			? [`${ROOT}/presence/+`, `${ROOT}/call/+/up`, `${ROOT}/op/${selfId}/token`]
			: [`${ROOT}/presence/+`, `${ROOT}/call/${selfId}/down`];
		const refused = () => {
			client.end(true);
			return new SignInError('not_authorized', 'The broker did not let this client listen.');
		};
		const granted = await client.subscribeAsync(topics, { qos: 1 }).catch(() => {
			throw refused();
		});
		if (granted.some((g) => g.qos === 128)) throw refused();
		return s;
	}

	/** Called with each sign-in token the embedded broker issues (a mosquitto issues none). */
	onToken(listener: (grant: SignInGrant) => void): () => void {
		this.#tokenListeners.add(listener);
		return () => this.#tokenListeners.delete(listener);
	}

	/** Called if the broker refuses this client's credentials on a reconnect. */
	onRefused(listener: (e: SignInError) => void): () => void {
		this.#refusedListeners.add(listener);
		return () => this.#refusedListeners.delete(listener);
	}

	/** The broker routes by identity: this client already receives what is addressed to it. */
	async listenAs(peerId: string): Promise<void> {
		if (peerId !== this.selfId) {
			throw new Error(`This MQTT client is ${this.selfId}; it cannot listen as ${peerId}.`);
		}
	}

	send(m: Signal): void {
		if (m.from !== this.selfId) {
			console.warn('baton signaling: not sending a message in another peer’s name');
			return;
		}
		const body = JSON.stringify(m);
		if (this.role === 'caller') {
			this.#client.publish(`${ROOT}/call/${this.selfId}/up`, body, { qos: 1 });
		} else if (m.type === 'presence') {
			this.#client.publish(`${ROOT}/presence/${this.selfId}`, body, { retain: true, qos: 1 });
		} else if ('to' in m) {
			this.#client.publish(`${ROOT}/call/${m.to}/down`, body, { qos: 1 });
		}
		// An operator's 'who' or 'queue' has no one to go to: callers never ask operators' presence.
	}

	subscribe(listener: (m: Signal) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	close(): void {
		this.#listeners.clear();
		this.#tokenListeners.clear();
		this.#refusedListeners.clear();
		this.#client.end();
	}
}
