// Templates are how a flow file words answers: text with `{path}` and `{path|filter:arg}` holes
// filled from the call's facts (tool results, slots, the verified record). Every figure an agent
// says comes through one, so the grounding rule holds with or without a language model. Figures
// are worded for the ear (spoken.ts): money without ".00", dates and times relative to the call's
// clock, a row's place among rows alike to it.

import {
	alikePosition,
	isPast,
	ordinalWord,
	spokenDate,
	spokenMoment,
	spokenMoney,
	type Clock
} from './spoken';

export type Hole = { path: string[]; filters: { name: string; arg?: string }[] };
export type Part = string | Hole;

export const FILTERS = [
	'money',
	'join',
	'lower',
	'upper',
	'abs',
	'moreless',
	'remove',
	'only',
	'count',
	'default',
	'first',
	'rest',
	'said',
	'unsaid',
	'upperfirst',
	'number',
	'prefix',
	'field',
	'date',
	'time',
	'nth',
	'ordinal',
	'past'
] as const;
export type FilterName = (typeof FILTERS)[number];

export class TemplateSyntaxError extends Error {}

const cache = new Map<string, Part[]>();

/** Splits a template into text and holes; throws `TemplateSyntaxError` on an unclosed hole. */
export function parseTemplate(source: string): Part[] {
	const hit = cache.get(source);
	if (hit) return hit;
	const parts: Part[] = [];
	let i = 0;
	let textStart = 0;
	while (i < source.length) {
		if (source[i] !== '{') {
			i++;
			continue;
		}
		if (i > textStart) parts.push(source.slice(textStart, i));
		const { hole, end } = readHole(source, i + 1);
		parts.push(hole);
		i = end + 1;
		textStart = i;
	}
	if (textStart < source.length) parts.push(source.slice(textStart));
	if (cache.size > 2000) cache.clear();
	cache.set(source, parts);
	return parts;
}

function readHole(s: string, start: number): { hole: Hole; end: number } {
	let i = start;
	const readUntil = (stops: string): string => {
		let out = '';
		if (s[i] === "'") {
			i++;
			while (i < s.length && s[i] !== "'") out += s[i++];
			if (s[i] !== "'")
				throw new TemplateSyntaxError(`an argument quote opened at ${start} is not closed`);
			i++;
			return out;
		}
		while (i < s.length && !stops.includes(s[i]!)) out += s[i++];
		return out;
	};
	const path = readUntil('|}').trim();
	if (!path) throw new TemplateSyntaxError(`an empty {} at ${start - 1}`);
	if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(path))
		throw new TemplateSyntaxError(`"${path}" is not a path (use names separated by dots)`);
	const filters: Hole['filters'] = [];
	while (s[i] === '|') {
		i++;
		const name = readUntil(':|}').trim();
		if (!(FILTERS as readonly string[]).includes(name))
			throw new TemplateSyntaxError(`unknown filter "${name}" (known: ${FILTERS.join(', ')})`);
		let arg: string | undefined;
		if (s[i] === ':') {
			i++;
			arg = readUntil('|}');
		}
		filters.push(arg === undefined ? { name } : { name, arg });
	}
	if (s[i] !== '}')
		throw new TemplateSyntaxError(`a hole opened at ${start - 1} is not closed with }`);
	return { hole: { path: path.split('.'), filters }, end: i };
}

/** The holes of a template, for static checks. */
export function holesOf(source: string): Hole[] {
	return parseTemplate(source).filter((p): p is Hole => typeof p !== 'string');
}

/** Looks a path up in the call's facts; `undefined` when any step is missing. */
export type Resolve = (path: readonly string[]) => unknown;

/** An amount as said and shown: "$94", "$94.50", "$1,100". */
export const money = (n: number) => spokenMoney(n) ?? String(n);

/** What filters need beyond the value: the call's clock, and the rows a row is counted among. */
export type RenderContext = {
	clock?: Clock;
	/** Rows of the table the `row` being worded came from (for `nth`). */
	rows?: readonly Record<string, unknown>[];
	/** The caller's words this turn (for `said`). */
	said?: string;
};

