import { describe, expect, it } from 'vitest';
import {
	alikePosition,
	isPast,
	isTimeZone,
	ordinalSuffix,
	ordinalWord,
	spokenDate,
	spokenMoment,
	spokenMoney
} from './spoken';

// A Tuesday, late morning, in UTC; the zone is given so the device's own never decides.
const clock = { now: new Date('2026-11-24T11:00:00Z'), timeZone: 'UTC' };

describe('spokenDate', () => {
	it('says the near days by name, a weekday within the week, else the month and day', () => {
		expect(spokenDate('2026-11-24', clock)).toBe('today');
		expect(spokenDate('2026-11-25', clock)).toBe('tomorrow');
		expect(spokenDate('2026-11-23', clock)).toBe('yesterday');
		expect(spokenDate('2026-11-27', clock)).toBe('Friday');
		expect(spokenDate('2026-11-30', clock)).toBe('Monday');
		expect(spokenDate('2026-11-19', clock)).toBe('Thursday');
		expect(spokenDate('2026-12-01', clock)).toBe('December 1st');
		expect(spokenDate('2026-11-02', clock)).toBe('November 2nd');
		expect(spokenDate('2026-12-08', clock)).toBe('December 8th');
		expect(spokenDate('2026-12-13', clock)).toBe('December 13th');
		expect(spokenDate('2026-12-23', clock)).toBe('December 23rd');
	});

	it('puts "on" before a weekday or a date when asked, never before today or tomorrow', () => {
		expect(spokenDate('2026-11-02', clock, { on: true })).toBe('on November 2nd');
		expect(spokenDate('2026-11-27', clock, { on: true })).toBe('on Friday');
		expect(spokenDate('2026-11-25', clock, { on: true })).toBe('tomorrow');
	});

	it('across the year boundary: near days stay near, the year only when months away', () => {
		const eve = { now: new Date('2026-12-31T20:00:00Z'), timeZone: 'UTC' };
		expect(spokenDate('2027-01-01', eve)).toBe('tomorrow');
		expect(spokenDate('2027-01-15', eve)).toBe('January 15th');
		expect(spokenDate('2027-09-15', eve)).toBe('September 15th, 2027');
		expect(spokenDate('2025-12-01', eve)).toBe('December 1st, 2025');
	});

	it('reads "today" in the company’s time zone, not in UTC', () => {
		// 03:00 UTC on the 25th is still the evening of the 24th in Chicago.
		const late = { now: new Date('2026-11-25T03:00:00Z'), timeZone: 'America/Chicago' };
		expect(spokenDate('2026-11-24', late)).toBe('today');
		expect(spokenDate('2026-11-25', late)).toBe('tomorrow');
	});

	it('gives null for what is not a date, so the raw value is said', () => {
		for (const bad of ['', 'soon', '2026-13-01', '2026-02-30', 42, null, undefined, {}])
			expect(spokenDate(bad, clock)).toBeNull();
	});
});

describe('spokenMoment', () => {
	it('says a moment today, tomorrow or yesterday with the part of the day', () => {
		expect(spokenMoment('2026-11-24T06:00:00Z', clock)).toBe('6 this morning');
		expect(spokenMoment('2026-11-24T18:00:00Z', clock)).toBe('6 tonight');
		expect(spokenMoment('2026-11-24T15:00:00Z', clock)).toBe('3 this afternoon');
		expect(spokenMoment('2026-11-24T09:15:00Z', clock)).toBe('9:15 this morning');
		expect(spokenMoment('2026-11-25T09:00:00Z', clock)).toBe('9 tomorrow morning');
		expect(spokenMoment('2026-11-25T19:30:00Z', clock)).toBe('7:30 tomorrow evening');
		expect(spokenMoment('2026-11-23T21:30:00Z', clock)).toBe('9:30 last night');
		expect(spokenMoment('2026-11-23T14:00:00Z', clock)).toBe('2 yesterday afternoon');
	});

	it('says noon and midnight as words; midnight belongs to the night before it', () => {
		expect(spokenMoment('2026-11-24T12:00:00Z', clock)).toBe('noon today');
		expect(spokenMoment('2026-11-25T00:00:00Z', clock)).toBe('midnight tonight');
		expect(spokenMoment('2026-11-24T00:00:00Z', clock)).toBe('midnight last night');
		expect(spokenMoment('2026-11-26T00:00:00Z', clock)).toBe('midnight tomorrow night');
		expect(spokenMoment('2026-11-24T00:30:00Z', clock)).toBe('12:30 this morning');
	});

	it('further off: the weekday within the week, else the date', () => {
		expect(spokenMoment('2026-11-27T18:00:00Z', clock)).toBe('6 Friday evening');
		expect(spokenMoment('2026-11-21T02:00:00Z', clock)).toBe('2 Saturday morning');
		expect(spokenMoment('2026-11-27T12:00:00Z', clock)).toBe('noon Friday');
		expect(spokenMoment('2026-12-08T18:00:00Z', clock)).toBe('6 in the evening on December 8th');
		expect(spokenMoment('2026-12-08T22:00:00Z', clock)).toBe('10 at night on December 8th');
	});

	it('turns an instant into the company’s time; a time with no zone is already local', () => {
		const chicago = { now: new Date('2026-11-24T17:00:00Z'), timeZone: 'America/Chicago' };
		expect(spokenMoment('2026-11-24T18:00:00Z', chicago)).toBe('noon today');
		expect(spokenMoment('2026-11-24T18:00:00', chicago)).toBe('6 tonight');
		expect(spokenMoment('2026-11-24T18:00:00-06:00', chicago)).toBe('6 tonight');
	});

	it('reads a plain date as a day, and gives null for what is not a moment', () => {
		expect(spokenMoment('2026-11-25', clock)).toBe('tomorrow');
		for (const bad of ['later', '2026-11-24T25:00:00Z', '24/11/2026', 1700000000, true])
			expect(spokenMoment(bad, clock)).toBeNull();
	});
});

