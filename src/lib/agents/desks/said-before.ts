import type { TranscriptEntry } from '../handoff/context-package';
import { sentencesOf } from './steps';

// What the call already said, for a caller who asks to hear it again: the last reply ("sorry, what
// did you say?"), or the sentence that said one thing ("what's the ticket number again?").

/**
 * What the persona `ownerId` said in reply to the caller's turn before the last one (or, when it
 * said nothing there, everything said then).
 */
export function lastReply(transcript: readonly TranscriptEntry[], ownerId: string): string {
	const callerTurns = transcript.flatMap((e, i) => (e.role === 'caller' ? [i] : []));
	const from = callerTurns.at(-2);
	if (from === undefined) return '';
	const lines = transcript.slice(from + 1, callerTurns.at(-1)).filter((e) => e.role === 'agent');
	const own = lines.filter((e) => e.personaId === ownerId);
	return (own.length ? own : lines).map((e) => e.text).join(' ');
}

/**
 * The latest sentence an agent said about `about` ("ticket number": "Ticket TCK-0001 is open…"),
 * by the most of its words; empty when nothing said names it.
 */
export function saidAbout(transcript: readonly TranscriptEntry[], about: string): string {
	const wanted = about.split(/\s+/).filter((w) => w.length > 2 && !ABOUT_FILLER.has(w));
	let best = { hits: 0, sentence: '' };
	for (const e of transcript) {
		if (e.role !== 'agent') continue;
		const all = sentencesOf(e.text);
		all.forEach((sentence, i) => {
			// A question, or a persona's opening proof of context, is not what was said about it.
			if (sentence.endsWith('?') || OPENING_PROOF.test(sentence)) return;
			const lower = sentence.toLowerCase();
			const hits = wanted.filter((w) => new RegExp(`\\b${w}`).test(lower)).length;
			if (hits === 0 || hits < best.hits) return;
			// The statements that went on from it, up to a question: "There's an outage in zip
			// 60614 since 6 this morning." is said again with what it is and when it ends.
			const next = all.slice(i + 1, i + 1 + MORE);
			const on = next.slice(0, next.findIndex((x) => x.endsWith('?')) + 1 || next.length);
			best = { hits, sentence: [sentence, ...on.filter((x) => !x.endsWith('?'))].join(' ') };
		});
	}
	return best.sentence;
}

/** How many statements after the one that names it are said again with it. */
const MORE = 2;

/** The sentence a persona taking over proves what it knows with (handoff.ts `opening`). */
const OPENING_PROOF = /\b(?:I can see|you're calling about|I understand you're calling)\b/i;

/** Words of "what's the … again?" that name nothing said. */
const ABOUT_FILLER = new Set(
	'the and was were you that this one said would will be it is are can could should'.split(' ')
);
