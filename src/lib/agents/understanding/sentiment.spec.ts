import { describe, expect, it } from 'vitest';
import { blend, scoreTurn } from './sentiment';

describe('scoreTurn', () => {
	it.each([
		'please help me, this is an emergency',
		"it's urgent, my line is dead",
		'I need urgent help with my phone',
		'I have an emergency!',
		'I urgently need my service back',
		'I am scared, my daughter is in hospital'
	])('hears distress in "%s"', (text) => {
		expect(scoreTurn(text).label).toBe('distressed');
	});

	it.each([
		// Urgency words naming a thing, or negated, are not the caller's distress.
		"I'm travelling and my phone says emergency calls only",
		'how do I set my emergency contact',
		'my phone and my bill are both a mess but the phone is the urgent part',
		"it's not urgent, just a question about my plan",
		'not an emergency, I just want to check my balance',
		"I'm done with you guys"
	])('keeps "%s" calm', (text) => {
		expect(scoreTurn(text).label).toBe('neutral');
	});

	it('hears frustration, and more when the caller repeats themselves', () => {
		expect(scoreTurn('this is ridiculous, I am fed up').label).toBe('frustrated');
		const once = scoreTurn('my internet has been down since monday morning');
		const again = scoreTurn('my internet has been down since monday morning', [
			'my internet has been down since monday morning'
		]);
		expect(again.repeated).toBe(true);
		expect(again.score).toBeLessThan(once.score);
	});

	it('reads a negated complaint as no complaint, and thanks as positive', () => {
		expect(scoreTurn('not angry, just confused').label).not.toBe('frustrated');
		expect(scoreTurn('thanks, that was really helpful').label).toBe('positive');
	});
});

describe('blend', () => {
	it('weights the newest turn, and keeps distress once heard', () => {
		expect(blend({ label: 'neutral', score: 0 }, { label: 'frustrated', score: -0.8 }).score).toBe(
			-0.52
		);
		expect(blend({ label: 'distressed', score: -0.6 }, { label: 'neutral', score: 0 }).label).toBe(
			'distressed'
		);
	});
});
