import ESpeakNg from 'espeak-ng';
import { describe, expect, it } from 'vitest';
import { digitGroups, speakable } from './speakable';

/** The phonemes espeak-ng (the package both voices read text with) gives for `text`. */
async function phonemes(text: string): Promise<string> {
	const out: string[] = [];
	await ESpeakNg({ arguments: ['-q', '-x', '-v', 'en-us', text], print: (s) => out.push(s) });
	return out.join(' ').replace(/\s+/g, ' ').trim();
}

describe('speakable', () => {
	it('says amounts in words, in the order people say them', () => {
		expect(speakable('Your balance is $94.')).toBe('Your balance is 94 dollars.');
		expect(speakable('$94.50 today')).toBe('94 dollars and 50 cents today');
		expect(speakable('$1 and $0.05')).toBe('1 dollar and 5 cents');
		expect(speakable('It is $1,100 a year.')).toBe('It is 1,100 dollars a year.');
		expect(speakable('$94.00')).toBe('94 dollars');
		expect(speakable('$0')).toBe('0 dollars');
		expect(speakable('minus $20, or -$20')).toBe('minus 20 dollars, or minus 20 dollars');
		expect(speakable('($36 a month)')).toBe('(36 dollars a month)');
	});

	it('reads record numbers, phone numbers and zip codes digit by digit, in groups', () => {
		expect(speakable('Dispute DSP-0001 is open.')).toBe('Dispute D S P, 0 0 0 1 is open.');
		expect(speakable('account AC-10021')).toBe('account A C, 1 0 0, 2 1');
		expect(speakable('to 503-555-0199.')).toBe('to 5 0 3, 5 5 5, 0 1 9 9.');
		expect(speakable('in zip 60614:')).toBe('in zip 6 0 6 1 4:');
		expect(digitGroups('12345678')).toBe('1 2 3, 4 5 6, 7 8');
		expect(digitGroups('123')).toBe('1 2 3');
	});

	it('leaves other text alone', () => {
		const plain = 'The second charge on November 2nd is a duplicate; 20% off for 12 months.';
		expect(speakable(plain)).toBe(plain);
	});

	it('makes espeak-ng say dollars after the number, and no "point zero zero"', async () => {
		const dollar = "d'0l3"; // espeak-ng's phonemes for "dollar"
		// Given as written, espeak-ng says "dollar ninety-four": the reason this module exists.
		expect(await phonemes('$94')).toMatch(new RegExp(`^${dollar} n'aInti`));
		expect(await phonemes('$94.00')).toMatch(/pOInt z'i@roU z'i@roU/);
		const said = await phonemes(speakable('Your balance is $94.'));
		expect(said).toMatch(new RegExp(`n'aInti f'o@ ${dollar}z`));
		const big = await phonemes(speakable('It is $1,100.'));
		expect(big).toMatch(new RegExp(`w'Vn T'aUz@nd.*h'VndrI2d ${dollar}z`));
		expect(await phonemes(speakable('$94.00'))).not.toMatch(/pOInt|z'i@roU/);
	}, 30_000);
});
