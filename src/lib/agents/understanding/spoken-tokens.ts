// What redaction reads a caller's words as: word tokens, and numbers written as digits or said as
// words ("four eight two one", "forty eight twenty one", "double seven", "oh"), joined into runs
// the way people group them when reading a number out: spaces, dashes, dots, commas, brackets.

import { DIGIT_WORDS } from './digits';

export type Token = {
	/** Lower-cased text; a spelled acronym ("P I N", "s.s.n.") is joined into one token ("pin"). */
	norm: string;
	start: number;
	end: number;
	kind: 'word' | 'num' | 'alnum' | 'punct';
};

/** One number as the caller grouped it: "4111", "48" from "forty eight", "0" from "oh". */
export type Group = { digits: string; start: number; end: number; spoken: boolean; sep: string };

export type Run = {
	digits: string;
	start: number;
	end: number;
	groups: Group[];
	/** Index of the first and last token of the run in the token list. */
	first: number;
	last: number;
};

// Single digits as words: the same table digit runs use.
const UNITS = DIGIT_WORDS;
const TEENS: Record<string, string> = {
	ten: '10',
	eleven: '11',
	twelve: '12',
	thirteen: '13',
	fourteen: '14',
	fifteen: '15',
	sixteen: '16',
	seventeen: '17',
	eighteen: '18',
	nineteen: '19'
};
const TENS: Record<string, string> = {
	twenty: '2',
	thirty: '3',
	forty: '4',
	fourty: '4',
	fifty: '5',
	sixty: '6',
	seventy: '7',
	eighty: '8',
	ninety: '9'
};

const ACRONYMS = new Set(['pin', 'ssn', 'cvv', 'cvc', 'csc', 'sin', 'iban', 'itin', 'ein', 'tin']);

export function tokenize(text: string): Token[] {
	const raw: Token[] = [];
	for (const m of text.matchAll(/[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]/g)) {
		const t = m[0];
		const kind = /^\d+$/.test(t)
			? 'num'
			: /\d/.test(t) && /[A-Za-z]/.test(t)
				? 'alnum'
				: /[A-Za-z]/.test(t)
					? 'word'
					: 'punct';
		raw.push({
			norm: t.toLowerCase().replace('’', "'"),
			start: m.index,
			end: m.index + t.length,
			kind
		});
	}
	// "P I N", "p.i.n.", "S-S-N": letters spelled one by one that make a known acronym.
	const out: Token[] = [];
	for (let i = 0; i < raw.length; i++) {
		const letters: Token[] = [];
		let j = i;
		while (j < raw.length && raw[j]!.kind === 'word' && raw[j]!.norm.length === 1) {
			letters.push(raw[j]!);
			const next = raw[j + 1];
			j += next && next.kind === 'punct' && /^[.-]$/.test(next.norm) ? 2 : 1;
		}
		const word = letters.map((t) => t.norm).join('');
		if (letters.length >= 2 && ACRONYMS.has(word)) {
			let lastIdx = raw.indexOf(letters.at(-1)!);
			// "p.i.n." keeps its last dot: it is part of the word, not the end of a sentence.
			if (raw[lastIdx + 1]?.norm === '.' && raw[lastIdx + 1]!.start === letters.at(-1)!.end)
				lastIdx++;
			out.push({ norm: word, start: letters[0]!.start, end: raw[lastIdx]!.end, kind: 'word' });
			i = lastIdx;
			continue;
		}
		out.push(raw[i]!);
	}
	return out;
}

/**
 * Reads the number said or written at token `i`, if any: returns its digits and how many tokens
 * it used. "forty eight" is one group "48", "seven hundred thirty seven" is "737".
 */
