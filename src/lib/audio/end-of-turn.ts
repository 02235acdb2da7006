import { isBackchannel } from './barge-in';

// Whether a caller's words so far read as a finished turn, judged on a speculative transcript taken
// at a short pause. Pure, so it is tested on sentences, not audio. The costs are lopsided: a turn
// judged incomplete only waits for the silence the agent waited for anyway (or a little longer),
// while one judged complete too early cuts the caller off. So anything open-ended (a trailing
// conjunction, preposition, article, filler, contraction, a number being read out) is incomplete,
// and only what ends like a finished sentence or answer is complete.

export type EndOfTurn =
	| { complete: true; reason: 'sentence' | 'backchannel' }
	| {
			complete: false;
			/**
			 * `empty`: nothing recognised. `filler`: only hesitation. `open`: ends on a word that needs
			 * more after it. `number`: ends in digits read out one group at a time.
			 */
			reason: 'empty' | 'filler' | 'open' | 'number';
			/** The caller is likely mid-thought: worth waiting longer than the usual silence. */
			hesitating: boolean;
	  };

/**
 * The words the judgement rests on. English only: a flow's language would select its own lists,
 * as it selects the agents' voices.
 */
export type EndOfTurnWords = {
	/** Pure hesitation sounds. */
	fillers: readonly string[];
	/** Fillers only when they stand alone or follow another filler or a conjunction ("and well"). */
	softFillers: readonly string[];
	/** Words after which a sentence cannot end, whatever precedes them. */
	open: readonly string[];
	/** Prepositions: open, except stranded at the end of a wh-question ("who am I speaking to?"). */
	prepositions: readonly string[];
	/** Open unless the word before them makes them an idiom ("I think so", "for a while"). */
	conjunctions: readonly string[];
	/** Previous words that close a trailing conjunction (`so`, `while`, `that`, `since`). */
	closesConjunction: Readonly<Record<string, readonly string[]>>;
	/** Verb particles that end phrasal verbs ("log in", "turn it on"); open after anything else. */
	particles: readonly string[];
	/** Words before a particle that make it a phrasal verb, not a preposition waiting for its noun. */
	particleVerbs: readonly string[];
	/** Auxiliaries and the copula: open ("my number is"), except after a subject ("yes it is"). */
	auxiliaries: readonly string[];
	/** Subjects of an elliptical answer ("I do", "we can", "there is"). */
	subjects: readonly string[];
	/** Read-out digits ("six oh six one"). */
	digits: readonly string[];
	/** Question words: a sentence that starts with one and ends with "?" may strand a preposition. */
	questionWords: readonly string[];
};

