import type { TranscriptEntry } from '$lib/agents/handoff/context-package';
import { scoreTurn } from '$lib/agents/understanding/sentiment';

// The caller's own words an agent should read before picking up: not a list of phrases for one
// call, but marks any caller's clause may carry (history, stakes, a need or a deadline, money or
// a count, something wrong) and the sentiment lexicon's reading of it.

/** A clause as compared for repeats: letters and digits only, lower case. */
const norm = (s: string) =>
	s
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();

/** Clause boundaries inside a caller's turn. */
const CLAUSES = /(?<=[.!?;])\s+|,\s+/;

/** Marks of a clause that says something the next person should hear in the caller's words. */
const WEIGHTS: [RegExp, number][] = [
	// History: they have been here before, or it has gone on for a while.
	[/\b(already|again|still|keeps?|kept|every (time|month|day|week)|each time)\b/i, 1],
	[
		/\b(\d+|one|two|three|four|five|six|several|many|multiple|a few)\s+(times|calls|days|weeks|months|hours|years)\b/i,
		1.2
	],
	[/\b(since|for)\s+(last|the past|\d+|a|two|three|several)\b/i, 0.6],
	// What is at stake for them.
	[/\b(expensive|too much|afford|overpriced|pricey|rip-?off|waste of money)\b/i, 1],
	[/\b(cancel|leave|leaving|switch(ing)?|close my account|complain|complaint|lawyer|report)\b/i, 1],
	[
		/\b(need|have to|must|can'?t|cannot|unable|won'?t|doesn'?t|didn'?t|never|nobody|no one)\b/i,
		0.5
	],
	[
		/\b(today|tonight|tomorrow|by (monday|tuesday|wednesday|thursday|friday|saturday|sunday|the \d+)|before|deadline|asap|right now)\b/i,
		0.6
	],
	// Something wrong, in their words.
	[
		/\b(down|broken|not working|stopped|dropp(ing|ed|s)|wrong|overcharged|charged|lost|missing)\b/i,
		0.5
	],
	// Facts in their own words: money, dates, numbers.
	[/(\$\s?\d|\b\d+(\.\d+)?\s?(dollars|bucks)\b|\btwice\b|\bdouble\b|\bduplicate\b)/i, 0.8]
];

/** Asking for a person, courtesies and hedges: the trigger says so already. */
const SKIP =
	/^(hi|hello|hey|yes|yeah|yep|no|nope|ok(ay)?|thanks?( you)?|sure|please|fine|right|uh+|um+)\b[\s,.!?]*$|\b(talk|speak) (to|with) (a|an|the|someone|somebody|real|live)\b|\b(a|real|live) (person|human|agent|operator|representative)\b|\[[A-Z ]+removed\]/i;

/**
 * The caller's own words that matter, at most `max`, in the order said: clauses of their turns
 * that tell history ("called three times already"), stakes ("I'll cancel"), a need or deadline,
 * money or a count, or strong feeling (the sentiment lexicon). Verification turns, requests for a
 * person and courtesies are left out; a clause said twice is kept once.
 */
export function keyPhrases(transcript: readonly TranscriptEntry[], max = 4): string[] {
	const picked: { text: string; score: number; order: number }[] = [];
	let order = 0;
	let first = true;
	const seen = new Set<string>();
	for (const t of transcript) {
		if (t.role !== 'caller') continue;
		for (const raw of t.text.split(CLAUSES)) {
			const clause = raw
				.trim()
				.replace(/^(and|but|so)\s+/i, '')
				.replace(/[,;]$/, '');
			order++;
			const words = clause.split(/\s+/).filter(Boolean);
			if (words.length < 3 || SKIP.test(clause)) continue;
			// Mostly ids and digits: a verification turn, not words to quote.
			if (words.filter((w) => /\d/.test(w)).length / words.length > 0.3) continue;
			const k = norm(clause);
			if (seen.has(k)) continue;
			seen.add(k);
			// The first thing they said about their problem, in their words.
			let score = first && words.length >= 5 ? 0.5 : 0;
			if (words.length >= 5) first = false;
			for (const [re, w] of WEIGHTS) if (re.test(clause)) score += w;
			score += Math.max(0, -scoreTurn(clause).score) * 1.5;
			if (score >= 1) picked.push({ text: trimClause(clause), score, order });
		}
	}
	return picked
		.sort((a, b) => b.score - a.score || a.order - b.order)
		.slice(0, max)
		.sort((a, b) => a.order - b.order)
		.map((p) => p.text);
}

/** A long clause cut at a word boundary, so a quote stays a glance. */
function trimClause(text: string, max = 90): string {
	if (text.length <= max) return text;
	const cut = text.slice(0, max);
	return `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}
