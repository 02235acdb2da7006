import { describe, expect, it } from 'vitest';
import {
	acknowledges,
	afterAnswer,
	askedAgainAbout,
	asksAgain,
	asksQuestion,
	asksToRepeat,
	contentWords,
	closes,
	leaving,
	splitRequests
} from './caller-words';
import { scoreTurn } from './sentiment';

describe('closings', () => {
	it('hears a farewell with nothing else in it, whatever was asked', () => {
		for (const t of [
			'ok thanks, bye',
			"no that's all, thank you",
			'ok thats all',
			"that's everything, have a good one",
			'great, talk later',
			"no that'll do, thanks",
			"I'm all set"
		])
			expect(closes(t, true), t).toBe(true);
	});

	it('takes thanks or a plain no as a closing only when nothing was asked', () => {
		expect(closes('no thanks', false)).toBe(true);
		expect(closes('great, thank you so much', false)).toBe(true);
		expect(closes('no thanks', true)).toBe(false);
		expect(closes('ok', false)).toBe(false);
		expect(closes('yes please', false)).toBe(false);
	});

	it('is not fooled by a question or a request after the thanks', () => {
		expect(closes('thanks, but when will my refund show up', false)).toBe(false);
		expect(closes('no thanks, just cancel it', true)).toBe(false);
		expect(closes("I'm done with you guys", false)).toBe(false);
	});

	it('ends a turn that ends in a farewell: at once, or after answering what it carries', () => {
		expect(leaving("oh yeah i called my mom in mexico. ok that's all", false)).toBe('close');
		expect(leaving("hmm let me think about it, that's all for now", true)).toBe('close');
		expect(closes("ok never mind, that's all", true)).toBe(true);
		expect(leaving('oh right, I called my mom. ok no need to do anything', false)).toBe('close');
		expect(leaving('yes that fixed it, thanks bye', true)).toBe('after');
		expect(leaving("what's my balance, thanks bye", false)).toBe('after');
		expect(leaving('my phone is broken', false)).toBeNull();
		expect(leaving("that's all I know, my phone is broken", false)).toBeNull();
	});
});

describe('asking to hear it again', () => {
	it('hears a request for the last reply, and nothing else, as one', () => {
		for (const t of [
			'sorry, what did you say?',
			'sorry, how long did you say?',
			'can you repeat that please',
			'come again?',
			"I didn't catch that",
			'huh?',
			'could you say that again',
			'sorry can you say that again i was driving',
			'what was that? you broke up',
			'say that again please, bad line',
			"sorry I missed that, it's so loud here, can you repeat it"
		])
			expect(asksToRepeat(t), t).toBe(true);
		for (const t of [
			'what did you say the dispute number was?',
			'when did you say it would be fixed?',
			'I said my account is AC-10022',
			'sorry',
			'what is my balance?',
			'repeat the charge from last month',
			'can you say that again, I was wondering about my data plan'
		])
			expect(asksToRepeat(t), t).toBe(false);
	});

	it('does not take asking to hear an answer again for a caller repeating themselves in anger', () => {
		const earlier = ['no data since last night', '73301', 'when will it be fixed?'];
		expect(asksAgain('wait, when did you say it would be fixed?')).toBe(true);
		expect(scoreTurn('wait, when did you say it would be fixed?', earlier)).toMatchObject({
			repeated: false,
			label: 'neutral'
		});
		// The same question again without asking to hear it still counts.
		expect(scoreTurn('when will it be fixed? when will it be fixed?', earlier).repeated).toBe(true);
	});
});

describe('asking again about one thing, and taking an answer in', () => {
	it('names what the caller wants to hear again', () => {
		expect(askedAgainAbout('sorry whats the ticket number again')).toBe('ticket number');
		expect(askedAgainAbout('what was that dispute number you gave me')).toBe('dispute number');
		expect(askedAgainAbout('can you repeat the due date again')).toBe('due date');
		expect(askedAgainAbout('sorry, when did you say it would be fixed?')).toBe('it would be fixed');
		expect(askedAgainAbout('what is my balance')).toBeUndefined();
		expect(askedAgainAbout('I want to do that again')).toBeUndefined();
		// A pronoun names nothing: the caller wants the last reply.
		expect(askedAgainAbout('sorry can you say that again i was driving')).toBeUndefined();
	});

	it('hears an acknowledgement that asks for nothing', () => {
		for (const t of ['oh right i forgot about that', 'oh my mom in mexico yeah ok', 'ah ok got it'])
			expect(acknowledges(t), t).toBe(true);
		for (const t of ['ok but why is it so high', 'right, can you cancel it', 'my phone is broken'])
			expect(acknowledges(t), t).toBe(false);
	});
});

describe('a request after a yes or a no', () => {
	it('finds what is joined onto the answer, and nothing in an answer alone', () => {
		expect(afterAnswer("no don't dispute it yet, but my phone keeps dropping calls too")).toBe(
			'my phone keeps dropping calls too'
		);
		expect(afterAnswer('yes please, and also is there an outage in 60614?')).toBe(
			'is there an outage in 60614?'
		);
		expect(afterAnswer('no thanks')).toBeUndefined();
		expect(afterAnswer('yes please and thanks')).toBeUndefined();
		// Not an answer first: a request of its own, for the usual routing.
		expect(afterAnswer('my bill is wrong but my phone works')).toBeUndefined();
	});
});

describe('two requests in one breath', () => {
	it('splits where a second request is joined on, and leaves one request whole', () => {
		expect(splitRequests('hi i need my balance and also is there an outage in 60614')).toEqual([
			'hi i need my balance',
			'is there an outage in 60614'
		]);
		expect(splitRequests("what's my balance and when is it due")).toEqual([
			"what's my balance",
			'when is it due'
		]);
		expect(splitRequests('i was charged twice and i want it back')).toEqual([
			'i was charged twice',
			'i want it back'
		]);
		expect(splitRequests('my phone and my tablet are broken')).toEqual([
			'my phone and my tablet are broken'
		]);
		expect(splitRequests('balance and is it due')).toEqual(['balance and is it due']);
	});
});

describe("the caller's own question", () => {
	it('hears a question, with or without its question mark', () => {
		for (const t of [
			'is that gonna happen every month',
			'and is the data shared between the lines',
			'so how much do I need to pay?',
			'will i get a late fee if i pay next week'
		])
			expect(asksQuestion(t), t).toBe(true);
		for (const t of ['yes please', 'no thanks', 'my account is AC-10022', 'ok bye'])
			expect(asksQuestion(t), t).toBe(false);
	});

	it('keeps the words that name something, stemmed', () => {
		expect([...contentWords('is the data shared between the lines?')].sort()).toEqual([
			'betwe',
			'data',
			'lines',
			'share'
		]);
		expect(contentWords('what is that about again').size).toBe(0);
	});
});
