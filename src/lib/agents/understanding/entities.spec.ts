import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { vocabularyOf } from './vocabulary';

const vocab = vocabularyOf(demoFlow, demoDataset);
import { extractEntities, wordsToNumber } from './entities';

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

	it('keeps named things in the order said, the longest name winning where two overlap', () => {
		const plans = (text: string) =>
			extractEntities(text, vocab)
				.entities.filter((e) => e.type === 'plan')
				.map((e) => e.value);
		expect(plans('the difference between unlimited and unlimited plus')).toEqual([
			'Unlimited',
			'Unlimited Plus'
		]);
		expect(plans('unlimited plus or basic')).toEqual(['Unlimited Plus', 'Basic']);
	});

	it('takes a PIN said for verification apart from the facts, never as one', () => {
		const e = extractEntities('my pin is 4821', vocab);
		expect(e.pin).toBe('4821');
		expect(e.entities.map((x) => x.value)).not.toContain('4821');
	});

	it('finds nothing in small talk', () => {
		expect(extractEntities('hi there, how are you today', vocab).entities).toEqual([]);
	});

	it('reads amounts as speech-to-text writes them, and number words as one number', () => {
		const amount = (t: string) =>
			extractEntities(t)
				.entities.filter((e) => e.type === 'amount')
				.map((e) => e.value);
		expect(amount('what is the eight dollar charge')).toEqual(['8.00']);
		expect(amount('the forty nine dollar charge')).toEqual(['49.00']);
		expect(amount('a hundred and twenty dollars')).toEqual(['120.00']);
		expect(amount('I paid 49 dollar')).toEqual(['49.00']);
		// "two sixty five dollar charges" is two charges of $65, not $67.
		expect(amount("there's two sixty five dollar charges")).toEqual(['65.00']);
		expect(amount('a lot of money')).toEqual([]);
		expect(wordsToNumber('one hundred twenty five')).toBe(125);
		expect(wordsToNumber('three thousand')).toBe(3000);
		expect(wordsToNumber('hello there')).toBeNull();
	});

	it('finds an account id whose digits were spelled out', () => {
		const e = extractEntities('its a c one zero zero two three pin two two nine zero', vocab);
		expect(e.entities).toContainEqual({ type: 'account_id', value: 'AC-10023' });
		expect(e.pin).toBe('2290');
	});
});