describe('spokenMoney', () => {
	it('says cents only when there are some, with thousands grouped', () => {
		expect(spokenMoney(94)).toBe('$94');
		expect(spokenMoney(94.5)).toBe('$94.50');
		expect(spokenMoney(12.05)).toBe('$12.05');
		expect(spokenMoney(0)).toBe('$0');
		expect(spokenMoney(0.5)).toBe('$0.50');
		expect(spokenMoney(1100)).toBe('$1,100');
		expect(spokenMoney(1234567.8)).toBe('$1,234,567.80');
		expect(spokenMoney(94.004)).toBe('$94');
		expect(spokenMoney(94.996)).toBe('$95');
		expect(spokenMoney('45')).toBe('$45');
		expect(spokenMoney('$1,100.00')).toBe('$1,100');
	});

	it('says a negative amount (a credit) with "minus"; a rounding to nothing is not negative', () => {
		expect(spokenMoney(-20)).toBe('minus $20');
		expect(spokenMoney(-0.25)).toBe('minus $0.25');
		expect(spokenMoney(-0.001)).toBe('$0');
	});

	it('gives null for what is not an amount', () => {
		for (const bad of ['', 'ten', NaN, Infinity, null, undefined, true, {}])
			expect(spokenMoney(bad)).toBeNull();
	});
});

describe('ordinals', () => {
	it('suffixes and words', () => {
		expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinalSuffix)).toEqual([
			'1st',
			'2nd',
			'3rd',
			'4th',
			'11th',
			'12th',
			'13th',
			'21st',
			'22nd',
			'23rd',
			'101st',
			'111th'
		]);
		expect(ordinalWord(2)).toBe('second');
		expect(ordinalWord(10)).toBe('tenth');
		expect(ordinalWord(11)).toBe('11th');
		expect(ordinalWord(0)).toBeNull();
		expect(ordinalWord(1.5)).toBeNull();
	});
});

describe('alikePosition', () => {
	const a = { id: 'A', amount: 65, what: 'monthly', date: '2026-11-02' };
	const b = { id: 'B', amount: 65, what: 'monthly', date: '2026-11-01' };
	const c = { id: 'C', amount: 49, what: 'renewal', date: '2026-11-03' };
	const rows = [a, b, c];

	it('counts a row among those alike, in date order when asked', () => {
		expect(alikePosition(a, rows, ['amount', 'what'], 'date')).toBe('second');
		expect(alikePosition(b, rows, ['amount', 'what'], 'date')).toBe('first');
		expect(alikePosition(a, rows, ['amount', 'what'])).toBe('first');
	});

	it('says nothing for a row with none alike, or one not among the rows', () => {
		expect(alikePosition(c, rows, ['amount', 'what'], 'date')).toBe('');
		expect(alikePosition({ ...a }, rows, ['amount', 'what'], 'date')).toBe('');
		expect(alikePosition('A', rows, ['amount'], 'date')).toBe('');
		expect(alikePosition(a, rows, [], 'date')).toBe('');
	});
});

describe('isPast', () => {
	it('tells a day or a moment gone by from one to come, on the call’s clock', () => {
		expect(isPast('2026-11-24T10:59:00Z', clock)).toBe(true);
		expect(isPast('2026-11-24T11:01:00Z', clock)).toBe(false);
		expect(isPast('2026-11-23', clock)).toBe(true);
		expect(isPast('2026-11-24', clock)).toBe(false);
		// Wall-clock time with no zone is the company's: 11:30 in Chicago is still to come at 17:00Z.
		const chicago = { now: new Date('2026-11-24T17:00:00Z'), timeZone: 'America/Chicago' };
		expect(isPast('2026-11-24T11:30:00', chicago)).toBe(false);
		expect(isPast('2026-11-24T10:30:00', chicago)).toBe(true);
		expect(isPast('whenever', clock)).toBeNull();
	});
});

describe('isTimeZone', () => {
	it('knows IANA names and rejects others', () => {
		expect(isTimeZone('America/Chicago')).toBe(true);
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Mars/Olympus')).toBe(false);
	});
});
