// The transcript is written for the eye ("$94", "DSP-0001", "503-555-0199"); this is what the
// voice is given instead. Both voices read text through espeak-ng's English rules, which say "$94"
// as "dollar ninety-four" and "$94.00" as "dollar ninety-four point zero zero"; Kokoro's own
// clean-up turns "$94.00" into "94 dollars and 0 cents", and a phone number's dashes into "to".
// So amounts become words in the order people say them, and the numbers a caller may write down
// (a dispute or booking number, a phone number, a zip code) are read digit by digit, in groups.

const MONEY = /(minus\s+|[-−])?\$(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?![\d,]*\d)/g;
const RECORD_ID = /\b([A-Z]{2,5})-(\d{3,})\b/g;
const PHONE = /\b(\d{3})[-.](\d{3})[-.](\d{4})\b/g;
const ZIP = /\b(zip(?: code)?\s+)(\d{5})\b/gi;

const spell = (s: string) => s.split('').join(' ');

/** Digits in groups a listener can hold: up to four at once, else threes ("1 0 0, 2 1"). */
export function digitGroups(digits: string): string {
	const groups: string[] = [];
	let rest = digits;
	while (rest.length > 4) {
		groups.push(rest.slice(0, 3));
		rest = rest.slice(3);
	}
	groups.push(rest);
	return groups.map(spell).join(', ');
}

function dollars(sign: string | undefined, whole: string, cents: string | undefined): string {
	const w = Number(whole.replace(/,/g, ''));
	const c = cents === undefined ? 0 : Number(cents.padEnd(2, '0'));
	const parts: string[] = [];
	if (w > 0 || c === 0) parts.push(`${whole} ${w === 1 ? 'dollar' : 'dollars'}`);
	if (c > 0) parts.push(`${c} ${c === 1 ? 'cent' : 'cents'}`);
	return `${sign ? 'minus ' : ''}${parts.join(' and ')}`;
}

/** Reply text as the voice should be given it; the transcript keeps the text as written. */
export function speakable(text: string): string {
	return text
		.replace(MONEY, (_m, sign: string | undefined, whole: string, cents: string | undefined) =>
			dollars(sign, whole, cents)
		)
		.replace(
			RECORD_ID,
			(_m, letters: string, digits: string) => `${spell(letters)}, ${digitGroups(digits)}`
		)
		.replace(PHONE, (_m, a: string, b: string, c: string) => [a, b, c].map(spell).join(', '))
		.replace(ZIP, (_m, word: string, zip: string) => `${word}${spell(zip)}`);
}
