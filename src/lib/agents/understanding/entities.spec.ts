import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { vocabularyOf } from './vocabulary';

const vocab = vocabularyOf(demoFlow, demoDataset);
import { extractEntities } from './entities';

const types = (text: string) =>
	Object.fromEntries(extractEntities(text, vocab).entities.map((e) => [e.type, e.value]));

describe('extractEntities', () => {
	it('reads an account id, a phone number and a zip code', () => {
		expect(types('account AC-10021, my number is 415-555-0134, zip 94107')).toMatchObject({
			account_id: 'AC-10021',
			phone: '415-555-0134',
			zip: '94107'
		});
	});

	it('reads an amount, a plan and a device the dataset knows', () => {
		const found = types('I was charged $49.99 and I am on Unlimited with an iPhone 14');
		expect(found.amount).toBe('49.99');
		expect(found.plan).toBe('Unlimited');
		expect(found.device).toMatch(/iphone 14/i);
	});

	it('takes a PIN said for verification apart from the facts, never as one', () => {
		const e = extractEntities('my pin is 4821', vocab);
		expect(e.pin).toBe('4821');
		expect(e.entities.map((x) => x.value)).not.toContain('4821');
	});

	it('finds nothing in small talk', () => {
		expect(extractEntities('hi there, how are you today', vocab).entities).toEqual([]);
	});
});
