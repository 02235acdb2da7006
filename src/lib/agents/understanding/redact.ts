import {
	ABOUT_PASSWORDS,
	cueOf,
	DETERMINERS,
	GLUE,
	LEAD_INS,
	LONGEST_CUE,
	OF_WORDS,
	PASSWORD_STOPS,
	QUANTITY_AFTER,
	type CueKind,
	type SecretKind
} from './redact-cues';
import { luhnValid } from './digits';
import { ibanValid, numberRuns, tokenize, type Run, type Token } from './spoken-tokens';

// Redaction runs on every caller turn before the text is stored anywhere: the transcript, the
// context package and the audit log only ever see the redacted form. Full card numbers, CVVs, PINs,
// passwords, national ids and bank account numbers never leave this function; a card keeps its
// last four digits. The same rules scrub everything else that leaves a session.
//
// A number is judged by what the caller says it is (the cue before or after it: "pin is 4821",
// "1357, that's my pin") and, when nothing says, by its shape (a Luhn-valid 13–19 digit run is a
// card, 123-45-6789 is an SSN, a checksummed IBAN is a bank account). Harmless numbers (amounts,
// times, order ids, IMEIs, phone numbers, account ids like AC-10021) are left exactly as written.
// The promise and its measured figures: the README's "Redaction" section and `npm run bench:pii`.

export type { SecretKind } from './redact-cues';

/** One secret found in a text: its kind and character span. */
export type Secret = { kind: SecretKind; start: number; end: number; digits: string };

export type Redaction = {
	text: string;
	/** Last four digits of each payment card number that was removed. */
	cardLast4: string[];
	/** How many secrets were removed, by kind. */
	removed: Partial<Record<SecretKind, number>>;
	/** Where each removed secret was in the original text. */
	secrets: Secret[];
};

const LABEL: Record<SecretKind, string> = {
	card: '[card]',
	cvv: '[CVV removed]',
	pin: '[PIN removed]',
	password: '[password removed]',
	national_id: '[ID number removed]',
	bank_account: '[bank account removed]',
	long_number: '[number removed]'
};

// A label written by an earlier pass ("[PIN removed]") is never read as a cue for what follows.
const LABEL_RE =
	/\[(?:card ending \d{4}|card|CVV removed|PIN removed|password removed|ID number removed|bank account removed|number removed)\]/g;

type Cue = { kind: CueKind; first: number; last: number };

function isSecretCue(c: Cue): boolean {
	return c.kind !== 'plain' && c.kind !== 'ident';
}

class Reader {
	readonly ts: Token[];
	constructor(readonly text: string) {
		this.ts = tokenize(text);
	}

	/** The longest cue phrase ending at token `i`, skipping hyphens inside it ("3-digit code"). */
	cueEndingAt(i: number): Cue | null {
		const words: string[] = [];
		const idx: number[] = [];
		for (let k = i; k >= 0 && words.length < LONGEST_CUE; k--) {
			const t = this.ts[k]!;
			if (t.norm === '-' && words.length > 0) continue;
			if (t.kind === 'punct') break;
			words.unshift(t.norm);
			idx.unshift(k);
		}
		for (let n = words.length; n >= 1; n--) {
			const kind = cueOf(words.slice(words.length - n).join(' '));
			if (kind) return { kind, first: idx[idx.length - n]!, last: i };
		}
		return null;
	}

	/** The longest cue phrase starting at token `i`. */
	cueStartingAt(i: number): Cue | null {
		const words: string[] = [];
		const idx: number[] = [];
		for (let k = i; k < this.ts.length && words.length < LONGEST_CUE; k++) {
			const t = this.ts[k]!;
			if (t.norm === '-' && words.length > 0) continue;
			if (t.kind === 'punct') break;
			words.push(t.norm);
			idx.push(k);
		}
		for (let n = words.length; n >= 1; n--) {
			const kind = cueOf(words.slice(0, n).join(' '));
			if (kind) return { kind, first: i, last: idx[n - 1]! };
		}
		return null;
	}

	isStop(t: Token): boolean {
		return t.kind === 'punct' && /^[.!;]$/.test(t.norm);
	}

