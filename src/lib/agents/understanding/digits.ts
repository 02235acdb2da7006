// Callers say numbers as digits ("4821"), as words ("four eight two one"), or mixed, with spaces
// and dashes in between; speech-to-text produces all of these. Redaction and entity extraction both
// need the same view of them: runs of digits with their character spans in the original text.

/** Single digits as callers say them; spoken-tokens.ts reads the same table. */
export const DIGIT_WORDS: Readonly<Record<string, string>> = {
	zero: '0',
	oh: '0',
	o: '0',
	one: '1',
	two: '2',
	three: '3',
	four: '4',
	five: '5',
	six: '6',
	seven: '7',
	eight: '8',
	nine: '9'
};

export type DigitRun = {
	/** The digits alone, separators dropped. */
	digits: string;
	start: number;
	end: number;
	/** How the run was written, e.g. "ddd-dd-dddd" for a dashed group, used to spot SSNs. */
	shape: string;
	/** True when any part was spoken as a word. */
	spoken: boolean;
};

type Token = { text: string; start: number; end: number };

function tokens(text: string): Token[] {
	const out: Token[] = [];
	for (const m of text.matchAll(/[A-Za-z]+|\d+|[^\sA-Za-z\d]/g)) {
		out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
	}
	return out;
}

function digitOf(t: Token): string | null {
	if (/^\d+$/.test(t.text)) return t.text;
	const w = DIGIT_WORDS[t.text.toLowerCase()];
	// A lone "o" or "oh" only counts between other digits; handled by the caller of this function.
	return w ?? null;
}

/**
 * Finds maximal runs of digits. Inside a run, digits may be separated by spaces, dashes, dots or
 * slashes; a word digit joins a run only when it sits next to another digit, so "oh" in "oh no" is
 * not a zero.
 */
export function digitRuns(text: string): DigitRun[] {
	const ts = tokens(text);
	const runs: DigitRun[] = [];
	let i = 0;
	while (i < ts.length) {
		const d = digitOf(ts[i]!);
		if (d === null) {
			i++;
			continue;
		}
		let j = i;
		let digits = d;
		let shape = /^\d+$/.test(ts[i]!.text) ? 'd'.repeat(d.length) : 'w';
		let spoken = shape === 'w';
		while (j + 1 < ts.length) {
			let k = j + 1;
			let sep = '';
			if (/^[-./]$/.test(ts[k]!.text)) {
				sep = ts[k]!.text;
				k++;
				if (k >= ts.length) break;
			}
			const next = digitOf(ts[k]!);
			if (next === null) break;
			// Only a little whitespace, or one separator, may sit between two parts of a run.
			const between = text.slice(ts[j]!.end, ts[k]!.start).replace(sep, '');
			if (/\S/.test(between) || between.length > 2) break;
			const isWord = !/^\d+$/.test(ts[k]!.text);
			digits += next;
			shape += (sep || (between.length > 0 ? ' ' : '')) + (isWord ? 'w' : 'd'.repeat(next.length));
			spoken ||= isWord;
			j = k;
		}
		const single = i === j;
		const lone = single && !/^\d+$/.test(ts[i]!.text);
		// A single spoken digit ("one", "oh") is language, not a number.
		if (!lone) runs.push({ digits, start: ts[i]!.start, end: ts[j]!.end, shape, spoken });
		i = j + 1;
	}
	return runs;
}

/** The Luhn checksum that every payment card number (and every IMEI) satisfies. */
export function luhnValid(digits: string): boolean {
	let sum = 0;
	let double = false;
	for (let i = digits.length - 1; i >= 0; i--) {
		let n = digits.charCodeAt(i) - 48;
		if (n < 0 || n > 9) return false;
		if (double) {
			n *= 2;
			if (n > 9) n -= 9;
		}
		sum += n;
		double = !double;
	}
	return digits.length > 0 && sum % 10 === 0;
}

/** Words just before `start` in `text`, lower-cased, nearest last. */
export function wordsBefore(text: string, start: number, count: number): string[] {
	const words = text
		.slice(0, start)
		.toLowerCase()
		.match(/[a-z#]+/g);
	return words ? words.slice(-count) : [];
}
