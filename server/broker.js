// The embedded MQTT broker's rules: who may connect, publish and subscribe. The same rules are
// written for mosquitto by `mosquittoAcl()` (see the README's Security section).
//
// Topics (all under baton/v1):
//   presence/{operator}   retained presence; written by that operator only, read by everyone
//   call/{caller}/up      everything a caller says (ring, offer, candidates, queue, callback);
//                         written by that caller only, read by operators only
//   call/{caller}/down    what operators say to that caller; written by operators, read by that
//                         caller only
//   op/{operator}/token   the embedded broker's sign-in token for that operator's console, with
//                         the account's display name: {"token": "...", "name": "..."}
// A caller is anonymous and is named by its MQTT client id ("c-" and a random id); an operator
// signs in with its account id and password (or a token), and is named by the account id.
import { randomBytes } from 'node:crypto';
import { Aedes } from 'aedes';
import { issueToken, OPERATOR_ID, tokenOperator, verifyPassword } from './operators.js';

export const ROOT = 'baton/v1';
export const CALLER_ID = /^c-[A-Za-z0-9_-]{16,64}$/;
/** Largest MQTT payload accepted: an SDP offer with audio is about 6 KB. */
export const MAX_PAYLOAD = 32 * 1024;

const CALLER_TYPES = new Set([
	'who',
	'ring',
	'description',
	'candidate',
	'bye',
	'callback',
	'audit',
	'queue'
]);
const OPERATOR_TYPES = new Set([
	'presence',
	'description',
	'candidate',
	'bye',
	'callback_ack',
	'audit_ack',
	'position'
]);

/**
 * @typedef {{ role: 'caller' | 'operator', id: string, bucket: { tokens: number, at: number }, subs: number }} Identity
 * @typedef {{ rate?: number, burst?: number, maxSubscriptions?: number, failedLogins?: number, failedLoginsPerAddress?: number, lockoutMs?: number }} Limits
 */

/** The MQTT CONNACK codes a refused client gets. */
const REFUSED = { badId: 2, badCredentials: 4, notAuthorized: 5 };

/** @param {number} code @param {string} message */
function refusal(code, message) {
	const e = /** @type {Error & { returnCode: number }} */ (new Error(message));
	e.returnCode = code;
	return e;
}

/** The sender a payload claims, if it is a JSON object with a known type. */
function claim(/** @type {Buffer | string} */ payload) {
	try {
		const m = JSON.parse(payload.toString());
		return m && typeof m === 'object' && typeof m.type === 'string' && typeof m.from === 'string'
			? { type: m.type, from: m.from }
			: null;
	} catch {
		return null;
	}
}

/**
 * The broker policy. `accounts()` returns the current operator accounts; `secret` signs tokens.
 * @param {{ accounts: () => Map<string, import('./operators.js').Account>, secret?: Buffer, limits?: Limits, now?: () => number }} options
 */
