import { describe, expect, it } from 'vitest';
import { joinAnd, lowerFirst } from './wording';

describe('wording', () => {
	it('lowers a leading word so a fact can sit mid-sentence, and keeps names as they are', () => {
		expect(lowerFirst('Dispute DSP-0001 opened.')).toBe('dispute DSP-0001 opened.');
		expect(lowerFirst('Your balance is $94.00')).toBe('your balance is $94.00');
		expect(lowerFirst('The $49 charge')).toBe('the $49 charge');
		expect(lowerFirst('Maria Lopez called')).toBe('Maria Lopez called');
		expect(lowerFirst('Unlimited Plus is $85.00')).toBe('Unlimited Plus is $85.00');
		expect(lowerFirst('iPhone 14 restarts')).toBe('iPhone 14 restarts');
		expect(lowerFirst('PIN checked')).toBe('PIN checked');
		expect(lowerFirst('DSP-0001 opened')).toBe('DSP-0001 opened');
		expect(lowerFirst('')).toBe('');
	});

	it('joins with commas and a final and', () => {
		expect(joinAnd(['a'])).toBe('a');
		expect(joinAnd(['a', 'b', 'c'])).toBe('a, b and c');
	});
});