/** Words too common to tie a list item to what the caller said. */
const PLAIN = new Set(
	'the and for with you your yes not but are was has have had get got does did can will would what how much many all any its'.split(
		' '
	)
);
const wordsOf = (t: string) =>
	(t.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((w) => w.length >= 3 && !PLAIN.has(w));

/** Whether `said` names `item`: a word of three letters or more, not a common one, in both. */
export function namedBy(item: unknown, said: string): boolean {
	const heard = new Set(wordsOf(said));
	return wordsOf(asText(item)).some((w) => heard.has(w));
}

const clockOf = (ctx: RenderContext): Clock => ctx.clock ?? { now: new Date() };

function asText(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (Array.isArray(value)) return value.map(asText).join(', ');
	if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
	if (typeof value === 'object') return '';
	return String(value);
}

function applyFilter(
	value: unknown,
	name: string,
	arg: string | undefined,
	ctx: RenderContext
): unknown {
	switch (name as FilterName) {
		case 'money':
			return value === undefined || value === null || value === ''
				? ''
				: (spokenMoney(value) ?? value);
		case 'date':
			return spokenDate(value, clockOf(ctx), { on: arg === 'on' }) ?? value;
		case 'time':
			return spokenMoment(value, clockOf(ctx)) ?? value;
		case 'past':
			// `{row.eta|past:', but the work is running late'}`: words only for a time gone by.
			return isPast(value, clockOf(ctx)) ? (arg ?? '') : '';
		case 'ordinal': {
			const n = typeof value === 'number' ? value : Number(value);
			return (value !== '' && ordinalWord(n)) || value;
		}
		case 'nth': {
			// `nth:'amount,description by date'`: "second" for the second of rows alike in those fields.
			const [fields, by] = (arg ?? '').split(/\s+by\s+/);
			const names = (fields ?? '')
				.split(',')
				.map((f) => f.trim())
				.filter(Boolean);
			return alikePosition(value, ctx.rows ?? [], names, by?.trim() || undefined);
		}
		case 'join': {
			if (!Array.isArray(value)) return value;
			const items = value.map(asText);
			// "and" or "or" joins a list as it is said: "a, b or c".
			if (items.length > 2 && /^\s+(and|or)\s+$/.test(arg ?? ''))
				return `${items.slice(0, -1).join(', ')}${arg}${items.at(-1)}`;
			return items.join(arg ?? ', ');
		}
		case 'lower':
			return asText(value).toLowerCase();
		case 'upper':
			return asText(value).toUpperCase();
		case 'upperfirst': {
			const t = asText(value);
			return t.charAt(0).toUpperCase() + t.slice(1);
		}
		case 'abs':
			return typeof value === 'number' ? Math.abs(value) : value;
		case 'moreless':
			return typeof value === 'number' ? (value >= 0 ? 'more' : 'less') : '';
		case 'remove':
			return asText(value)
				.replace(new RegExp(arg ?? '', 'gi'), ' ')
				.replace(/\s+/g, ' ')
				.trim();
		case 'only':
			return Array.isArray(value) && value.length === 1 ? value[0] : undefined;
		case 'count':
			return Array.isArray(value) ? value.length : value === undefined ? 0 : 1;
		case 'default':
			return value === undefined || value === null || asText(value) === '' ? arg : value;
		case 'first':
			return Array.isArray(value) ? value[0] : value;
		case 'rest':
			return Array.isArray(value) ? value.slice(1) : undefined;
		case 'said':
		case 'unsaid': {
			// The items the caller's words name ("will I lose my hotspot?" → ["5 GB hotspot"]), or
			// the others.
			const keep = (x: unknown) => namedBy(x, ctx.said ?? '') === (name === 'said');
			return Array.isArray(value) ? value.filter(keep) : keep(value) ? value : undefined;
		}
		case 'number': {
			const n = typeof value === 'number' ? value : Number(value);
			return value === undefined || value === null || value === '' || !Number.isFinite(n)
				? undefined
				: n;
		}
		case 'field':
			return Array.isArray(value)
				? value.map((x) =>
						x && typeof x === 'object' ? (x as Record<string, unknown>)[arg ?? ''] : x
					)
				: value && typeof value === 'object'
					? (value as Record<string, unknown>)[arg ?? '']
					: value;
		case 'prefix':
			return value === undefined || value === null || asText(value) === ''
				? value
				: `${arg ?? ''}${asText(value)}`;
	}
	return value;
}

/** A hole's value after its filters (not yet text). */
export function evaluateHole(hole: Hole, resolve: Resolve, ctx: RenderContext = {}): unknown {
	let value = resolve(hole.path);
	for (const f of hole.filters) value = applyFilter(value, f.name, f.arg, ctx);
	return value;
}

/** Fills a template. A hole with no value reads as empty text; spacing around it is tidied. */
export function render(source: string, resolve: Resolve, ctx: RenderContext = {}): string {
	const parts = parseTemplate(source);
	let out = '';
	for (const p of parts) out += typeof p === 'string' ? p : asText(evaluateHole(p, resolve, ctx));
	return out.replace(/ {2,}/g, ' ');
}

/** A template that is exactly one hole keeps its value's type (a number stays a number). */
export function renderValue(source: string, resolve: Resolve, ctx: RenderContext = {}): unknown {
	const parts = parseTemplate(source);
	if (parts.length === 1 && typeof parts[0] !== 'string')
		return evaluateHole(parts[0]!, resolve, ctx);
	return render(source, resolve, ctx);
}
