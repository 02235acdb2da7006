import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbKeptRecords, withKept } from './kept-records';

describe('kept records', () => {
	it('keeps a flow’s records across openings, apart from another flow’s', async () => {
		const keys = { bookings: 'id' };
		const a = await IdbKeptRecords.open('clinic', keys, 'kept-test-1');
		await a.save('bookings', { id: 'B-0001', slot: 'Mon 9:00' });
		await a.save('bookings', { id: 'B-0002', slot: 'Tue 9:00' });
		a.close();
		const other = await IdbKeptRecords.open('bikes', keys, 'kept-test-1');
		expect(await other.load()).toEqual({});
		other.close();
		const again = await IdbKeptRecords.open('clinic', keys, 'kept-test-1');
		expect((await again.load()).bookings?.map((r) => r.id).sort()).toEqual(['B-0001', 'B-0002']);
		again.close();
	});

	it('adds kept rows to the flow’s own, never replacing one, and only for declared tables', () => {
		const data = { bookings: [{ id: 'B-0001', slot: 'from the flow' }] };
		const kept = {
			bookings: [
				{ id: 'B-0001', slot: 'kept' },
				{ id: 'B-0002', slot: 'kept' }
			],
			gone: [{ id: 'x' }]
		};
		const merged = withKept(data, kept, { bookings: 'id' });
		expect(merged.bookings).toEqual([
			{ id: 'B-0001', slot: 'from the flow' },
			{ id: 'B-0002', slot: 'kept' }
		]);
		expect(merged.gone).toBeUndefined();
	});
});
