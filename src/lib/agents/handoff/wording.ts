// Small rules for putting facts into sentences, shared by the handoff's opening line, the summary
// and the caller's recap.

/**
 * Lower-cases a leading sentence word so a fact can sit mid-sentence ("To recap: your balance…").
 * A name keeps its capital: a word followed by another capitalised word ("Ann Able", "Gold
 * Care"), a word with a digit or an inner capital ("iPhone", "DSP-0001"), or one in capitals ("PIN").
 */
export function lowerFirst(s: string): string {
	const m = /^(\S+)(\s+(\S+))?/.exec(s);
	if (!m) return s;
	const [, first, , second] = m;
	const nameLike =
		/\d|[A-Z].*[A-Z]/.test(first!) ||
		!/^[A-Z][a-z'’-]*[.,:;]?$/.test(first!) ||
		(second !== undefined && /^[A-Z][a-z]/.test(second) && first !== 'I');
	return nameLike ? s : s.charAt(0).toLowerCase() + s.slice(1);
}

export function joinAnd(items: string[]): string {
	if (items.length <= 1) return items.join('');
	return items.slice(0, -1).join(', ') + ' and ' + items[items.length - 1];
}