	/**
	 * The cue a value at token `first` belongs to, walking back over glue words. When the cue is
	 * itself described ("the pin for my account is 2290"), the head noun before it decides.
	 */
	cueBefore(first: number): Cue | null {
		let k = first - 1;
		let found: Cue | null = null;
		let secret: Cue | null = null;
		while (k >= 0) {
			const t = this.ts[k]!;
			if (this.isStop(t)) break;
			const cue = t.kind !== 'punct' ? this.cueEndingAt(k) : null;
			if (cue) {
				found = cue;
				if (isSecretCue(cue)) secret ??= cue;
				let b = cue.first - 1;
				if (b >= 0 && DETERMINERS.has(this.ts[b]!.norm)) b--;
				if (b >= 0 && OF_WORDS.has(this.ts[b]!.norm)) {
					k = b - 1;
					// An id said between the head and the value ("pin for account AC-10021 is…").
					continue;
				}
				break;
			}
			if (GLUE.has(t.norm) || t.kind === 'alnum' || (found && /^[a-z]{1,3}$/.test(t.norm))) {
				k--;
				continue;
			}
			break;
		}
		if (!found) return null;
		const head = this.head(found, first);
		return isSecretCue(head) ? head : (secret ?? head);
	}

	// The first cue of a described chain wins ("pin for my account" is a pin), unless it is a
	// harmless word described by a secret one ("account number for my checking" is a bank account).
	private head(found: Cue, first: number): Cue {
		let best = found;
		let secret = isSecretCue(found) ? found : null;
		let k = found.first - 1;
		while (k >= 0) {
			let b = k;
			if (DETERMINERS.has(this.ts[b]!.norm)) b--;
			if (b < 0 || !OF_WORDS.has(this.ts[b]!.norm)) break;
			let j = b - 1;
			while (j >= 0 && GLUE.has(this.ts[j]!.norm) && !this.cueEndingAt(j)) j--;
			const cue = j >= 0 ? this.cueEndingAt(j) : null;
			if (!cue || cue.last >= first) break;
			best = cue;
			if (isSecretCue(cue)) secret = cue;
			k = cue.first - 1;
		}
		return isSecretCue(best) ? best : (secret ?? best);
	}

	/** A cue right after a value that labels it: "1357, that's my pin". */
	cueAfter(last: number, valueStarts: Set<number>): Cue | null {
		let k = last + 1;
		while (k < this.ts.length) {
			const t = this.ts[k]!;
			if (this.isStop(t)) return null;
			const cue = t.kind === 'word' ? this.cueStartingAt(k) : null;
			if (cue) return this.governsForward(cue, valueStarts) ? null : cue;
			if (GLUE.has(t.norm) || t.norm === 'for') {
				k++;
				continue;
			}
			return null;
		}
		return null;
	}

	/** Whether a cue has its own value after it ("pin 4821"), so it cannot label one before it. */
	governsForward(cue: Cue, valueStarts: Set<number>): boolean {
		let k = cue.last + 1;
		while (k < this.ts.length) {
			const t = this.ts[k]!;
			if (valueStarts.has(k) || t.norm === '§') return true;
			if (this.isStop(t) || !GLUE.has(t.norm)) return false;
			k++;
		}
		return false;
	}

	/** A harmless identifier named a little before the value ("the imei on the box, 3520…"). */
	identNear(first: number): boolean {
		for (let k = first - 1, n = 0; k >= 0 && n < 8; k--, n++) {
			const t = this.ts[k]!;
			if (this.isStop(t)) return false;
			const cue = this.cueEndingAt(k);
			if (cue?.kind === 'ident') return true;
			if (cue && cue.kind !== 'plain') return false;
		}
		return false;
	}
}

type Cut = { start: number; end: number; kind: SecretKind; digits: string };

/** Money, a time or a quantity: "$1,234.56", "3:30", "45 minutes", "40 percent". */
function isQuantity(r: Reader, run: Run): boolean {
	const before = r.text.slice(0, run.start);
	const after = r.text.slice(run.end);
	if (/(?:[$€£¥]|\d:)\s?$/.test(before) || /^\s?(?::\d|%)/.test(after)) return true;
	const next = r.ts[run.last + 1];
	return !!next && QUANTITY_AFTER.has(next.norm);
}

function isSsnShape(run: Run): boolean {
	const sizes = run.groups.map((g) => g.digits.length).join('-');
	return sizes === '3-2-4' && !run.groups.some((g) => g.spoken);
}

/** Splits "4111 1111 1111 1111 12 26 737" into the card and what was read out after it. */
function cardPrefix(run: Run): number | null {
	let n = 0;
	let best: number | null = null;
	for (let i = 0; i < run.groups.length; i++) {
		n += run.groups[i]!.digits.length;
		if (n >= 13 && n <= 19 && luhnValid(run.digits.slice(0, n)) && run.digits.length - n <= 8)
			best = i;
	}
	return best;
}

