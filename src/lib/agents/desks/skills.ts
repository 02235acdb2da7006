// How a caller's short answer reads: a yes, a no, or neither. Triage, the cascade and a
// specialist's steps all ask yes-or-no questions and read the answer the same way.

/** What the persona that owns the call is waiting for ("human_offer", a step's question). */
export type Awaiting = string;

const YES =
	/\b(yes|yeah|yep|yup|sure|please do|go ahead|do it|ok|okay|sounds good|confirm|correct|that's right|let's do it)\b/i;
const NO = /\b(no|nope|nah|not now|don't|do not|never mind|cancel that|not interested)\b/i;

export function saidYes(text: string): boolean {
	return YES.test(text) && !NO.test(text.replace(/\bno problem\b/i, ''));
}

export function saidNo(text: string): boolean {
	return NO.test(text) && !YES.test(text);
}