export const englishEndOfTurnWords: EndOfTurnWords = {
	fillers: ['um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'ah', 'eh', 'hmm', 'hm', 'mmm'],
	softFillers: ['well', 'like', 'so', 'i mean', 'you know', 'and', 'but', 'okay so'],
	open: [
		// Articles, possessives and determiners that need their noun.
		'the',
		'a',
		'an',
		'my',
		'your',
		'our',
		'their',
		'its',
		'every',
		// Subjects and contractions that need their verb or complement ("it's" cannot end a clause).
		'i',
		'we',
		'they',
		'he',
		'she',
		"i'm",
		"i'd",
		"i'll",
		"i've",
		"we're",
		"we've",
		"we'd",
		"we'll",
		"they're",
		"they've",
		"they'd",
		"you're",
		"you've",
		"you'd",
		"he's",
		"she's",
		"it's",
		"that's",
		"there's",
		"what's",
		"here's",
		// Intensifiers that need their word ("thank you very").
		'very',
		'just'
	],
	prepositions: [
		'to',
		'of',
		'for',
		'with',
		'about',
		'from',
		'at',
		'into',
		'onto',
		'than',
		'as',
		'like',
		'via',
		'per',
		'towards',
		'toward',
		'without',
		'within',
		'between',
		'during',
		'against',
		'regarding',
		'including',
		'except'
	],
	conjunctions: [
		'and',
		'but',
		'or',
		'nor',
		'so',
		'because',
		'cause',
		"'cause",
		'cuz',
		'if',
		'that',
		'whether',
		'although',
		'unless',
		'until',
		'till',
		'since',
		'while',
		'plus',
		'which'
	],
	closesConjunction: {
		so: ['think', 'hope', 'guess', 'believe', 'suppose', 'imagine', 'afraid', 'said', 'say', 'do'],
		while: ['a', 'the'],
		since: ['ever', 'long'],
		that: ['like', 'want', 'do', 'did', 'need', 'try', 'take', 'about', 'for', 'with', 'of', 'all']
	},
	particles: ['in', 'on', 'off', 'out', 'up', 'down', 'over', 'back', 'by', 'through', 'around'],
	particleVerbs: [
		'log',
		'logged',
		'sign',
		'signed',
		'check',
		'checked',
		'hold',
		'hang',
		'come',
		'go',
		'move',
		'carry',
		'plug',
		'turn',
		'switch',
		'shut',
		'back',
		'cut',
		'call',
		'set',
		'pick',
		'fill',
		'opt',
		'stand',
		'drop',
		'it',
		'them',
		'this',
		'that',
		'me',
		'us',
		'so'
	],
	auxiliaries: [
		'is',
		'are',
		'was',
		'were',
		'am',
		'be',
		'been',
		'have',
		'has',
		'had',
		'do',
		'does',
		'did',
		'can',
		'could',
		'will',
		'would',
		'should',
		'shall',
		'may',
		'might',
		'must'
	],
	subjects: ['i', 'you', 'we', 'they', 'he', 'she', 'it', 'that', 'there', 'this'],
	digits: [
		'zero',
		'oh',
		'o',
		'one',
		'two',
		'three',
		'four',
		'five',
		'six',
		'seven',
		'eight',
		'nine'
	],
	questionWords: ['who', 'what', 'where', 'when', 'why', 'which', 'how', 'whose', 'whom']
};

/** A turn that trails off like this in the transcript itself ("I'd like to…", "my plan,"). */
const TRAILING_MARK = /(\.\.\.|…|,|;|:|-|—|–)\s*$/;

/** Words in order, lower case, with digits grouped as read ("6, 0" → "6", "0"; "25.50" → "2550"). */
function words(text: string): string[] {
	return text
		.toLowerCase()
		.replace(/[’‘]/g, "'")
		.replace(/(\d)[.,:](\d)/g, '$1$2')
		.split(/[^\p{L}\p{N}']+/u)
		.map((w) => w.replace(/^'+(?!cause)|'+$/g, ''))
		.filter(Boolean);
}

/** Judges whether `transcript` (what the caller said so far) is a finished turn. */
export function endOfTurn(
	transcript: string,
	vocabulary: EndOfTurnWords = englishEndOfTurnWords
): EndOfTurn {
	const v = vocabulary;
	const w = words(transcript);
	if (w.length === 0) return { complete: false, reason: 'empty', hesitating: false };
	const text = w.join(' ');
	const has = (list: readonly string[], word: string | undefined) =>
		word !== undefined && list.includes(word);
	const isFiller = (word: string) => has(v.fillers, word);

	// Only hesitation ("um", "uh well", "and um so"): the caller is still finding the words.
	if (onlyFillers(text, v)) return { complete: false, reason: 'filler', hesitating: true };
	// "uh huh", "mm-hm", "yeah": a whole answer, however short.
	if (isBackchannel(transcript)) return { complete: true, reason: 'backchannel' };

	const open = { complete: false, reason: 'open', hesitating: true } as const;
	if (TRAILING_MARK.test(transcript.trim())) return open;

	// Digits read out one by one or in groups ("6 0 6 1", "555 123"): callers pause between the
	// groups of a phone, card or account number, and being cut off means saying it all again. One
	// number on its own ("60614", "twenty five", "3") is an answer.
	const isDigit = (word: string | undefined) =>
		word !== undefined && (/^\d+$/.test(word) || has(v.digits, word));
	let run = 0;
	while (isDigit(w[w.length - 1 - run])) run++;
	if (run >= 2) return { complete: false, reason: 'number', hesitating: true };

	const last = w[w.length - 1] ?? '';
	const before = w[w.length - 2];
	if (isFiller(last)) return open;
	for (const soft of v.softFillers) {
		if (!` ${text}`.endsWith(` ${soft}`)) continue;
		const preceding = w[w.length - 1 - soft.split(' ').length];
		if (preceding !== undefined && (isFiller(preceding) || has(v.conjunctions, preceding)))
			return open;
		// "…the thing is, well": set off by a comma it is a filler, not "that went well".
		if (new RegExp(`,\\s*${soft}\\W*$`, 'iu').test(transcript.trim())) return open;
	}
	if (has(v.open, last)) return open;
	if (has(v.conjunctions, last) && !has(v.closesConjunction[last] ?? [], before)) {
		// "…or?" asks whether there is an alternative; it is a finished question.
		if (!(last === 'or' && transcript.trim().endsWith('?'))) return open;
	}
	if (has(v.prepositions, last) && !strandedInQuestion(transcript, w, v)) return open;
	if (
		has(v.particles, last) &&
		!has(v.particleVerbs, before) &&
		!strandedInQuestion(transcript, w, v)
	)
		return open;
	if (has(v.auxiliaries, last) && !has(v.subjects, before) && !strandedInQuestion(transcript, w, v))
		return open;
	return { complete: true, reason: 'sentence' };
}

/** "Who am I speaking to?", "What is this about?": the preposition's object is the question word. */
function strandedInQuestion(transcript: string, w: string[], v: EndOfTurnWords): boolean {
	return transcript.trim().endsWith('?') && v.questionWords.includes(w[0] ?? '') && w.length >= 3;
}

function onlyFillers(text: string, v: EndOfTurnWords): boolean {
	// Multi-word fillers first, so "okay so" is taken whole rather than leaving "okay".
	const all = [...v.fillers, ...v.softFillers].sort((a, b) => b.length - a.length);
	let rest = text;
	for (;;) {
		const f = all.find((f) => rest === f || rest.startsWith(`${f} `));
		if (!f) return rest === '';
		rest = rest.slice(f.length).trimStart();
	}
}
