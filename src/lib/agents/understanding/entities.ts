import type { EntityType } from '../handoff/context-package';
import type { Dataset } from '../dataset';
import { digitRuns, luhnValid, wordsBefore } from './digits';
import { findSecrets } from './redact';

// Entity extraction reads the caller's raw words (before redaction) and returns typed facts. It
// knows the dataset when it has one, so an account id or plan name written in any format the
// dataset uses is recognised, not only the demo's.

export type FoundEntity = { type: EntityType; value: string };
export type Extraction = {
	entities: FoundEntity[];
	/** A PIN said for verification. Used once to verify, never stored. */
	pin?: string;
};

const MONTHS = [
	'january',
	'february',
	'march',
	'april',
	'may',
	'june',
	'july',
	'august',
	'september',
	'october',
	'november',
	'december'
];
const MONTH_RE =
	'(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';

const GENERIC_DEVICES: [RegExp, (m: RegExpMatchArray) => string][] = [
	[
		/\biphone\s*(\d{1,2})?(\s*(pro max|pro|plus|mini))?\b/i,
		(m) => `iPhone${m[1] ? ' ' + m[1] : ''}${m[3] ? ' ' + titleCase(m[3]) : ''}`
	],
	[
		/\bpixel\s*(\d{1,2}a?)?(\s*pro)?\b/i,
		(m) => `Pixel${m[1] ? ' ' + m[1] : ''}${m[2] ? ' Pro' : ''}`
	],
	[/\bgalaxy\s*([a-z]?\d{1,3}\+?)?\b/i, (m) => `Galaxy${m[1] ? ' ' + m[1].toUpperCase() : ''}`],
	[/\b(moto\s*g(\s*power)?|motorola)\b/i, (m) => titleCase(m[0])],
	[/\bipad\b/i, () => 'iPad'],
	[/\b(apple\s*)?watch\b/i, () => 'Apple Watch'],
	[/\b(home\s*internet\s*)?router\b/i, () => 'router'],
	[/\b(mobile\s*|home\s*)?hotspot\b/i, () => 'hotspot'],
	[/\btablet\b/i, () => 'tablet']
];

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

export function extractEntities(text: string, dataset?: Dataset): Extraction {
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

	// Account ids: the dataset's own ids in any spacing or case, then a generic id shape.
	if (dataset) {
		for (const a of dataset.accounts) {
			// The id's letters and digits in order, with optional spaces or dashes between them, so
			// "AC-10021", "ac 10021" and a spelled-out "A C 1 0 0 2 1" all match.
			const chars = norm(a.id).split('');
			if (chars.length === 0) continue;
			const re = new RegExp(`(?<![a-z0-9])${chars.join('[-\\s]?')}(?![a-z0-9])`, 'i');
			const m = text.match(re);
			if (m && m.index !== undefined && isClaimed(m.index, m.index + m[0].length)) continue;
			// A very short id ("7") is only an id when the caller says it is an account.
			const short =
				chars.length < 3 && !(m && wordsBefore(text, m.index ?? 0, 3).includes('account'));
			if (m && m.index !== undefined && !short) {
				add('account_id', a.id);
				claim(m.index, m.index + m[0].length);
			}
		}
	}
	for (const m of text.matchAll(/\b([A-Za-z]{1,4}[- ]?\d{4,10})\b/g)) {
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
		const known = dataset?.accounts.find((a) => norm(a.id) === norm(m[1]!));
		add('account_id', known ? known.id : m[1]!.toUpperCase().replace(' ', '-'));
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
			const known = dataset?.accounts.find((a) => norm(a.id).endsWith(d));
			add('account_id', known ? known.id : d);
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
			const known = dataset?.accounts.find((a) => norm(a.phone).endsWith(d.slice(-10)));
			add('phone', known ? known.phone : formatPhone(d));
			continue;
		}
		if (d.length === 5 && (near('zip', 'postal', 'code', 'in', 'area') || !run.spoken)) {
			if (
				!/[$]\s*$/.test(text.slice(0, run.start)) &&
				!/^\s*(dollars|bucks|usd)/i.test(text.slice(run.end))
			) {
				add('zip', d);
			}
		}
	}

	// Amounts: "$49", "$12.50", "49 dollars", "49.99 bucks".
	for (const m of text.matchAll(
		/\$\s?(\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)|\b(\d+(?:\.\d{1,2})?)\s*(dollars|bucks|usd)\b/gi
	)) {
		const raw = (m[1] ?? m[2])!.replace(/,/g, '');
		add('amount', Number(raw).toFixed(2));
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

	// Plans: the dataset's names, longest first so "Unlimited Plus" wins over "Unlimited".
	if (dataset) {
		const plans = [...dataset.plans].sort((a, b) => b.name.length - a.name.length);
		let rest = lower;
		for (const p of plans) {
			const names = [p.name.toLowerCase(), p.id.toLowerCase().replace(/[-_]/g, ' ')];
			for (const n of names) {
				const re = new RegExp(`\\b${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
				if (re.test(rest)) {
					add('plan', p.name);
					rest = rest.replace(re, ' ');
					break;
				}
			}
		}
	}

	// Devices: the dataset's device names first, then a generic catalogue.
	const deviceNames = new Set<string>();
	if (dataset) for (const a of dataset.accounts) for (const d of a.devices) deviceNames.add(d);
	let deviceText = lower;
	for (const d of [...deviceNames].sort((a, b) => b.length - a.length)) {
		const i = deviceText.indexOf(d.toLowerCase());
		if (i >= 0) {
			add('device', d);
			deviceText = deviceText.slice(0, i) + ' '.repeat(d.length) + deviceText.slice(i + d.length);
		}
	}
	for (const [re, name] of GENERIC_DEVICES) {
		const m = deviceText.match(re);
		if (m) {
			const value = name(m);
			if (!found.some((e) => e.type === 'device' && norm(e.value).includes(norm(value))))
				add('device', value);
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

function monthName(token: string): string {
	const i = MONTHS.findIndex((m) => m.startsWith(token.slice(0, 3)));
	return titleCase(MONTHS[i] ?? token);
}