/** A value's letters and digits next to a run: "QQ 12 34 56 C", "DE89 3704 …", "D123-4567". */
function extend(r: Reader, first: number, last: number, stopAt: number): [number, number] {
	// stopAt: a token the value may not reach back to (its cue).
	const part = (t: Token | undefined, raw: string) =>
		!!t &&
		(t.kind === 'num' ||
			t.kind === 'alnum' ||
			(t.kind === 'word' && /^[A-Z]{1,4}$/.test(raw) && raw !== 'I' && !cueOf(t.norm)));
	const raw = (t: Token) => r.text.slice(t.start, t.end);
	const gap = (a: Token, b: Token) => /^\s{0,2}[-./]?\s{0,2}$/.test(r.text.slice(a.end, b.start));
	let f = first;
	for (;;) {
		let p = f - 1;
		if (p >= 0 && r.ts[p]!.norm === '-') p--;
		if (p <= stopAt || !part(r.ts[p], raw(r.ts[p]!)) || !gap(r.ts[p]!, r.ts[f]!)) break;
		f = p;
	}
	let l = last;
	for (;;) {
		let n = l + 1;
		if (r.ts[n]?.norm === '-') n++;
		const t = r.ts[n];
		if (!t || !part(t, raw(t)) || !gap(r.ts[l]!, t)) break;
		// "JG 10 37 92 A" ends in a letter; "123-45-6789 I think" does not.
		l = n;
	}
	return [f, l];
}

function digitsOf(r: Reader, first: number, last: number): string {
	return r.text
		.slice(r.ts[first]!.start, r.ts[last]!.end)
		.replace(/[^A-Za-z0-9]/g, '')
		.toUpperCase();
}

function numberCuts(r: Reader): Cut[] {
	const runs = numberRuns(r.text, r.ts);
	// Values that are not numbers: "AB123456C", "X12345678", "DE89370400440532013000".
	const inRun = (i: number) => runs.some((x) => i >= x.first && i <= x.last);
	const values: Run[] = [...runs];
	r.ts.forEach((t, i) => {
		if (t.kind === 'alnum' && !inRun(i) && (t.norm.match(/\d/g)?.length ?? 0) >= 4) {
			values.push({
				digits: t.norm.replace(/\D/g, ''),
				start: t.start,
				end: t.end,
				groups: [
					{ digits: t.norm.replace(/\D/g, ''), start: t.start, end: t.end, spoken: false, sep: '' }
				],
				first: i,
				last: i
			});
		}
	});
	values.sort((a, b) => a.start - b.start);
	const starts = new Set(values.map((v) => v.first));
	const cuts: Cut[] = [];
	let bankContext = false;
	let lastCardEnd = -1;
	for (const v of values) {
		const alnum = v.groups.length === 1 && r.ts[v.first]!.kind === 'alnum';
		const n = v.digits.length;
		const cut = (kind: Cut['kind'], first = v.first, last = v.last) => {
			cuts.push({
				kind,
				start: r.ts[first]!.start,
				end: r.ts[last]!.end,
				// Numbers keep their digits ("forty eight" is 48); ids keep their letters too.
				digits:
					kind === 'national_id' || kind === 'bank_account' || kind === 'password'
						? digitsOf(r, first, last)
						: v.digits
			});
		};
		if (!alnum && isQuantity(r, v)) continue;
		// "3 digit code": a count of digits, not a value.
		if (/^-?digits?$/.test(r.ts[v.last + 1]?.norm ?? '') || r.ts[v.last + 2]?.norm === 'digit')
			continue;
		// Letters read out with the number belong to it ("QQ 12 34 56 C"), but never a cue word.
		const [ef, el] = extend(r, v.first, v.last, -1);
		const before = r.cueBefore(ef);
		const cue = before ?? r.cueAfter(el, starts);
		let kind = cue?.kind ?? null;
		if (kind === 'bank_account') bankContext = true;
		if (kind === 'plain' && bankContext && /^account/.test(r.ts[cue!.first]!.norm))
			kind = 'bank_account';
		const compact = digitsOf(r, ef, el);
		const digitCount = Math.max(n, compact.match(/\d/g)?.length ?? 0);

		if (kind === 'national_id' || kind === 'bank_account') {
			if (digitCount >= 4) cut(kind, ef, el);
			continue;
		}
		if (kind === 'password') {
			cut('password', ef, el);
			continue;
		}
		if (alnum || (ef < v.first && /^[A-Z]{2}\d{2}/.test(compact))) {
			// Letters and digits with nothing said about them: only a checksummed IBAN is a secret.
			if (ibanValid(compact)) cut('bank_account', ef, el);
			continue;
		}
		if (kind === 'cvv' && n >= 3) {
			cut('cvv');
			continue;
		}
		if ((kind === 'pin' || kind === 'passcode') && n >= 3) {
			cut('pin');
			continue;
		}
		const ident = kind === 'ident' || (!kind && r.identNear(v.first));
		if (ident) continue;
		if (n >= 13 || (kind === 'card' && n >= 8)) {
			const split = cardPrefix(v);
			if (split !== null && split < v.groups.length - 1) {
				const cardEnd = v.groups[split]!;
				const cardDigits = v.digits.slice(
					0,
					v.groups.slice(0, split + 1).reduce((s, g) => s + g.digits.length, 0)
				);
				cuts.push({ kind: 'card', start: v.start, end: cardEnd.end, digits: cardDigits });
				cuts.push({ kind: 'cvv', start: v.groups[split + 1]!.start, end: v.end, digits: '' });
			} else if (kind === 'card' || luhnValid(v.digits) || (n >= 13 && n <= 19)) {
				cut('card');
			} else {
				cut(bankContext || kind === 'plain' ? 'bank_account' : 'long_number');
			}
			lastCardEnd = v.last;
			continue;
		}
		if (kind === 'card') continue;
		if (!kind && isSsnShape(v)) {
			cut('national_id');
			continue;
		}
		if (!kind && bankContext && n >= 6) {
			cut('bank_account');
			continue;
		}
		// A short number read out right after a card ("4111 …, 737") is its security code.
		// So is one introduced as a "code" anywhere after the card ("… expiry 08 27 code 204").
		if (
			!kind &&
			lastCardEnd >= 0 &&
			(n === 3 || n === 4) &&
			(onlyGlueBetween(r, lastCardEnd, v.first) || r.ts[v.first - 1]?.norm === 'code')
		) {
			cut('cvv');
			continue;
		}
	}
	return cuts;
}

