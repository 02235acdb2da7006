import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFlow } from '../flows/load';
import { extractEntities } from './entities';
import { vocabularyOf } from './vocabulary';

const vocab = (file: string) => {
	const { flow, data } = loadFlow(JSON.parse(readFileSync(file, 'utf8')));
	return vocabularyOf(flow, data);
};

describe("a flow's vocabulary", () => {
	it('reads the company’s own id formats before any generic rule', () => {
		const dental = vocab('flows/bright-smile-dental.json');
		// An unknown patient number is still a patient number (not a zip), so verification can fail
		// it plainly; a known one keeps its stored form.
		expect(extractEntities('my patient number is BSD 99999', dental).entities).toEqual([
			{ type: 'account_id', value: 'BSD-99999' }
		]);
		expect(extractEntities('it is bsd-20417', dental).entities).toEqual([
			{ type: 'account_id', value: 'BSD-20417' }
		]);
		// With formats of its own, a flow's account ids are not guessed from any LETTERS-1234.
		expect(extractEntities('about invoice INV-3180', dental).entities).toEqual([]);
		const bikes = vocab('examples/flows/city-bikes.json');
		expect(extractEntities('my order number is cb 2041 and my pin is 7391', bikes)).toEqual({
			entities: [{ type: 'order_id', value: 'CB-2041' }],
			pin: '7391'
		});
	});

	it('knows the demo company’s ids, phones, plans and devices', () => {
		const demo = vocab('flows/northwind-mobile.json');
		const found = extractEntities(
			'account ac 10021, phone 415 555 0134, on Unlimited Plus, my pixel 9 pro',
			demo
		).entities;
		expect(found).toEqual(
			expect.arrayContaining([
				{ type: 'account_id', value: 'AC-10021' },
				{ type: 'phone', value: '415-555-0134' },
				{ type: 'plan', value: 'Unlimited Plus' },
				{ type: 'device', value: 'Pixel 9 Pro' }
			])
		);
	});
});
