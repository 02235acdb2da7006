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

/**
 * A fact as one short clause: its first sentence, without what follows a semicolon and without
 * asides in brackets ("Dispute DSP-1 is open for the $65 charge; a credit…" → "dispute DSP-1 is
 * open for the $65 charge"). Mid-sentence, so a leading word is lowered.
 */
export function clauseOf(fact: string): string {
	const first = fact
		.replace(/\s*\([^)]*\)/g, '')
		.split(/;|(?<!\b(?:Dr|Mr|Mrs|Ms|St|No))\.(?:\s|$)|[!?](?:\s|$)/)[0]!
		.trim()
		.replace(/[.,:;]+$/, '');
	return lowerFirst(first);
}

/** The figures in a sentence: amounts, numbers, days of the month ("$130", "60614", "1st"). */
export function figuresOf(text: string): string[] {
	return text.match(/\$?\d[\d,.:]*(?:st|nd|rd|th)?/g) ?? [];
}

/**
 * At most the last two settled facts, each as a clause, in one sentence after "To recap:". A fact
 * the caller heard in these very words (`said`: what the agents said) is not recapped, nor one
 * a later fact holds.
 */
export function recapOf(resolved: readonly string[], said = ''): string {
	const heard = said.toLowerCase();
	const clauses = [...new Set(resolved.map(clauseOf).filter(Boolean))];
	// A fact whose figures a later one repeats is in it ("the $65 charge on November 2nd is a
	// duplicate", then "we opened dispute DSP-0001 for the $65 charge on November 2nd").
	const within = (f: string, later: string) =>
		figuresOf(f).length > 0 && figuresOf(f).every((x) => figuresOf(later).includes(x));
	const facts = clauses
		.filter((f, i) => !clauses.slice(i + 1).some((later) => within(f, later)))
		.filter((f) => !heard.includes(f.toLowerCase()))
		.slice(-2);
	return facts.length === 0 ? '' : `To recap: ${joinAnd(facts)}.`;
}

const FOR_TEAM: [RegExp, string][] = [
	[/\byou're\b/gi, "they're"],
	[/\byou've\b/gi, "they've"],
	[/\byou'll\b/gi, "they'll"],
	[/\byou'd\b/gi, "they'd"],
	[/\byourself\b/gi, 'themselves'],
	[/\byours\b/gi, 'theirs'],
	[/\byour\b/gi, 'their'],
	[/\byou are\b/gi, 'they are'],
	[/\byou were\b/gi, 'they were'],
	// After a preposition or a verb that takes one, "you" is the object: "we refunded you" → "them".
	[
		/\b(?<=(?:to|for|with|from|at|by|of|on|about|give|gave|send|sent|call|called|text|texted|email|emailed|refund|refunded|credit|credited|tell|told|help|helped|owe|owes|charge|charged|bill|billed|offer|offered|contact|let|thank|ask|asked|connect|connected|show|showed|remind|reminded)\s+)you\b/gi,
		'them'
	],
	[/\byou\b/gi, 'they']
];

/**
 * Words written for the caller ("changing or upgrading your plan"), put for the team reading
 * about the caller ("changing or upgrading their plan"). A capital stays a capital.
 */
export function forTeam(text: string): string {
	let out = text;
	for (const [re, to] of FOR_TEAM)
		out = out.replace(re, (m) =>
			m[0] === m[0]!.toUpperCase() ? to[0]!.toUpperCase() + to.slice(1) : to
		);
	return out;
}
