// Text → sparse hashed feature vector: word unigrams and bigrams plus character 3–5-grams inside
// word boundaries. Character n-grams carry the signal through misspellings, plurals and speech-to-
// text slips ("cancelation", "recharged"), which matter more here than in clean text.

const DIGITS = /\d/g;

/**
 * "Please" and fillers name no topic. Kept as features, a flow with a handful of examples per
 * intent learns them as topic words: "take a payment please" made "balance please" a payment.
 * Greetings and thanks stay: a flow may route them (CLINC150 has intents for both).
 */
const NO_TOPIC = new Set(['please', 'pls', 'plz', 'um', 'uh', 'erm', 'hmm']);

/** Lower-cases, maps every digit to 0 (amounts and ids should not each be a new feature), and
 * splits on anything that is not a letter, digit or apostrophe. */
export function tokenize(text: string): string[] {
	return text
		.toLowerCase()
		.replace(DIGITS, '0')
		.split(/[^\p{L}\p{N}']+/u)
		.map((t) => t.replace(/^'+|'+$/g, ''))
		.filter((t) => t.length > 0);
}

/** 32-bit FNV-1a over UTF-16 code units, with a seed so word and char features use separate
 * streams. */
function fnv1a(s: string, seed: number): number {
	let h = (0x811c9dc5 ^ seed) >>> 0;
	for (let i = 0; i < s.length; i++) {
		h ^= s.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

export type SparseVector = { index: Int32Array; value: Float32Array };

export type FeatureOptions = {
	/** log2 of the hashed space; 2^bits weights per class. */
	bits: number;
	charMin: number;
	charMax: number;
	/** Weight of word features relative to character features before normalising. */
	wordWeight: number;
};

export const defaultFeatureOptions: FeatureOptions = {
	bits: 17,
	charMin: 3,
	charMax: 5,
	wordWeight: 1.5
};

/** Builds an L2-normalised sparse vector; repeated features add up, then get log-damped. */
export function featurize(
	text: string,
	options: FeatureOptions = defaultFeatureOptions
): SparseVector {
	const mask = (1 << options.bits) - 1;
	const counts = new Map<number, number>();
	const add = (key: string, seed: number, w: number) => {
		const i = fnv1a(key, seed) & mask;
		counts.set(i, (counts.get(i) ?? 0) + w);
	};
	const words = tokenize(text).filter((w) => !NO_TOPIC.has(w));
	for (let i = 0; i < words.length; i++) {
		const w = words[i]!;
		add(w, 1, options.wordWeight);
		if (i + 1 < words.length) add(w + ' ' + words[i + 1], 2, options.wordWeight);
		const padded = ' ' + w + ' ';
		for (let n = options.charMin; n <= options.charMax; n++) {
			for (let j = 0; j + n <= padded.length; j++) add(padded.slice(j, j + n), 3, 1);
		}
	}
	// A bias-like feature so even an empty utterance has a defined score.
	add('<s>', 4, 1);
	const index = new Int32Array(counts.size);
	const value = new Float32Array(counts.size);
	let k = 0;
	let norm = 0;
	for (const [i, c] of counts) {
		const x = 1 + Math.log(c);
		index[k] = i;
		value[k] = x;
		norm += x * x;
		k++;
	}
	norm = Math.sqrt(norm);
	for (let j = 0; j < value.length; j++) value[j] = value[j]! / norm;
	return { index, value };
}

/**
 * Inverse document frequency of each hashed feature over `vectors`: ln((n + 1) / (df + 1)) + 1.
 * Nearness under these weights is decided by the words an utterance shares with an example that
 * few others have, not by "my", "the" and their character n-grams.
 */
export function inverseDocumentFrequency(
	vectors: readonly SparseVector[],
	dimension: number
): Float32Array {
	const df = new Float32Array(dimension);
	for (const v of vectors) for (let k = 0; k < v.index.length; k++) df[v.index[k]!]! += 1;
	const n = vectors.length;
	for (let f = 0; f < dimension; f++) df[f] = Math.log((n + 1) / (df[f]! + 1)) + 1;
	return df;
}

/** `x` with each feature scaled by `weights`, L2-normalised again. */
export function reweigh(x: SparseVector, weights: Float32Array): SparseVector {
	const value = new Float32Array(x.value.length);
	let norm = 0;
	for (let k = 0; k < value.length; k++) {
		value[k] = x.value[k]! * weights[x.index[k]!]!;
		norm += value[k]! * value[k]!;
	}
	norm = Math.sqrt(norm) || 1;
	for (let k = 0; k < value.length; k++) value[k] = value[k]! / norm;
	return { index: x.index, value };
}
