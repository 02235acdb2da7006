import type { Sentiment } from '../handoff/context-package';
import { tokenize } from '../routing/features';
import { asksAgain } from './caller-words';

// Sentiment from the caller's words alone: anger and distress lexicons, negation, shouting, and the
// caller repeating themselves. It is a signal for a trigger, not a diagnosis, so it leans towards
// noticing frustration early.

const ANGER = new Map<string, number>(
	Object.entries({
		angry: 0.6,
		furious: 0.9,
		ridiculous: 0.6,
		terrible: 0.5,
		awful: 0.5,
		worst: 0.6,
		useless: 0.7,
		hate: 0.6,
		unacceptable: 0.7,
		frustrated: 0.6,
		frustrating: 0.6,
		annoyed: 0.5,
		annoying: 0.5,
		upset: 0.5,
		pathetic: 0.7,
		incompetent: 0.8,
		stupid: 0.6,
		joke: 0.3,
		scam: 0.7,
		rip: 0.3,
		disgusting: 0.7,
		horrible: 0.6,
		fed: 0.2,
		sick: 0.2,
		mad: 0.5,
		outrageous: 0.7,
		nonsense: 0.5,
		damn: 0.5,
		hell: 0.4,
		wtf: 0.8,
		crap: 0.6,
		garbage: 0.6,
		livid: 0.9,
		disappointed: 0.4,
		unbelievable: 0.5
	})
);
const ANGER_PHRASES: [RegExp, number][] = [
	[/\bfed up\b/, 0.6],
	[/\bsick (and tired )?of\b/, 0.6],
	[/\bwaste of (my )?time\b/, 0.6],
	[/\b(already|just) (told|said|explained)\b/, 0.5],
	[/\bhow many times\b/, 0.6],
	[/\b(second|third|fourth|fifth|\d+(st|nd|rd|th)) time\b/, 0.4],
	[/\bagain\b.*\bagain\b/, 0.3],
	[/\b(nobody|no one) (is )?(helping|listens|listening)\b/, 0.6],
	[/\bnot (helping|helpful|listening)\b/, 0.5],
	[/\b(this|that) is (a )?(joke|ridiculous)\b/, 0.4]
];
/**
 * "Emergency" or "urgent" said of the situation: at the end of a clause, or before a word that
 * continues it (and, please, help, matter…). Before any other word it names a thing ("emergency
 * calls", "the urgent part"), and after a negation ("not urgent") it says the opposite.
 */
const URGENCY =
	/(?<!\b(?:not|isn't|no|never|wasn't|nothing)\s+(?:an?\s+|that\s+|very\s+|really\s+|so\s+)?)\b(?:urgently\b|(?:emergency|urgent)\b(?=\s*(?:$|[,.!?;:)]|(?:and|but|so|please|help|matter|situation|here|now|because|for me|i|my|we|our)\b)))/;
const DISTRESS: [RegExp, number][] = [
	// Urgency about the caller's situation ("this is an emergency", "it's urgent", "urgent help"),
	// not a word describing something else ("emergency calls only", "the urgent part").
	[URGENCY, 0.6],
	[/\b(scared|afraid|terrified|panicking|panic)\b/, 0.7],
	[/\b(desperate|desperately)\b/, 0.7],
	[/\bplease help( me)?\b/, 0.5],
	[/\b(can'?t|cannot) afford\b/, 0.6],
	[/\blost my job\b/, 0.6],
	[/\b(hospital|dying|abuse|abusive|unsafe|stalk(ed|ing)?)\b/, 0.8],
	[/\b(crying|in tears)\b/, 0.7]
];
const POSITIVE = new Map<string, number>(
	Object.entries({
		thanks: 0.4,
		thank: 0.4,
		great: 0.4,
		perfect: 0.5,
		awesome: 0.5,
		appreciate: 0.5,
		helpful: 0.4,
		wonderful: 0.5,
		excellent: 0.5,
		love: 0.4,
		amazing: 0.5,
		glad: 0.3,
		happy: 0.3,
		nice: 0.3
	})
);
const NEGATORS = new Set([
	'not',
	"don't",
	'dont',
	'never',
	"isn't",
	"wasn't",
	'no',
	"i'm not",
	'nothing'
]);

export type TurnSentiment = Sentiment & { repeated: boolean };

function overlap(a: string[], b: string[]): number {
	const sa = new Set(a);
	const sb = new Set(b);
	let inter = 0;
	for (const w of sa) if (sb.has(w)) inter++;
	return inter / Math.max(1, Math.min(sa.size, sb.size));
}

/**
 * Scores one caller turn in context. `earlier` holds the caller's previous turns (redacted text),
 * so that saying the same thing again counts as frustration.
 */
export function scoreTurn(text: string, earlier: readonly string[] = []): TurnSentiment {
	const lower = text.toLowerCase();
	const words = tokenize(text);
	let neg = 0;
	let pos = 0;
	let distress = 0;
	for (let i = 0; i < words.length; i++) {
		const w = words[i]!;
		const negated = NEGATORS.has(words[i - 1] ?? '') || NEGATORS.has(words[i - 2] ?? '');
		const a = ANGER.get(w);
		if (a !== undefined) {
			if (negated) pos += a * 0.3;
			else neg += a;
		}
		const p = POSITIVE.get(w);
		if (p !== undefined) {
			if (negated) neg += p * 0.5;
			else pos += p;
		}
	}
	for (const [re, wgt] of ANGER_PHRASES) if (re.test(lower)) neg += wgt;
	for (const [re, wgt] of DISTRESS) if (re.test(lower)) distress += wgt;
	const letters = text.replace(/[^A-Za-z]/g, '');
	const shouting = letters.length >= 8 && letters === letters.toUpperCase();
	if (shouting) neg += 0.5;
	if (/!{2,}/.test(text)) neg += 0.3;

	let repeated = false;
	// "When did you say it would be fixed?" asks to hear an answer again: the caller missed it, and
	// is not repeating themselves for want of one.
	if (words.length >= 3 && !asksAgain(text)) {
		for (const prior of earlier.slice(-3)) {
			const before = tokenize(prior);
			const shared = words.filter((w) => before.includes(w)).length;
			if (shared >= 4 && overlap(words, before) >= 0.7) repeated = true;
		}
	}
	if (repeated) neg += 0.5;

	const raw = pos - neg - distress;
	const score = Math.max(-1, Math.min(1, Math.tanh(raw)));
	let label: Sentiment['label'] = 'neutral';
	if (distress >= 0.5) label = 'distressed';
	else if (score <= -0.35) label = 'frustrated';
	else if (score >= 0.3) label = 'positive';
	return { label, score: Math.round(score * 100) / 100, repeated };
}

/** Blends the running call sentiment with the newest turn, weighted to the newest. */
export function blend(previous: Sentiment, turn: Sentiment): Sentiment {
	const score = Math.round((0.35 * previous.score + 0.65 * turn.score) * 100) / 100;
	const label =
		turn.label === 'distressed' || previous.label === 'distressed'
			? 'distressed'
			: score <= -0.35
				? 'frustrated'
				: score >= 0.3
					? 'positive'
					: 'neutral';
	return { label, score: Math.max(-1, Math.min(1, score)) };
}
