import { digitRuns, luhnValid, wordsBefore } from './digits';

// Redaction runs on every caller turn before the text is stored anywhere: the transcript, the
// context package and the audit log only ever see the redacted form. Full card numbers, CVVs, PINs,
// passwords and national ids never leave this function; a card keeps its last four digits.

export type Redaction = {
	text: string;
	/** Last four digits of each payment card number that was removed. */
	cardLast4: string[];
	/** How many secrets were removed, by kind. */
	removed: Partial<Record<SecretKind, number>>;
};

export type SecretKind = 'card' | 'cvv' | 'pin' | 'password' | 'national_id' | 'long_number';

const PIN_WORDS = new Set(['pin', 'passcode', 'pincode']);
const CVV_WORDS = new Set(['cvv', 'cvc', 'cvv2', 'csc', 'security', 'back']);
const ID_WORDS = new Set(['ssn', 'social', 'sin', 'national', 'passport', 'tax']);

function classify(run: { digits: string; shape: string }, before: string[]): SecretKind | null {
	const n = run.digits.length;
	if (n >= 13 && n <= 19) return luhnValid(run.digits) ? 'card' : 'long_number';
	if (n === 9 && /^ddd[- ]dd[- ]dddd$/.test(run.shape)) return 'national_id';
	if (before.some((w) => ID_WORDS.has(w)) && n >= 6 && n <= 12) return 'national_id';
	if (before.some((w) => CVV_WORDS.has(w)) && (n === 3 || n === 4)) return 'cvv';
	if (before.some((w) => PIN_WORDS.has(w)) && n >= 4 && n <= 8) return 'pin';
	return null;
}

const LABEL: Record<SecretKind, string> = {
	card: '[card]',
	cvv: '[CVV removed]',
	pin: '[PIN removed]',
	password: '[password removed]',
	national_id: '[ID number removed]',
	long_number: '[number removed]'
};

export function redact(text: string): Redaction {
	const cardLast4: string[] = [];
	const removed: Partial<Record<SecretKind, number>> = {};
	const cuts: { start: number; end: number; label: string }[] = [];
	for (const run of digitRuns(text)) {
		const kind = classify(run, wordsBefore(text, run.start, 5));
		if (!kind) continue;
		removed[kind] = (removed[kind] ?? 0) + 1;
		let label = LABEL[kind];
		if (kind === 'card') {
			const last4 = run.digits.slice(-4);
			cardLast4.push(last4);
			label = `[card ending ${last4}]`;
		}
		cuts.push({ start: run.start, end: run.end, label });
	}
	for (const m of text.matchAll(/\b(password|passphrase|passwd)\b(\s+(is|was)\b)?[\s:]*(\S+)/gi)) {
		const secret = m[4]!;
		const start = m.index + m[0].length - secret.length;
		if (cuts.some((c) => start < c.end && start + secret.length > c.start)) continue;
		removed.password = (removed.password ?? 0) + 1;
		cuts.push({ start, end: start + secret.length, label: LABEL.password });
	}
	cuts.sort((a, b) => b.start - a.start);
	let out = text;
	for (const c of cuts) out = out.slice(0, c.start) + c.label + out.slice(c.end);
	return { text: out, cardLast4, removed };
}

/**
 * Scrubs any string bound for a log or a package (tool results, notes) with the same rules. Cheap
 * enough to run on everything that leaves the session.
 */
export function scrub(text: string): string {
	return redact(text).text;
}