export function brokerPolicy({ accounts, secret = randomBytes(32), limits = {}, now = Date.now }) {
	const rate = limits.rate ?? 20;
	const burst = limits.burst ?? 60;
	const maxSubscriptions = limits.maxSubscriptions ?? 8;
	// Per account, and (higher, as a support floor shares one address) per address.
	const failedLogins = limits.failedLogins ?? 5;
	const failedLoginsPerAddress = limits.failedLoginsPerAddress ?? 30;
	const lockoutMs = limits.lockoutMs ?? 60_000;
	/** Failed sign-ins by account id and by address, each { count, until }. */
	const failures = new Map();
	/** @type {WeakMap<object, Identity>} */
	const who = new WeakMap();

	const lockedOut = (/** @type {string} */ key) => (failures.get(key)?.until ?? 0) > now();
	const failed = (/** @type {string} */ key, /** @type {number} */ limit) => {
		const f = failures.get(key) ?? { count: 0, until: 0 };
		f.count++;
		if (f.count >= limit) {
			f.until = now() + lockoutMs;
			f.count = 0;
		}
		failures.set(key, f);
		if (failures.size > 10_000) failures.delete(failures.keys().next().value);
	};

	/** @param {any} client */
	const identify = (client, /** @type {'caller' | 'operator'} */ role, /** @type {string} */ id) =>
		who.set(client, { role, id, bucket: { tokens: burst, at: now() }, subs: 0 });

	/** Token bucket: `rate` messages a second, bursts of `burst`. */
	const withinRate = (/** @type {Identity} */ me) => {
		const t = now();
		me.bucket.tokens = Math.min(burst, me.bucket.tokens + ((t - me.bucket.at) / 1000) * rate);
		me.bucket.at = t;
		if (me.bucket.tokens < 1) return false;
		me.bucket.tokens -= 1;
		return true;
	};

	return {
		secret,
		identity: (/** @type {any} */ client) => who.get(client) ?? null,
		/** @type {import('aedes').AuthenticateHandler} */
		authenticate(client, username, password, done) {
			if (!username) {
				if (!CALLER_ID.test(client.id)) {
					return done(
						refusal(REFUSED.badId, 'A caller id is "c-" and 16 to 64 letters or digits.'),
						false
					);
				}
				identify(client, 'caller', client.id);
				return done(null, true);
			}
			const address = client.req?.socket?.remoteAddress ?? client.conn?.remoteAddress ?? 'unknown';
			const id = String(username);
			const given = password ? password.toString() : '';
			if (lockedOut(`id:${id}`) || lockedOut(`ip:${address}`)) {
				return done(
					refusal(REFUSED.notAuthorized, 'Too many failed sign-ins; try again in a minute.'),
					false
				);
			}
			const account = OPERATOR_ID.test(id) ? (accounts().get(id) ?? null) : null;
			if (account && secret && tokenOperator(given, secret, now()) === id) {
				identify(client, 'operator', id);
				return done(null, true);
			}
			verifyPassword(account, given).then(
				(ok) => {
					if (!ok) {
						failed(`id:${id}`, failedLogins);
						failed(`ip:${address}`, failedLoginsPerAddress);
						return done(refusal(REFUSED.badCredentials, 'Wrong operator id or password.'), false);
					}
					failures.delete(`id:${id}`);
					identify(client, 'operator', id);
					done(null, true);
				},
				() => done(refusal(REFUSED.notAuthorized, 'Sign-in failed.'), false)
			);
		},
		/** @type {import('aedes').AuthorizePublishHandler} */
		authorizePublish(client, packet, done) {
			const me = client ? who.get(client) : null;
			if (!me) return done(new Error('not signed in'));
			const fail = (/** @type {string} */ why) => done(new Error(why));
			const payload = packet.payload ?? '';
			if (payload.length > MAX_PAYLOAD) return fail('message too large');
			if (!withinRate(me)) return fail('too many messages');
			const levels = packet.topic.split('/');
			if (levels.length < 3 || `${levels[0]}/${levels[1]}` !== ROOT)
				return fail('topic not allowed');
			const [kind, target, leg] = levels.slice(2);
			// An operator may clear or set only its own presence (its last will included).
			if (
				me.role === 'operator' &&
				kind === 'presence' &&
				target === me.id &&
				levels.length === 4
			) {
				if (payload.length === 0) return done(null);
				const c = claim(payload);
				return c && c.type === 'presence' && c.from === me.id
					? done(null)
					: fail('presence must be your own');
			}
			if (packet.retain) return fail('only presence is retained');
			if (kind !== 'call' || levels.length !== 5 || !CALLER_ID.test(target ?? ''))
				return fail('topic not allowed');
			const c = claim(payload);
			if (!c || c.from !== me.id) return fail('a message must name its sender');
			if (me.role === 'caller' && leg === 'up' && target === me.id && CALLER_TYPES.has(c.type))
				return done(null);
			if (me.role === 'operator' && leg === 'down' && OPERATOR_TYPES.has(c.type)) return done(null);
			return fail('not allowed');
		},
		/** @type {import('aedes').AuthorizeSubscribeHandler} */
		authorizeSubscribe(client, sub, done) {
			const me = client ? who.get(client) : null;
			const deny = () => done(null, null);
			if (!me || me.subs >= maxSubscriptions) return deny();
			const t = sub.topic;
			const allowed =
				t === `${ROOT}/presence/+` ||
				(me.role === 'caller' && t === `${ROOT}/call/${me.id}/down`) ||
				(me.role === 'operator' &&
					(t === `${ROOT}/call/+/up` || t === `${ROOT}/op/${me.id}/token`));
			if (!allowed) return deny();
			me.subs++;
			done(null, sub);
		}
	};
}

/**
 * An aedes broker that enforces `brokerPolicy`, and gives each operator console a token on
 * `op/{id}/token` when it subscribes there.
 * @param {Parameters<typeof brokerPolicy>[0]} options
 */
export async function createBroker(options) {
	const policy = brokerPolicy(options);
	const broker = await Aedes.createBroker({
		authenticate: policy.authenticate,
		authorizePublish: policy.authorizePublish,
		authorizeSubscribe: policy.authorizeSubscribe
	});
	broker.on('subscribe', (subs, client) => {
		const me = policy.identity(client);
		if (me?.role !== 'operator') return;
		const topic = `${ROOT}/op/${me.id}/token`;
		if (!subs.some((s) => s.topic === topic)) return;
		broker.publish(
			{
				cmd: 'publish',
				topic,
				payload: Buffer.from(
					JSON.stringify({
						token: issueToken(me.id, policy.secret),
						name: options.accounts().get(me.id)?.name ?? me.id
					})
				),
				qos: 0,
				retain: false,
				dup: false
			},
			() => {}
		);
	});
	return broker;
}

/**
 * Whether a WebSocket upgrade may reach the broker: a browser page of this app (same host) or of
 * an origin listed in `allowed` (from BATON_ALLOWED_ORIGINS).
 * @param {import('node:http').IncomingMessage} req
 * @param {string[]} allowed
 */
export function originAllowed(req, allowed = []) {
	const origin = req.headers.origin;
	if (!origin) return false;
	if (allowed.includes(origin)) return true;
	try {
		return new URL(origin).host === req.headers.host;
	} catch {
		return false;
	}
}

/**
 * The ACL file that gives a mosquitto broker the same rules for `operators` (with
 * `allow_anonymous true` for callers and a password file for the operators).
 * @param {string[]} operators
 */
export function mosquittoAcl(operators) {
	const lines = [
		'# Baton signaling ACL (generated by "npm run operator -- mosquitto-acl").',
		"# Every client: read operator presence; a caller writes only its own call's up topic and",
		'# reads only its own down topic (%c is the MQTT client id, "c-…" for callers).',
		`pattern read ${ROOT}/presence/+`,
		`pattern write ${ROOT}/call/%c/up`,
		`pattern read ${ROOT}/call/%c/down`,
		'# An operator (%u is its account id) writes its own presence, and talks with every caller.',
		`pattern write ${ROOT}/presence/%u`,
		''
	];
	for (const id of operators) {
		lines.push(`user ${id}`, `topic read ${ROOT}/call/+/up`, `topic write ${ROOT}/call/+/down`, '');
	}
	return lines.join('\n');
}