function onlyGlueBetween(r: Reader, a: number, b: number): boolean {
	for (let k = a + 1; k < b; k++)
		if (!GLUE.has(r.ts[k]!.norm) && r.ts[k]!.norm !== 'and') return false;
	return true;
}

// Passwords are words, so they are found by their cue and read to the end of the clause.
function passwordCuts(r: Reader): Cut[] {
	const cuts: Cut[] = [];
	const ts = r.ts;
	const spelled = (t: Token | undefined) => !!t && t.norm.length === 1 && t.kind !== 'punct';
	const ends = (k: number, value: Token[]) => {
		const t = ts[k]!;
		if (r.isStop(t) || t.norm === '?') return true;
		if (t.norm === ',') return !(spelled(value.at(-1)) && spelled(ts[k + 1]));
		if (value.length === 0) return false;
		if (t.norm === 'i' && !spelled(value.at(-1))) return true;
		if (PASSWORD_STOPS.has(t.norm) && t.norm !== 'i') return true;
		const cue = t.kind === 'word' ? r.cueStartingAt(k) : null;
		return !!cue && cue.kind !== 'password';
	};
	const keep = (value: Token[]) => {
		if (value.length === 0) return false;
		const words = value.filter((t) => t.kind === 'word' || t.kind === 'punct');
		const plain =
			words.length === value.length &&
			value.every((t) => ABOUT_PASSWORDS.has(t.norm) || t.kind === 'punct');
		return !plain;
	};
	for (let i = 0; i < ts.length; i++) {
		const cue = ts[i]!.kind === 'word' ? r.cueStartingAt(i) : null;
		if (!cue || (cue.kind !== 'password' && cue.kind !== 'passcode')) continue;
		// Forward: "password is hunter2", "the password to my account is …", "password: P@ss".
		let k = cue.last + 1;
		let joined = /'s$/.test(ts[cue.last]!.norm);
		const prep = ts[k] && (OF_WORDS.has(ts[k]!.norm) || ['i', 'we', 'that'].includes(ts[k]!.norm));
		if (prep) {
			for (let j = k + 1; j < Math.min(ts.length, k + 5); j++) {
				if (['is', 'was', ':', 'to'].includes(ts[j]!.norm) && ts[j - 1]!.norm !== 'want') {
					k = j;
					break;
				}
			}
		}
		while (
			k < ts.length &&
			/^(is|was|:|=|equals|would|should|will|be|reads|spelled|it's|it|to|,|-|um|uh|as)$/.test(
				ts[k]!.norm
			)
		) {
			joined = true;
			k++;
		}
		const value: Token[] = [];
		while (k < ts.length && value.length < 16 && !ends(k, value)) {
			if (ts[k]!.norm === '§') break;
			value.push(ts[k]!);
			k++;
		}
		const looksSecret =
			value.length > 0 &&
			// With nothing like "is" between, only a word that looks like a password is one:
			// "password hunter2" is, "password manager says 12 items" is not.
			(/[\d@!#$%&*]/.test(r.text.slice(value[0]!.start).split(/\s/)[0]!) || spelled(value[0]));
		const digitsOnly = value.length > 0 && value.every((t) => t.kind === 'num' || t.norm === ',');
		if (
			value.length &&
			(joined || looksSecret) &&
			keep(value) &&
			!(cue.kind === 'passcode' && digitsOnly)
		) {
			cuts.push({ kind: 'password', start: value[0]!.start, end: value.at(-1)!.end, digits: '' });
			continue;
		}
		// A passcode said with its digits ("…, passcode 2468") is a PIN: what came before it is not.
		if (cue.kind === 'passcode' && digitsOnly) continue;
		// Backward: "sunshine99, that's my password", "hotdog is the passcode".
		let b = cue.first - 1;
		while (
			b >= 0 &&
			/^(my|the|our|new|old|current|online|login|banking|wifi|email|account)$/.test(ts[b]!.norm)
		)
			b--;
		let linked = false;
		while (b >= 0 && /^(is|was|that's|thats|that|it's|its|as|,|-)$/.test(ts[b]!.norm)) {
			linked = true;
			b--;
		}
		if (!linked || b < 0) continue;
		const back: Token[] = [];
		while (b >= 0) {
			const t = ts[b]!;
			if (r.isStop(t) || t.norm === '?') break;
			if (t.norm === ',' && !(spelled(t) || (spelled(ts[b + 1]) && spelled(ts[b - 1])))) break;
			if (back.length && PASSWORD_STOPS.has(t.norm) && t.norm !== 'i' && t.norm !== 'my') break;
			back.unshift(t);
			b--;
		}
		while (back.length && LEAD_INS.has(back[0]!.norm)) back.shift();
		const backDigitsOnly = back.length > 0 && back.every((t) => t.kind === 'num' || t.norm === ',');
		if (keep(back) && !(cue.kind === 'passcode' && backDigitsOnly)) {
			cuts.push({ kind: 'password', start: back[0]!.start, end: back.at(-1)!.end, digits: '' });
		}
	}
	return cuts;
}

/** A password is every character of the words it spans: "P@ssw0rd!" is one secret, not three. */
function widen(text: string, c: Cut): Cut {
	let { start, end } = c;
	while (start > 0 && /\S/.test(text[start - 1]!)) start--;
	while (end < text.length && /\S/.test(text[end]!)) end++;
	while (end > start && /[,.;:?"')\]]/.test(text[end - 1]!)) end--;
	while (start < end && /["'([]/.test(text[start]!)) start++;
	return { ...c, start, end };
}

/** Finds every secret in `text`, in order, without changing it. */
export function findSecrets(text: string): Secret[] {
	// Earlier labels are blanked so that they neither hide nor become secrets; the '§' left in
	// their place still counts as the value of the cue before it ("cvv [CVV removed]").
	const masked = text.replace(LABEL_RE, (m) => '§' + ' '.repeat(m.length - 1));
	const r = new Reader(masked);
	const cuts = [...passwordCuts(r).map((c) => widen(masked, c)), ...numberCuts(r)].sort(
		(a, b) => a.start - b.start || b.end - a.end
	);
	const merged: Cut[] = [];
	for (const c of cuts) {
		const prev = merged.at(-1);
		if (prev && c.start < prev.end) {
			prev.end = Math.max(prev.end, c.end);
			continue;
		}
		merged.push({ ...c });
	}
	return merged.map(({ kind, start, end, digits }) => ({ kind, start, end, digits }));
}

export function redact(text: string): Redaction {
	const secrets = findSecrets(text);
	const cardLast4: string[] = [];
	const removed: Partial<Record<SecretKind, number>> = {};
	let out = text;
	for (const s of [...secrets].reverse()) {
		removed[s.kind] = (removed[s.kind] ?? 0) + 1;
		let label = LABEL[s.kind];
		if (s.kind === 'card' && /^\d{13,19}$/.test(s.digits)) {
			label = `[card ending ${s.digits.slice(-4)}]`;
			cardLast4.unshift(s.digits.slice(-4));
		}
		out = out.slice(0, s.start) + label + out.slice(s.end);
	}
	return { text: out, cardLast4, removed, secrets };
}

/**
 * Scrubs any string bound for a log or a package (tool results, notes) with the same rules. Cheap
 * enough to run on everything that leaves the session.
 */
export function scrub(text: string): string {
	return redact(text).text;
}
