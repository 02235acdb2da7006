// Streams LLM tokens into whole sentences for text-to-speech: the first sentence can be spoken
// while the rest is still being generated. A boundary is terminal punctuation followed by a space
// and a capital (or a digit/quote), so "$49.00", "e.g. this" and "Mr. Lopez" stay whole.

const ABBREVIATIONS = /\b(?:mr|mrs|ms|dr|st|vs|etc|e\.g|i\.e|no|approx)\.$/i;

export class SentenceStream {
	#buffer = '';
	/** Sentences shorter than this wait to be joined with the next, so speech is not choppy. */
	readonly #minChars: number;

	constructor(options: { minChars?: number } = {}) {
		this.#minChars = options.minChars ?? 12;
	}

	/** Adds text; returns the sentences it completed. */
	push(text: string): string[] {
		this.#buffer += text;
		const out: string[] = [];
		const re = /[.!?]+["')\]]?\s+(?=["'(]?[A-Z0-9$])/g;
		let start = 0;
		for (let m = re.exec(this.#buffer); m; m = re.exec(this.#buffer)) {
			const end = m.index + m[0].length;
			const candidate = this.#buffer.slice(start, end).trim();
			if (ABBREVIATIONS.test(this.#buffer.slice(start, m.index + 1).trim())) continue;
			if (candidate.length < this.#minChars) continue;
			out.push(candidate);
			start = end;
		}
		this.#buffer = this.#buffer.slice(start);
		return out;
	}

	/** The rest, at the end of the stream. */
	flush(): string[] {
		const rest = this.#buffer.trim();
		this.#buffer = '';
		return rest ? [rest] : [];
	}
}
