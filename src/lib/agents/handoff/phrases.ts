import type { Flow, Persona } from '../flow';
import { narration } from './handoff';
import { SentenceStream } from '../sentence-stream';

// The sentences a flow always says the same way: greetings and handoff narrations. They can be
// rendered to audio ahead of time (at build time, with the offline voice), so the caller hears the
// greeting the moment they press Call instead of after the voice has downloaded.

export type FixedPhrase = { personaId: string; text: string };

/** What an agent says when the caller spoke and not a word of it was recognised. */
export const UNHEARD = "Sorry, I didn't catch that. Could you say it again?";

/** Fills `{company}` in flow text with the company's name. */
export function fillCompany(text: string, company: string): string {
	return text.replaceAll('{company}', company);
}

/** Every fixed sentence the flow's personas say, in the voice of the persona that says it. */
export function fixedPhrases(flow: Flow, company: string): FixedPhrase[] {
	const out: FixedPhrase[] = [];
	const add = (by: Persona, text: string) => {
		for (const sentence of speechSentences(fillCompany(text, company)))
			out.push({ personaId: by.id, text: sentence });
	};
	for (const p of flow.personas) {
		if (p.kind === 'human') continue;
		if (p.greeting) add(p, p.greeting);
		add(p, UNHEARD);
		// Any AI persona may narrate a handoff to any persona it hands to, or to a person.
		for (const to of flow.personas) {
			if (to.id === p.id) continue;
			if (to.kind === 'human') {
				add(p, narration(to, { kind: 'explicit_request', detail: '' }));
				add(p, narration(to, { kind: 'sensitive_topic', detail: '' }));
				add(p, narration(to, { kind: 'workflow', detail: '' }, { announced: true }));
			} else if (to.kind !== 'triage') {
				add(p, narration(to, { kind: 'out_of_scope', detail: '' }));
				add(p, narration(to, { kind: 'out_of_scope', detail: '' }, { back: true }));
			}
		}
	}
	const seen = new Set<string>();
	return out.filter((f) => {
		const key = `${f.personaId}\n${f.text}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/** How the voice splits a turn into sentences; phrases are keyed by these same sentences. */
export function speechSentences(text: string): string[] {
	const s = new SentenceStream();
	return [...s.push(text), ...s.flush()];
}

/**
 * A long sentence split after its first clause ("Sorry, I still need…" → "Sorry," and "I still
 * need…"), so that an answer's first words can sound while the rest is made: the offline voice
 * takes about 20 ms a sentence plus several per second of speech, and pauses at the comma just the
 * same when the clause is said on its own. Null for a short sentence, one with no break between
 * clauses, or one whose break leaves only a few words after it.
 */
export function leadClause(sentence: string): [string, string] | null {
	const m = /^(.+?[,;:])\s+(\S[\s\S]*)$/.exec(sentence.trim());
	if (!m || words(sentence) < LEAD_MIN_WORDS || words(m[2]!) < 4) return null;
	return [m[1]!, m[2]!];
}

/** Sentences shorter than this are made whole: the split would gain a few milliseconds. */
const LEAD_MIN_WORDS = 8;

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
