import { describe, expect, it } from 'vitest';
import type { TableDef } from './schema';
import { Tables } from './tables';

// A table written as of one moment (a demo's live status) read at another: its date-times move
// with the call's clock, by whole hours; its dates and other fields stay as written.

const outages: TableDef = {
	id: 'outages',
	key: 'id',
	asOf: '2026-11-24T12:00:00Z',
	fields: [
		{ name: 'id', type: 'id' },
		{ name: 'since', type: 'datetime' },
		{ name: 'day', type: 'date' }
	]
};
const data = { outages: [{ id: 'OUT-1', since: '2026-11-24T06:00:00Z', day: '2026-11-24' }] };

describe('Tables with asOf', () => {
	it('moves date-times with the clock by whole hours, and leaves dates alone', () => {
		const later = new Tables([outages], data, new Date('2026-11-26T15:20:00Z'));
		expect(later.rows('outages')[0]).toEqual({
			id: 'OUT-1',
			since: '2026-11-26T09:00:00Z',
			day: '2026-11-24'
		});
		// At the moment written for, and without a clock, nothing moves; the data is not changed.
		expect(
			new Tables([outages], data, new Date('2026-11-24T12:00:00Z')).rows('outages')[0]
		).toEqual(data.outages[0]);
		expect(new Tables([outages], data).rows('outages')[0]).toEqual(data.outages[0]);
		expect(data.outages[0]!.since).toBe('2026-11-24T06:00:00Z');
		// A table without asOf stays as written whatever the clock.
		const { asOf: _asOf, ...fixed } = outages;
		expect(
			new Tables([fixed], data, new Date('2026-12-25T00:00:00Z')).rows('outages')[0]!.since
		).toBe('2026-11-24T06:00:00Z');
	});
});
