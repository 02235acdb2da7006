// Letter trigrams of a word with its edges marked ("^ca", "cat", "at$"), as indexes into a 27³
// bitset: 0 is the edge, 1–26 the letters a–z. Used to tell a word from a run of keys.

export const TRIGRAM_BITS = 27 * 27 * 27;

const code = (c: string) => (c === '^' || c === '$' ? 0 : c.charCodeAt(0) - 96);

/** The trigram indexes of a lower-case word of letters a–z. */
export function trigramIndexes(word: string): number[] {
	const w = `^${word}$`;
	const out: number[] = [];
	for (let i = 0; i + 3 <= w.length; i++)
		out.push(code(w[i]!) * 729 + code(w[i + 1]!) * 27 + code(w[i + 2]!));
	return out;
}
