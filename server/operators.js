// Operator accounts: who may sign in to the console and take calls. Kept in one JSON file on the
// server (salted scrypt hashes, never passwords), managed with `npm run operator`. The embedded
// broker checks a console's MQTT credentials against it, and gives a signed-in console a short-lived
// token so a reload does not ask for the password again.
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/** Where accounts live unless `BATON_OPERATORS` says otherwise. Not in the repository. */
export const DEFAULT_OPERATORS_FILE = 'operators.json';

// An id is a topic level and a mosquitto username: lowercase, no wildcards, no slashes.
export const OPERATOR_ID = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const MIN_PASSWORD = 10;
const MAX_PASSWORD = 200;
// scrypt's cost: about 50 ms and 16 MiB per check on a small server.
const COST = { N: 16384, r: 8, p: 1 };
const KEYLEN = 32;

export class OperatorAccountError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'OperatorAccountError';
	}
}

/**
 * @typedef {{ id: string, name: string, salt: string, hash: string, N: number, r: number, p: number, createdAt: string }} Account
 */

/** @param {string} password @param {Buffer} salt @param {{N:number,r:number,p:number}} cost */
function derive(password, salt, cost) {
	return /** @type {Promise<Buffer>} */ (
		new Promise((ok, fail) =>
			scrypt(
				password.normalize('NFKC'),
				salt,
				KEYLEN,
				{ ...cost, maxmem: 64 * 1024 * 1024 },
				(e, key) => (e ? fail(e) : ok(key))
			)
		)
	);
}

/** Checks an id, a display name and a password before anything is written. */
export function checkNewAccount(
	/** @type {string} */ id,
	/** @type {string} */ name,
	/** @type {string} */ password
) {
	if (!OPERATOR_ID.test(id)) {
		throw new OperatorAccountError(
			`"${id.slice(0, 40)}" is not a valid operator id: use 1 to 32 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit.`
		);
	}
	if (!name.trim() || name.length > 60) {
		throw new OperatorAccountError('The display name must be 1 to 60 characters.');
	}
	checkPassword(password);
}

export function checkPassword(/** @type {string} */ password) {
	if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
		throw new OperatorAccountError(
			`A password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.`
		);
	}
}

/** A new account record for `id`, with a fresh salt. */
export async function makeAccount(
	/** @type {string} */ id,
	/** @type {string} */ name,
	/** @type {string} */ password
) {
	checkNewAccount(id, name, password);
	const salt = randomBytes(16);
	const hash = await derive(password, salt, COST);
	return /** @type {Account} */ ({
		id,
		name: name.trim(),
		salt: salt.toString('base64'),
		hash: hash.toString('base64'),
		...COST,
		createdAt: new Date().toISOString()
	});
}

// A fixed account checked when the id is unknown, so an unknown id costs as long as a wrong password.
const DECOY = makeAccount('decoy', 'Decoy', randomBytes(24).toString('base64'));

/** True when `password` is the account's; takes the same time for an unknown account (pass null). */
export async function verifyPassword(
	/** @type {Account | null} */ account,
	/** @type {string} */ password
) {
	const a = account ?? (await DECOY);
	if (password.length > MAX_PASSWORD) return false;
	const expected = Buffer.from(a.hash, 'base64');
	const got = await derive(password, Buffer.from(a.salt, 'base64'), a);
	return timingSafeEqual(expected, got) && account !== null;
}

/**
 * Reads the accounts file. A missing file is no accounts; a file that is not what `npm run
 * operator` writes is an error that says so (the server refuses to guess).
 * @param {string} file
 * @returns {Map<string, Account>}
 */
export function readAccounts(file) {
	if (!existsSync(file)) return new Map();
	let data;
	try {
		data = JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		throw new OperatorAccountError(
			`${file} is not valid JSON: fix it or recreate it with "npm run operator".`
		);
	}
	if (!data || data.version !== 1 || !Array.isArray(data.operators)) {
		throw new OperatorAccountError(`${file} is not an operator accounts file (version 1).`);
	}
	const accounts = new Map();
	for (const a of data.operators) {
		const ok =
			a &&
			typeof a.id === 'string' &&
			OPERATOR_ID.test(a.id) &&
			typeof a.name === 'string' &&
			typeof a.salt === 'string' &&
			typeof a.hash === 'string' &&
			[a.N, a.r, a.p].every((n) => Number.isInteger(n) && n > 0) &&
			a.N <= 1 << 20;
		if (!ok) throw new OperatorAccountError(`${file} has a malformed account entry.`);
		accounts.set(a.id, a);
	}
	return accounts;
}

/** Writes the accounts file atomically, readable by its owner only. */
export function writeAccounts(
	/** @type {string} */ file,
	/** @type {Map<string, Account>} */ accounts
) {
	const tmp = `${file}.${process.pid}.tmp`;
	const body = {
		version: 1,
		operators: [...accounts.values()].sort((a, b) => a.id.localeCompare(b.id))
	};
	writeFileSync(tmp, `${JSON.stringify(body, null, '\t')}\n`, { mode: 0o600 });
	chmodSync(tmp, 0o600);
	renameSync(tmp, file);
}

/**
 * The accounts, re-read when the file changes, so `npm run operator -- remove` takes effect
 * without a restart. A file that turns bad keeps the last good accounts and logs why.
 * @param {string} file
 */
export function accountsSource(file) {
	let stamp = '';
	/** @type {Map<string, Account>} */
	let accounts = new Map();
	return () => {
		let next = 'missing';
		try {
			const s = statSync(file);
			next = `${s.mtimeMs}:${s.size}`;
		} catch {
			// No file: no accounts.
		}
		if (next !== stamp) {
			try {
				accounts = readAccounts(file);
			} catch (e) {
				console.error(
					`baton server: ${/** @type {Error} */ (e).message} Keeping the accounts read before.`
				);
			}
			stamp = next;
		}
		return accounts;
	};
}

// Console tokens: "t1.<id>.<expiry ms>.<hmac>", signed with a per-server secret.
const TOKEN = /^t1\.([a-z0-9._-]{1,32})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

/** A token for `id`, valid for `ttlMs`. */
export function issueToken(
	/** @type {string} */ id,
	/** @type {Buffer} */ secret,
	ttlMs = 12 * 3600_000,
	now = Date.now()
) {
	const body = `t1.${id}.${now + ttlMs}`;
	return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The operator id a token was issued to, or null when it is forged, altered or expired. */
export function tokenOperator(
	/** @type {string} */ token,
	/** @type {Buffer} */ secret,
	now = Date.now()
) {
	const m = TOKEN.exec(token);
	if (!m) return null;
	const body = `t1.${m[1]}.${m[2]}`;
	const mac = createHmac('sha256', secret).update(body).digest();
	const given = Buffer.from(m[3], 'base64url');
	if (given.length !== mac.length || !timingSafeEqual(given, mac)) return null;
	return Number(m[2]) > now ? m[1] : null;
}