function readGroup(ts: Token[], i: number): { digits: string; used: number } | null {
	const t = ts[i]!;
	if (t.kind === 'num') return { digits: t.norm, used: 1 };
	if (t.kind !== 'word') return null;
	const w = t.norm;
	const next = ts[i + 1];
	const afterHyphen = next?.norm === '-' ? ts[i + 2] : next;
	const unitAt = (k: number) => {
		const x = ts[k];
		return x && x.kind === 'word' && x.norm in UNITS && x.norm !== 'o' ? UNITS[x.norm]! : null;
	};
	if (w === 'double' || w === 'triple') {
		const u = unitAt(i + 1);
		return u ? { digits: u.repeat(w === 'double' ? 2 : 3), used: 2 } : null;
	}
	if (w in TEENS) return { digits: TEENS[w]!, used: 1 };
	if (w in TENS) {
		const hy = next?.norm === '-' ? 1 : 0;
		const u =
			afterHyphen && afterHyphen.norm !== 'oh' && afterHyphen.norm !== 'o'
				? unitAt(i + 1 + hy)
				: null;
		if (u && u !== '0') return { digits: TENS[w]! + u, used: 2 + hy };
		return { digits: TENS[w]! + '0', used: 1 };
	}
	if (w in UNITS) {
		if (next?.norm === 'hundred') {
			let used = 2;
			if (ts[i + used]?.norm === 'and') used++;
			const rest = ts[i + used] ? readGroup(ts, i + used) : null;
			if (rest && rest.digits.length <= 2 && !(ts[i + used]!.norm in UNITS && rest.used > 1)) {
				return { digits: UNITS[w]! + rest.digits.padStart(2, '0'), used: used + rest.used };
			}
			return { digits: UNITS[w]! + '00', used: 2 };
		}
		return { digits: UNITS[w]!, used: 1 };
	}
	return null;
}

// Between two parts of one number: a little space, or one separator with a little space around it.
const JOIN = /^\s{0,3}$|^\s{0,2}[-./,()]\s{0,2}$|^\s?\)\s?$|^\s+(?:dash|hyphen)\s+$/i;

/** Maximal runs of number groups, with their character spans in `text`. */
export function numberRuns(text: string, ts: Token[]): Run[] {
	const runs: Run[] = [];
	let i = 0;
	while (i < ts.length) {
		// "o" and "oh" are a zero only after another digit, never as a word of their own.
		const g = /^(o|oh)$/.test(ts[i]!.norm) ? null : readGroup(ts, i);
		if (!g) {
			i++;
			continue;
		}
		const groups: Group[] = [];
		const first = i;
		let last = i + g.used - 1;
		groups.push({
			digits: g.digits,
			start: ts[i]!.start,
			end: ts[last]!.end,
			spoken: ts[i]!.kind === 'word',
			sep: ''
		});
		let k = last + 1;
		for (;;) {
			// Skip one separator token (or the word "dash") between groups.
			let n = k;
			if (
				ts[n] &&
				((ts[n]!.kind === 'punct' && /^[-./,()]$/.test(ts[n]!.norm)) || ts[n]!.norm === 'dash')
			)
				n++;
			if (n >= ts.length) break;
			const between = text.slice(ts[last]!.end, ts[n]!.start);
			if (!JOIN.test(between)) break;
			const ng = readGroup(ts, n);
			if (!ng) break;
			const spoken = ts[n]!.kind === 'word';
			last = n + ng.used - 1;
			groups.push({
				digits: ng.digits,
				start: ts[n]!.start,
				end: ts[last]!.end,
				spoken,
				sep: between.trim() || ' '
			});
			k = last + 1;
		}
		const lone = groups.length === 1 && groups[0]!.spoken && groups[0]!.digits.length === 1;
		if (!lone) {
			runs.push({
				digits: groups.map((x) => x.digits).join(''),
				start: groups[0]!.start,
				end: groups.at(-1)!.end,
				groups,
				first,
				last
			});
		}
		i = last + 1;
	}
	return runs;
}

/** ISO 13616 check of an IBAN written without spaces. */
export function ibanValid(iban: string): boolean {
	const s = iban.toUpperCase();
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
	const moved = s.slice(4) + s.slice(0, 4);
	let rest = 0;
	for (const c of moved) {
		const v = c >= 'A' ? String(c.charCodeAt(0) - 55) : c;
		for (const d of v) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
	}
	return rest === 1;
}
