// How a caller's short answer reads: a yes, a no, or neither. Triage, the cascade and a
// specialist's steps all ask yes-or-no questions and read the answer the same way.

/** What the persona that owns the call is waiting for ("human_offer", a step's question). */
export type Awaiting = string;

const YES =
	/\b(yes|yeah|yep|yup|sure|please do|go ahead|do it|ok|okay|sounds good|confirm|correct|that's right|let's do it)\b/i;
const NO = /\b(no|nope|nah|not now|don't|do not|never mind|cancel that|not interested)\b/i;

/** "Yeah I tried all that, it's still doing it": whatever word it starts with, it did not help. */
const NOT_HELPED =
	/\b(still (?:not|nothing|doing it|doing that|happening|the same|broken|dead|dropping|slow|no)|didn'?t (?:work|help|fix|do anything|change anything)|doesn'?t work|not (?:working|fixed|better)|no luck|no change|same (?:thing|problem|issue) (?:again|still)?|nothing changed)\b/i;

export function saidYes(text: string): boolean {
	return YES.test(text) && !NO.test(text.replace(/\bno problem\b/i, '')) && !NOT_HELPED.test(text);
}

/** The caller says what was tried did not help ("still not working"): a no to "did that fix it?". */
export function notHelped(text: string): boolean {
	return NOT_HELPED.test(text);
}

export function saidNo(text: string): boolean {
	return (NO.test(text) && !YES.test(text)) || NOT_HELPED.test(text);
}
