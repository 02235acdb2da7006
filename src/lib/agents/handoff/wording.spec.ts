import { describe, expect, it } from 'vitest';
import { clauseOf, forTeam, joinAnd, lowerFirst, recapOf } from './wording';

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

	it('cuts a fact to its first clause, without asides, keeping a title with its name', () => {
		expect(
			clauseOf(
				'Dispute DSP-0001 is open for the $65 charge on November 2nd; a credit is reviewed within 3 business days.'
			)
		).toBe('dispute DSP-0001 is open for the $65 charge on November 2nd');
		expect(clauseOf('Moving from Standard ($45) to Unlimited ($65) is $20 a month more.')).toBe(
			'moving from Standard to Unlimited is $20 a month more'
		);
		expect(clauseOf('Your cleaning is with Dr. Rao at $12.50. Bring your card.')).toBe(
			'your cleaning is with Dr. Rao at $12.50'
		);
		expect(clauseOf('')).toBe('');
	});

	it('does not recap what the caller heard in these words', () => {
		const facts = [
			'you have $94 to pay by December 5th',
			'The $12.50 charge on Wednesday is a one-time charge for a call to Mexico.'
		];
		const justSaid =
			'The $12.50 charge on Wednesday is a one-time charge for a call to Mexico. Anything else?';
		expect(recapOf(facts, justSaid)).toBe('To recap: you have $94 to pay by December 5th.');
		expect(recapOf(facts.slice(1), justSaid)).toBe('');
	});

	it('does not recap a fact a later one holds', () => {
		expect(
			recapOf([
				'the $65 charge on November 2nd is a duplicate of the same plan charge',
				'we opened dispute DSP-0001 for the $65 charge on November 2nd'
			])
		).toBe('To recap: we opened dispute DSP-0001 for the $65 charge on November 2nd.');
	});

	it('recaps at most the last two facts, in one sentence', () => {
		expect(recapOf([])).toBe('');
		expect(recapOf(['you have $94 to pay by December 5th'])).toBe(
			'To recap: you have $94 to pay by December 5th.'
		);
		const recap = recapOf([
			'you have $94 to pay by December 5th',
			'we opened dispute DSP-0001 for the $65 charge on November 2nd; a credit follows.',
			'your plan is now Unlimited Plus. It starts today.'
		]);
		expect(recap).toBe(
			'To recap: we opened dispute DSP-0001 for the $65 charge on November 2nd and your plan is now Unlimited Plus.'
		);
		expect(recap.split(/(?<=[.!?])\s+/)).toHaveLength(1);
		expect(recapOf(['a', 'a'])).toBe('To recap: a.');
	});

	it('puts words written for the caller in the third person, for the team', () => {
		expect(forTeam('Changing or upgrading your plan')).toBe('Changing or upgrading their plan');
		expect(forTeam("You're booked; the card is yours, you said")).toBe(
			"They're booked; the card is theirs, they said"
		);
		expect(forTeam('Young people')).toBe('Young people');
		// "You" after a preposition or a verb that takes one is the object.
		expect(forTeam('We refunded you $65 and you will see it; a text goes to you')).toBe(
			'We refunded them $65 and they will see it; a text goes to them'
		);
	});
});
