import { describe, expect, it } from 'vitest';
import { FILTERS, holesOf, render, renderValue, TemplateSyntaxError } from './template';

const facts: Record<string, unknown> = {
	balance: 94,
	cents: 94.5,
	big: 1100,
	credit: -20,
	due: '2026-12-08',
	tomorrow: '2026-11-25',
	since: '2026-11-24T06:00:00Z',
	eta: '2026-11-24T18:00:00Z',
	next: '2026-11-25T09:00:00Z',
	nonsense: 'next-ish',
	two: 2,
	charges: [
		{ id: 'CH-1', amount: 65, description: 'monthly', date: '2026-11-01' },
		{ id: 'CH-2', amount: 65, description: 'monthly', date: '2026-11-02' },
		{ id: 'CH-3', amount: 49, description: 'renewal', date: '2026-11-03' }
	]
};
const walk = (root: unknown, path: readonly string[]) =>
	path.reduce<unknown>(
		(v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
		root
	);
const resolve = (path: readonly string[]) => walk(facts, path);
const clock = { now: new Date('2026-11-24T11:00:00Z'), timeZone: 'UTC' };
const rows = facts.charges as Record<string, unknown>[];
const say = (t: string, extra: Record<string, unknown> = {}) =>
	render(t, (p) => walk({ ...facts, ...extra }, p), { clock, rows });

describe('template filters for the ear', () => {
	it('money: no ".00", cents when there are some, thousands grouped, minus for a credit', () => {
		expect(say('Your balance is {balance|money}.')).toBe('Your balance is $94.');
		expect(say('{cents|money}')).toBe('$94.50');
		expect(say('{big|money}')).toBe('$1,100');
		expect(say('{credit|money}')).toBe('minus $20');
		expect(say('{credit|abs|money} {credit|moreless}')).toBe('$20 less');
		expect(say('[{missing|money}]')).toBe('[]');
		expect(say('{nonsense|money}')).toBe('next-ish');
	});

	it('date: relative to the call’s clock, with "on" when asked', () => {
		expect(say('due {due|date}')).toBe('due December 8th');
		expect(say('due {tomorrow|date}')).toBe('due tomorrow');
		expect(say('the charge {due|date:on}')).toBe('the charge on December 8th');
		expect(say('the charge {tomorrow|date:on}')).toBe('the charge tomorrow');
	});

	it('time: a moment relative to the call’s clock', () => {
		expect(say('since {since|time}, expected fixed by {eta|time}')).toBe(
			'since 6 this morning, expected fixed by 6 tonight'
		);
		expect(say('by {next|time}')).toBe('by 9 tomorrow morning');
	});

	it('nth: the place of a row among rows alike, only when there is more than one', () => {
		const [first, second, single] = rows;
		const t =
			"The {row|nth:'amount,description by date'} {row.amount|money} charge {row.date|date:on}";
		expect(say(t, { row: second })).toBe('The second $65 charge on November 2nd');
		expect(say(t, { row: first })).toBe('The first $65 charge on November 1st');
		expect(say(t, { row: single })).toBe('The $49 charge on November 3rd');
	});

	it('past: words only for a time gone by', () => {
		const t = "fixed by {x|time}{x|past:', but the work is running late'}.";
		expect(say(t, { x: '2026-11-24T06:00:00Z' })).toBe(
			'fixed by 6 this morning, but the work is running late.'
		);
		expect(say(t, { x: '2026-11-24T18:00:00Z' })).toBe('fixed by 6 tonight.');
		expect(say(t, { x: 'soon' })).toBe('fixed by soon.');
	});

	it('ordinal: a count as a word', () => {
		expect(say('the {two|ordinal} time')).toBe('the second time');
		expect(say('the {nonsense|ordinal} time')).toBe('the next-ish time');
	});

	it('first and rest: a list split at its first item', () => {
		expect(say('{charges|field:id|first}')).toBe('CH-1');
		expect(say("{charges|field:id|rest|join:' and '}")).toBe('CH-2 and CH-3');
		expect(say('[{balance|rest}]')).toBe('[]');
	});

	it("join with ' and ' or ' or ': a list as it is said", () => {
		expect(say("{charges|field:id|join:' or '}")).toBe('CH-1, CH-2 or CH-3');
		expect(say("{charges|field:id|join:'; '}")).toBe('CH-1; CH-2; CH-3');
	});

	it("said and unsaid: the items the caller's words name, and the others", () => {
		const features = ['unlimited talk and text', '5 GB data', '5 GB hotspot'];
		const heard = (t: string, said: string) =>
			render(t, (p) => walk({ features }, p), { clock, said });
		expect(heard("{features|said|join:' and '}", 'will I lose my hotspot?')).toBe('5 GB hotspot');
		expect(heard("{features|unsaid|join:', '}", 'will I lose my hotspot?')).toBe(
			'unlimited talk and text, 5 GB data'
		);
		expect(heard("{features|said|join:', '|default:'none'}", 'what about roaming?')).toBe('none');
		// Common words tie nothing: "the" and "and" name no feature.
		expect(heard('{features|said|count}', 'and the rest?')).toBe('0');
	});

	it('gives bad input back as it came rather than failing', () => {
		expect(say('{nonsense|date} / {nonsense|time} / {two|date}')).toBe('next-ish / next-ish / 2');
		expect(renderValue('{nonsense|time}', resolve, { clock })).toBe('next-ish');
		expect(say('[{missing|date}]')).toBe('[]');
	});

	it('without a clock, says dates relative to the device’s clock at the moment of wording', () => {
		const today = new Date().toISOString().slice(0, 10);
		expect(render('{d|date}', () => today)).toBe('today');
	});

	it('lists every filter it knows, and rejects an unknown one', () => {
		expect(FILTERS).toEqual(expect.arrayContaining(['money', 'date', 'time', 'nth', 'ordinal']));
		expect(() => holesOf('{due|spoken}')).toThrow(TemplateSyntaxError);
		expect(() => holesOf('{due|spoken}')).toThrow(/unknown filter "spoken".*date, time/);
	});
});
