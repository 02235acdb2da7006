// Figures as a person says them on the phone: "$94" rather than "$94.00", "December 8th" or
// "tomorrow" rather than "2026-12-08", "6 tonight" rather than "2026-11-24T18:00:00Z". Dates and
// times are said relative to the call's clock, in the company's time zone when the flow names one
// (`company.timeZone`), else in the time zone of the device the call runs on, which in the browser
// is the caller's own. Anything that cannot be read is given back as it came, never dropped.

import { MONTHS as LOWER_MONTHS } from '../understanding/calendar';

/** The call's clock: the moment "now" is for the words "today", "tonight", "tomorrow". */
export type Clock = { now: Date; timeZone?: string };

type Day = { y: number; m: number; d: number };
type Moment = Day & { hour: number; minute: number; zoned: boolean };

/** Month names as said, January first. */
const MONTHS = LOWER_MONTHS.map((m) => m.charAt(0).toUpperCase() + m.slice(1));
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINAL_WORDS = [
	'first',
	'second',
	'third',
	'fourth',
	'fifth',
	'sixth',
	'seventh',
	'eighth',
	'ninth',
	'tenth'
];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of `at` in `timeZone` (the device's own when none, or when it is unknown). */
function wallClock(at: Date, timeZone?: string): Omit<Moment, 'zoned'> {
	const key = timeZone ?? '';
	let f = formatters.get(key);
	if (!f) {
		const options: Intl.DateTimeFormatOptions = {
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			hourCycle: 'h23'
		};
		try {
			f = new Intl.DateTimeFormat('en-US', { ...options, ...(timeZone ? { timeZone } : {}) });
		} catch {
			// The flow loader rejects an unknown zone; a hand-built flow falls back to the device's.
			f = new Intl.DateTimeFormat('en-US', options);
		}
		formatters.set(key, f);
	}
	const n: Record<string, number> = {};
	for (const p of f.formatToParts(at)) if (p.type !== 'literal') n[p.type] = Number(p.value);
	return { y: n.year!, m: n.month!, d: n.day!, hour: n.hour! % 24, minute: n.minute! };
}

/** Whether `zone` is a time zone this runtime knows ("America/Chicago", "UTC"). */
export function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function validDay(y: number, m: number, d: number): boolean {
	const t = new Date(Date.UTC(y, m - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A calendar day or a moment read from a value, or null when it is neither. */
function read(value: unknown, clock: Clock): Moment | (Day & { dateOnly: true }) | null {
	if (value instanceof Date) {
		return Number.isNaN(value.getTime())
			? null
			: { ...wallClock(value, clock.timeZone), zoned: true };
	}
	if (typeof value !== 'string') return null;
	const s = value.trim();
	const d = DATE.exec(s);
	if (d) {
		const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
		return validDay(y, m, day) ? { y, m, d: day, dateOnly: true } : null;
	}
	const t = DATETIME.exec(s);
	if (!t) return null;
	const [y, m, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(t[i]));
	if (!validDay(y!, m!, day!) || hour! > 23 || minute! > 59) return null;
	// A moment with a zone ("Z", "+02:00") is an instant: said in the call's zone. One without is
	// already wall-clock time where the company is.
	if (t[6]) {
		const at = new Date(s.replace(' ', 'T'));
		return Number.isNaN(at.getTime()) ? null : { ...wallClock(at, clock.timeZone), zoned: true };
	}
	return { y: y!, m: m!, d: day!, hour: hour!, minute: minute!, zoned: false };
}

const dayNumber = (x: Day) => Math.round(Date.UTC(x.y, x.m - 1, x.d) / 86_400_000);
const weekday = (x: Day) => WEEKDAYS[new Date(Date.UTC(x.y, x.m - 1, x.d)).getUTCDay()]!;

/** 1 → "1st", 22 → "22nd", 13 → "13th". */
export function ordinalSuffix(n: number): string {
	const r100 = n % 100;
	const r10 = n % 10;
	const s =
		r100 >= 11 && r100 <= 13 ? 'th' : r10 === 1 ? 'st' : r10 === 2 ? 'nd' : r10 === 3 ? 'rd' : 'th';
	return `${n}${s}`;
}

/** 2 → "second"; past ten, "11th". Not a positive whole number → null. */
export function ordinalWord(n: number): string | null {
	if (!Number.isInteger(n) || n < 1) return null;
	return ORDINAL_WORDS[n - 1] ?? ordinalSuffix(n);
}

function calendar(x: Day, today: Day): string {
	const far = Math.abs(dayNumber(x) - dayNumber(today)) > 182;
	return `${MONTHS[x.m - 1]} ${ordinalSuffix(x.d)}${x.y !== today.y && far ? `, ${x.y}` : ''}`;
}

/**
 * A day as said aloud: "today", "tomorrow", "yesterday", a weekday within six days either side
 * ("Friday"), else "December 8th" (with the year when it is another year and months away). With
 * `on`, a weekday or a date gets "on" before it ("on Friday"), the near days none ("today").
 */
export function spokenDate(
	value: unknown,
	clock: Clock,
	options: { on?: boolean } = {}
): string | null {
	const x = read(value, clock);
	if (!x) return null;
	const today = wallClock(clock.now, clock.timeZone);
	const diff = dayNumber(x) - dayNumber(today);
	if (diff === 0) return 'today';
	if (diff === 1) return 'tomorrow';
	if (diff === -1) return 'yesterday';
	const on = options.on ? 'on ' : '';
	if (Math.abs(diff) <= 6) return `${on}${weekday(x)}`;
	return `${on}${calendar(x, today)}`;
}

type DayPart = 'early' | 'morning' | 'afternoon' | 'evening' | 'night';

function dayPart(hour: number): DayPart {
	if (hour < 5) return 'early';
	if (hour < 12) return 'morning';
	if (hour < 17) return 'afternoon';
	if (hour < 21) return 'evening';
	return 'night';
}

const NEAR: Record<-1 | 0 | 1, Record<DayPart, string>> = {
	[-1]: {
		early: 'yesterday morning',
		morning: 'yesterday morning',
		afternoon: 'yesterday afternoon',
		evening: 'yesterday evening',
		night: 'last night'
	},
	0: {
		early: 'this morning',
		morning: 'this morning',
		afternoon: 'this afternoon',
		evening: 'tonight',
		night: 'tonight'
	},
	1: {
		early: 'tomorrow morning',
		morning: 'tomorrow morning',
		afternoon: 'tomorrow afternoon',
		evening: 'tomorrow evening',
		night: 'tomorrow night'
	}
};

const FAR_PART: Record<DayPart, string> = {
	early: 'in the morning',
	morning: 'in the morning',
	afternoon: 'in the afternoon',
	evening: 'in the evening',
	night: 'at night'
};

/**
 * A moment as said aloud, relative to the call's clock: "6 this morning", "6 tonight",
 * "9:30 tomorrow morning", "8 last night", "noon Friday", "6 in the evening on December 8th".
 * Midnight belongs to the night before it ("midnight tonight" is the coming one). A plain date
 * reads as `spokenDate` does.
 */
export function spokenMoment(value: unknown, clock: Clock): string | null {
	const x = read(value, clock);
	if (!x) return null;
	if ('dateOnly' in x) return spokenDate(value, clock);
	const today = wallClock(clock.now, clock.timeZone);
	const midnight = x.hour === 0 && x.minute === 0;
	const noon = x.hour === 12 && x.minute === 0;
	// Midnight is said as the end of the day before it.
	const day = midnight ? dayNumber(x) - 1 : dayNumber(x);
	const diff = day - dayNumber(today);
	const h = x.hour % 12 || 12;
	const time = x.minute === 0 ? String(h) : `${h}:${String(x.minute).padStart(2, '0')}`;
	if (diff >= -1 && diff <= 1) {
		const near = diff as -1 | 0 | 1;
		if (midnight) return `midnight ${['last night', 'tonight', 'tomorrow night'][near + 1]}`;
		if (noon) return `noon ${['yesterday', 'today', 'tomorrow'][near + 1]}`;
		return `${time} ${NEAR[near][dayPart(x.hour)]}`;
	}
	const dateOf = new Date(day * 86_400_000);
	const ref: Day = {
		y: dateOf.getUTCFullYear(),
		m: dateOf.getUTCMonth() + 1,
		d: dateOf.getUTCDate()
	};
	if (Math.abs(diff) <= 6) {
		const wd = weekday(ref);
		if (midnight) return `midnight ${wd} night`;
		if (noon) return `noon ${wd}`;
		const part = dayPart(x.hour);
		return `${time} ${wd} ${part === 'early' ? 'morning' : part}`;
	}
	const date = calendar(ref, today);
	if (midnight) return `midnight on ${date}`;
	if (noon) return `noon on ${date}`;
	return `${time} ${FAR_PART[dayPart(x.hour)]} on ${date}`;
}

/**
 * Whether a day or a moment is already past on the call's clock (a day: before today). Null when
 * the value is neither.
 */
export function isPast(value: unknown, clock: Clock): boolean | null {
	const x = read(value, clock);
	if (!x) return null;
	const now = wallClock(clock.now, clock.timeZone);
	if ('dateOnly' in x) return dayNumber(x) < dayNumber(now);
	const at = (m: Omit<Moment, 'zoned'>) => Date.UTC(m.y, m.m - 1, m.d, m.hour, m.minute);
	return at(x) < at(now);
}

/**
 * An amount of money for the ear and the eye alike: "$94", "$94.50", "$1,100", "minus $20".
 * Cents only when there are some. Not a finite number → null.
 */
export function spokenMoney(value: unknown): string | null {
	if (value === undefined || value === null || value === '' || typeof value === 'boolean')
		return null;
	const n = typeof value === 'number' ? value : Number(String(value).replace(/[$,\s]/g, ''));
	if (!Number.isFinite(n)) return null;
	const cents = Math.round(Math.abs(n) * 100);
	const whole = Math.floor(cents / 100);
	const rest = cents % 100;
	const text = `$${whole.toLocaleString('en-US')}${rest ? `.${String(rest).padStart(2, '0')}` : ''}`;
	return n < 0 && cents > 0 ? `minus ${text}` : text;
}

/**
 * Where `row` stands among the rows alike to it, as a word ("second"), when there is more than
 * one alike: rows alike share every field in `fields`; they are counted in the order of `by` when
 * given (a date), else in the order listed. Alone, or not among `rows` → "".
 */
export function alikePosition(
	row: unknown,
	rows: readonly Record<string, unknown>[],
	fields: readonly string[],
	by?: string
): string {
	if (!row || typeof row !== 'object' || fields.length === 0) return '';
	const r = row as Record<string, unknown>;
	const alike = rows.filter((o) => fields.every((f) => String(o[f]) === String(r[f])));
	if (alike.length < 2) return '';
	if (by) alike.sort((a, b) => String(a[by] ?? '').localeCompare(String(b[by] ?? '')));
	const i = alike.indexOf(r);
	return i < 0 ? '' : (ordinalWord(i + 1) ?? '');
}
