import { describe, expect, it } from 'vitest';
import { endOfTurn } from './end-of-turn';

// Transcripts as Moonshine writes them (capitals, often a full stop even where the caller only
// paused), cut where a caller would pause.

const complete = [
	'I have a question about my bill.',
	'I have a question about my bill',
	"I'd like to change my plan.",
	'Can you help me?',
	'What are your opening hours?',
	'Where is my order?',
	'Who am I speaking to?',
	'What is this charge for?',
	'What does it look like?',
	'Is it the red one or?',
	'Yes.',
	'No.',
	'Yes it is.',
	'No, I do.',
	'Yes I can',
	'Billing.',
	"That's all.",
	"No, that's all, thank you.",
	'Thank you very much.',
	'My zip is 60614.',
	'It was $25.50.',
	'Twenty five.',
	'Three.',
	'Option 2.',
	'Yeah.',
	'Mm-hmm.',
	'Uh huh.',
	'Okay.',
	'Right.',
	'I think so.',
	"I don't think so.",
	"I'm afraid so.",
	'I want to log in.',
	'Can you turn it on?',
	'Hold on.',
	"I've been waiting for a while.",
	'Cancel my subscription, please.',
	"I'd like that.",
	'That went well.',
	"That's not what I mean.",
	'Please send me a new card',
	'Reset my password'
];

const incomplete: [string, string][] = [
	['', 'empty'],
	['   ', 'empty'],
	['Um.', 'filler'],
	['Uh...', 'filler'],
	['Hmm.', 'filler'],
	['Well.', 'filler'],
	['So.', 'filler'],
	['And um.', 'filler'],
	['I mean.', 'filler'],
	["I'd like to change my plan and um.", 'open'],
	["I'd like to.", 'open'],
	["I'd like to...", 'open'],
	['I have a question about my.', 'open'],
	['I have a question about the', 'open'],
	['Can you help me with', 'open'],
	['I was charged twice and', 'open'],
	['I want to cancel but', 'open'],
	['It stopped working because', 'open'],
	['So I', 'open'],
	["I'm", 'open'],
	["It's", 'open'],
	['My account number is', 'open'],
	['What is', 'open'],
	['The problem is that', 'open'],
	['I was wondering if', 'open'],
	['I need a new phone, uh', 'open'],
	['I need a new phone, like', 'open'],
	['I want the cheaper plan, you know, the', 'open'],
	['I would like', 'open'],
	['There is a charge on', 'open'],
	['I live in', 'open'],
	['Thank you very', 'open'],
	['My plan is,', 'open'],
	['The number is:', 'open'],
	['So the thing is, well', 'open'],
	['and well', 'filler'],
	['Yes, well', 'open'],
	['My zip is 6 0 6 1.', 'number'],
	['My zip is 6, 0, 6, 1.', 'number'],
	['My number is 555 123', 'number'],
	['Six oh six', 'number'],
	['My card number is 4111 1111 1111.', 'number']
];

describe('endOfTurn', () => {
	it.each(complete)('"%s" is a finished turn', (text) => {
		expect(endOfTurn(text)).toMatchObject({ complete: true });
	});

	it.each(incomplete)('"%s" is not finished (%s)', (text, reason) => {
		expect(endOfTurn(text)).toMatchObject({ complete: false, reason });
	});

	it('waits longer when the caller trails off, not when nothing was heard', () => {
		expect(endOfTurn('')).toMatchObject({ hesitating: false });
		for (const text of ['Um.', 'I want to cancel and', 'My zip is 6 0 6 1'])
			expect(endOfTurn(text)).toMatchObject({ hesitating: true });
	});

	it('calls backchannels answers, and a yes apart from an open end', () => {
		expect(endOfTurn('Yeah.')).toEqual({ complete: true, reason: 'backchannel' });
		expect(endOfTurn('Yeah, but')).toMatchObject({ complete: false, reason: 'open' });
	});

	it('takes its words from the list it is given', () => {
		const english = endOfTurn('Je voudrais changer mon forfait et');
		expect(english.complete).toBe(true);
		const french = endOfTurn('Je voudrais changer mon forfait et', {
			fillers: ['euh', 'ben'],
			softFillers: ['alors'],
			open: ['le', 'la', 'les', 'mon', 'ma', 'mes'],
			prepositions: ['de', 'à', 'pour', 'avec'],
			conjunctions: ['et', 'mais', 'ou', 'donc', 'parce'],
			closesConjunction: {},
			particles: [],
			particleVerbs: [],
			auxiliaries: ['est', 'suis'],
			subjects: ['je', 'il', 'elle', "c'"],
			digits: ['zéro', 'un', 'deux'],
			questionWords: ['qui', 'quoi', 'où']
		});
		expect(french).toMatchObject({ complete: false, reason: 'open' });
	});
});
