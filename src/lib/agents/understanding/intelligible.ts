import type { Flow } from '../flow';
import type { TableData } from '../flows/tables';
import { ENGLISH_TRIGRAMS } from './english-trigrams';
import { trigramIndexes } from './trigrams';

// Whether a turn says anything at all in words: "asdf qwerty zxcv", or a burst of noise that
// speech-to-text spelled out, is not a request to read the last answer out again. A turn counts as
// words when one of them is a common English word, a word the company's flow uses (its examples,
// labels, phrases and table values), a number, or shaped like an English word: every letter
// trigram of it, edges included, is one English words have (`english-trigrams.ts`). A lone word
// is only noise when it is a run of keys or has no vowel: a name or a place said alone is a word.

/** Common English words that carry no topic: almost every real sentence has one. */
const COMMON = new Set(
	(
		"a about above after again against all also am an and any are aren't as at be because been " +
		"before being below between both but by can can't cannot could couldn't did didn't do does " +
		"doesn't doing don't down during each few for from further had hadn't has hasn't have haven't " +
		"having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll " +
		"i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor " +
		"not of off on once only or other ought our ours ourselves out over own same shan't she she'd " +
		"she'll she's should shouldn't so some such than that that's the their theirs them themselves " +
		"then there there's these they they'd they'll they're they've this those through to too " +
		"under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's " +
		"where where's which while who who's whom why why's with won't would wouldn't you you'd you'll " +
		"you're you've your yours yourself yourselves yes yeah yep yup nope nah ok okay sure thanks " +
		'thank please hi hello hey bye goodbye sorry um uh hmm oh ah well just still now already again ' +
		'get got want need like know think say said tell call called make made go going gone went come ' +
		'see look help work working works try tried give pay paid take send use keep keeps stop stopped ' +
		'right wrong good bad fine great new old much many thing something nothing anything everything ' +
		'one two three four five six seven eight nine ten zero oh first last next day today tomorrow ' +
		'yesterday week month year morning night time number phone account bill money person someone'
	).split(/\s+/)
);

const KEY_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

let english: Uint8Array | undefined;
function englishShaped(word: string): boolean {
	if (!/^[a-z]+$/.test(word)) return false;
	english ??= Uint8Array.from(atob(ENGLISH_TRIGRAMS), (c) => c.charCodeAt(0));
	const bits = english;
	return trigramIndexes(word).every((i) => (bits[i >> 3]! & (1 << (i & 7))) !== 0);
}

/** The words a flow uses anywhere a caller's words might echo them. */
export function flowWords(flow: Flow, data: TableData = {}): Set<string> {
	const out = new Set<string>();
	const add = (text: unknown) => {
		if (typeof text === 'string') for (const w of tokens(text)) out.add(w);
		else if (Array.isArray(text)) text.forEach(add);
		else if (text && typeof text === 'object') Object.values(text).forEach(add);
	};
	add(flow.company);
	for (const p of flow.personas) {
		add([p.name, p.description, p.team ?? '', p.aliases ?? [], p.examples]);
		for (const i of p.intents) add([i.label, i.examples]);
	}
	for (const s of flow.slots) add(s.label);
	add(data);
	return out;
}

function tokens(text: string): string[] {
	return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/** True when no word of `text` is one a caller would say (see above). */
export function unintelligible(text: string, known: ReadonlySet<string>): boolean {
	const words = tokens(text);
	if (words.length === 0) return false;
	if (words.length === 1) {
		const w = words[0]!.replace(/'/g, '');
		if (/\d/.test(w) || COMMON.has(w) || known.has(w)) return false;
		return (w.length >= 4 && KEY_ROWS.some((row) => row.includes(w))) || !/[aeiouy]/.test(w);
	}
	return !words.some(
		(w) => /\d/.test(w) || COMMON.has(w) || known.has(w) || known.has(stem(w)) || englishShaped(w)
	);
}

/** "charges" → "charge", "dropping" → "dropp", enough to meet a flow word's own forms. */
function stem(w: string): string {
	return w.replace(/(?:ing|ed|es|s)$/, '');
}
