import type { EntityType } from '../handoff/context-package';
import type { Vocabulary } from './vocabulary';
import { DIGIT_WORDS, digitRuns, luhnValid, wordsBefore } from './digits';
import { findSecrets } from './redact';
import { MONTHS } from './calendar';

// Entity extraction reads the caller's raw words (before redaction) and returns typed facts. It
// knows the flow's vocabulary when it has one (the identifiers, names and formats its slots
// declare, with the values its tables hold), so an id or a product name written in any format the
// company uses is recognised.

export type FoundEntity = { type: EntityType; value: string };
export type Extraction = {
	entities: FoundEntity[];
	/** A PIN said for verification. Used once to verify, never stored. */
	pin?: string;
};

const MONTH_RE =
	'(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';

const NOT_NAMES = new Set(
	'calling about trying looking having not so just very really still here on with in at the a an from sure fine good okay ok glad sorry upset angry frustrated done tired confused interested wondering'.split(
		' '
	)
);

const ID_STOPWORDS = new Set(
	'zip pin cvv cvc ssn is my no id and or of at to the was on in a an it its for by ends code number num'.split(
		' '
	)
);

function titleCase(s: string): string {
	return s
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/\b\w/g, (c) => c.toUpperCase());
}

function norm(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function formatPhone(d: string): string {
	const ten = d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
	return ten.length === 10 ? `${ten.slice(0, 3)}-${ten.slice(3, 6)}-${ten.slice(6)}` : d;
}

/**
 * The facts in a caller's words. `expecting` is the kind of fact the caller was just asked for:
 * a spoken "one one two zero one" is a zip code when a zip code was asked for.
 */
export function extractEntities(text: string, vocab?: Vocabulary, expecting?: string): Extraction {
	const found: FoundEntity[] = [];
	const add = (type: EntityType, value: string) => {
		if (!found.some((e) => e.type === type && e.value === value)) found.push({ type, value });
	};
	const lower = text.toLowerCase();
	const claimed: [number, number][] = [];
	const claim = (start: number, end: number) => claimed.push([start, end]);
	const isClaimed = (start: number, end: number) => claimed.some(([s, e]) => start < e && end > s);
	// What redaction removes is never a fact: an IBAN is not an account id, a password is not a zip.
	// The PIN is the one secret kept, once, for verification.
	const secrets = findSecrets(text);
	for (const s of secrets) claim(s.start, s.end);
	const pin = secrets.find((s) => s.kind === 'pin')?.digits;

	// The company's own identifier formats come first and claim what they match, so no generic
	// rule reads "cb 2041" as an order 2041 or "BSD 99999" as a zip code.
	const known = [
		...(vocab?.ids ?? []),
		...(vocab?.values.flatMap((g) => g.names.map((n) => n.value)) ?? [])
	];
	for (const p of vocab?.idPatterns ?? []) {
		for (const m of text.matchAll(new RegExp(p.re.source, 'gi'))) {
			if (m.index === undefined || isClaimed(m.index, m.index + m[0].length)) continue;
			const said = p.value ? titleCaseGroups(p.value, m) : m[0];
			add(p.type, known.find((k) => norm(k) === norm(said)) ?? said);
			claim(m.index, m.index + m[0].length);
		}
	}

	// Ids: the flow's own identifiers in any spacing or case, then a generic id shape (unless the
	// flow declares its own formats for account ids).
	const ids = vocab?.ids ?? [];
	const phones = vocab?.phones ?? [];
	const spelled = text.replace(DIGIT_WORD_RE, (w) => DIGIT_WORDS[w.toLowerCase()] ?? w);
	{
		for (const id of ids) {
			// The id's letters and digits in order, with optional spaces or dashes between them, so
			// "AC-10021", "ac 10021" and a spelled-out "A C 1 0 0 2 1" all match.
			const chars = norm(id).split('');
			if (chars.length === 0) continue;
			const re = new RegExp(`(?<![a-z0-9])${chars.join('[-\\s]?')}(?![a-z0-9])`, 'i');
			// Speech-to-text spells the digits too: "a c one zero zero two three".
			const m = text.match(re);
			if (!m && spelled !== text && re.test(spelled)) {
				// Speech-to-text spells the digits too: "a c one zero zero two three". Found in the
				// spelled-out words, it claims nothing in the caller's own.
				if (chars.length >= 3) add('account_id', id);
				continue;
			}
			if (m && m.index !== undefined && isClaimed(m.index, m.index + m[0].length)) continue;
			// A very short id ("7") is only an id when the caller says it is an account.
			const short =
				chars.length < 3 && !(m && wordsBefore(text, m.index ?? 0, 3).includes('account'));
			if (m && m.index !== undefined && !short) {
				add('account_id', id);
				claim(m.index, m.index + m[0].length);
			}
		}
	}
	const genericIds = !vocab?.idPatterns.some((p) => p.type === 'account_id');
	for (const m of genericIds ? text.matchAll(/\b([A-Za-z]{1,4}[- ]?\d{4,10})\b/g) : []) {
		const before = wordsBefore(text, m.index, 3);
		const letters = m[1]!.match(/^[A-Za-z]+/)![0];
		const dashed = /[A-Za-z]-\d/.test(m[1]!);
		// "zip 60614" or "is 4821" are words before a number, not an id: a spaced id needs capitals.
		if (ID_STOPWORDS.has(letters.toLowerCase()) || isClaimed(m.index, m.index + m[0].length))
			continue;
		const looksLikeId =
			dashed ||
			(before.includes('account') && (letters === letters.toUpperCase() || !/\s/.test(m[1]!)));
		if (!looksLikeId) continue;
		claim(m.index, m.index + m[0].length);
		const known = ids.find((id) => norm(id) === norm(m[1]!));
		add('account_id', known ?? m[1]!.toUpperCase().replace(' ', '-'));
	}

	for (const run of digitRuns(text)) {
		if (isClaimed(run.start, run.end)) continue;
		const before = wordsBefore(text, run.start, 5);
		const d = run.digits;
		const near = (...words: string[]) => words.some((w) => before.includes(w));
		if (near('pin', 'passcode', 'pincode') && d.length >= 4 && d.length <= 8) continue;
		if (near('cvv', 'cvc', 'security', 'ssn', 'social')) continue;
		if (d.length >= 13 && d.length <= 19) {
			if (luhnValid(d)) add('card_last4', d.slice(-4));
			continue;
		}
		if (near('account') && d.length >= 4 && !near('zip', 'postal', 'phone', 'number')) {
			const known = ids.find((id) => norm(id).endsWith(d));
			add('account_id', known ?? d);
			continue;
		}
		if (near('order') && d.length >= 4) {
			add('order_id', d);
			continue;
		}
		if (near('ending', 'last') && d.length === 4 && near('card')) {
			add('card_last4', d);
			continue;
		}
		if (
			d.length === 10 ||
			(d.length === 11 && d.startsWith('1')) ||
			(d.length === 7 && near('phone', 'number'))
		) {
			const known = phones.find((p) => norm(p).endsWith(d.slice(-10)));
			add('phone', known ?? formatPhone(d));
			continue;
		}
		if (
			d.length === 5 &&
			(near('zip', 'postal', 'code', 'in', 'area') || !run.spoken || expecting === 'zip')
		) {
			if (
				!/[$]\s*$/.test(text.slice(0, run.start)) &&
				!/^\s*(dollars|bucks|usd)/i.test(text.slice(run.end))
			) {
				add('zip', d);
			}
		}
	}

	// Amounts: "$49", "$12.50", "49 dollars", "49.99 bucks", and as speech-to-text writes them,
	// "forty nine dollar", "a hundred and twenty dollars".
	for (const m of text.matchAll(
		/\$\s?(\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)|\b(\d+(?:\.\d{1,2})?)\s*(dollars?|bucks|usd)\b/gi
	)) {
		const raw = (m[1] ?? m[2])!.replace(/,/g, '');
		add('amount', Number(raw).toFixed(2));
	}
	for (const m of lower.matchAll(SPOKEN_AMOUNT)) {
		const n = wordsToNumber(m[1]!);
		if (n !== null && n > 0) add('amount', n.toFixed(2));
	}

	// Dates: ISO, m/d[/y], "November 3rd", "3rd of November".
	for (const m of text.matchAll(/\b(\d{4})-(\d{2})-(\d{2})\b/g)) add('date', m[0]);
	for (const m of lower.matchAll(
		new RegExp(`\\b${MONTH_RE}\\.?\\s+(\\d{1,2})(st|nd|rd|th)?\\b`, 'g')
	)) {
		add('date', `${monthName(m[1]!)} ${Number(m[2])}`);
	}
	for (const m of lower.matchAll(
		new RegExp(`\\b(\\d{1,2})(st|nd|rd|th)?\\s+of\\s+${MONTH_RE}\\b`, 'g')
	)) {
		add('date', `${monthName(m[3]!)} ${Number(m[1])}`);
	}
	for (const m of text.matchAll(/\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/g)) add('date', m[0]);

	// Emails.
	for (const m of text.matchAll(/\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g)) add('email', m[0].toLowerCase());

	// The flow's named things (a plan, a device, a treatment): its tables' values, longest first so
	// "Gold Care Plus" wins over "Gold Care", then the formats its slots declare.
	for (const group of vocab?.values ?? []) {
		let rest = lower;
		const names = group.names
			.flatMap((n) => n.said.map((said) => ({ value: n.value, said: said.toLowerCase() })))
			.filter((n) => n.said.trim().length > 0)
			.sort((a, b) => b.said.length - a.said.length);
		// Matched longest first, kept in the order said: "between Unlimited and Unlimited Plus".
		const hits: { value: string; at: number }[] = [];
		for (const n of names) {
			const re = new RegExp(
				`(?<![a-z0-9])${n.said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![a-z0-9])`
			);
			const m = re.exec(rest);
			if (m) {
				hits.push({ value: n.value, at: m.index });
				rest = rest.replace(re, ' '.repeat(n.said.length));
			}
		}
		for (const h of hits.sort((a, b) => a.at - b.at)) add(group.type, h.value);
		for (const p of group.patterns) {
			const m = rest.match(p.re);
			if (!m) continue;
			const value = p.value ? titleCaseGroups(p.value, m) : titleCase(m[0]);
			if (!found.some((e) => e.type === group.type && norm(e.value).includes(norm(value))))
				add(group.type, value);
		}
	}

	// Names: "my name is Maria Lopez", "this is Maria", "I'm Maria Lopez".
	const nameMatch = text.match(
		/\b(?:my name is|my name's|this is|i am|i'm|it's)\s+([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)/i
	);
	if (nameMatch) {
		const candidate = nameMatch[1]!;
		const first = candidate.split(/\s+/)[0]!.toLowerCase();
		const capitalised = /^[A-Z]/.test(candidate);
		const explicit = /my name/i.test(nameMatch[0]);
		if (!NOT_NAMES.has(first) && (capitalised || explicit) && !MONTHS.includes(first)) {
			add('name', titleCase(candidate));
		}
	}

	// Street addresses.
	for (const m of text.matchAll(
		/\b\d{1,6}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct)\b\.?/g
	)) {
		add('address', m[0].replace(/\.$/, ''));
	}

	return pin ? { entities: found, pin } : { entities: found };
}

const DIGIT_WORD_RE = /\b(?:zero|one|two|three|four|five|six|seven|eight|nine)\b/gi;

const SMALL: Record<string, number> = {
	zero: 0,
	one: 1,
	two: 2,
	three: 3,
	four: 4,
	five: 5,
	six: 6,
	seven: 7,
	eight: 8,
	nine: 9,
	ten: 10,
	eleven: 11,
	twelve: 12,
	thirteen: 13,
	fourteen: 14,
	fifteen: 15,
	sixteen: 16,
	seventeen: 17,
	eighteen: 18,
	nineteen: 19,
	twenty: 20,
	thirty: 30,
	forty: 40,
	fourty: 40,
	fifty: 50,
	sixty: 60,
	seventy: 70,
	eighty: 80,
	ninety: 90
};
const NUMBER_WORD = `(?:${Object.keys(SMALL).join('|')}|hundred|thousand|a|and)`;
/** Number words right before "dollar(s)" or "bucks": "forty nine dollar", "a hundred and five bucks". */
const SPOKEN_AMOUNT = new RegExp(
	`\\b((?:${NUMBER_WORD}[\\s-]+)*${NUMBER_WORD})\\s+(?:dollars?|bucks)\\b`,
	'g'
);

/**
 * "forty nine" → 49, "a hundred and twenty" → 120. Words that are not one number read as their
 * last number: "two sixty five" (two charges of $65) is 65, not 67; null when nothing is a number.
 */
export function wordsToNumber(words: string): number | null {
	const ws = words
		.toLowerCase()
		.split(/[\s-]+/)
		.filter(Boolean);
	for (let from = 0; from < ws.length; from++) {
		const n = strictNumber(ws.slice(from));
		if (n !== null) return n;
	}
	return null;
}

/** One number in words, or null: a unit or teen is followed only by "hundred" or "thousand". */
function strictNumber(ws: string[]): number | null {
	let total = 0;
	let current = 0;
	let prev: 'start' | 'unit' | 'tens' | 'hundred' | 'thousand' | 'and' = 'start';
	let any = false;
	for (const w of ws) {
		if (w === 'and') {
			if (prev !== 'hundred' && prev !== 'thousand') return null;
			prev = 'and';
			continue;
		}
		if (w === 'a') {
			if (prev !== 'start') return null;
			current = 1;
			prev = 'unit';
			continue;
		}
		if (w === 'hundred') {
			if (prev !== 'unit' || current >= 10) return null;
			current *= 100;
			prev = 'hundred';
			any = true;
			continue;
		}
		if (w === 'thousand') {
			if (prev === 'start' || prev === 'and' || prev === 'thousand') return null;
			total += current * 1000;
			current = 0;
			prev = 'thousand';
			any = true;
			continue;
		}
		const v = SMALL[w];
		if (v === undefined) return null;
		const tens = v >= 20;
		if (prev === 'unit') return null;
		if (prev === 'tens' && (tens || v >= 10 || v === 0)) return null;
		current += v;
		prev = tens ? 'tens' : 'unit';
		any = true;
	}
	if (prev === 'and') return null;
	return any ? total + current : null;
}

/** A pattern's value with `$0`…`$9` replaced by its groups, each title-cased ("pro max" → "Pro Max"). */
function titleCaseGroups(value: string, m: RegExpMatchArray): string {
	return value
		.replace(/\$(\d)/g, (_, n: string) => titleCase((m[Number(n)] ?? '').trim()))
		.replace(/\s+/g, ' ')
		.trim();
}

function monthName(token: string): string {
	const i = MONTHS.findIndex((m) => m.startsWith(token.slice(0, 3)));
	return titleCase(MONTHS[i] ?? token);
}
