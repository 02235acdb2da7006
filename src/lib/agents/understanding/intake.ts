import type { AuditBody } from '../audit';
import type { CallRecord } from '../call-record';
import type { TranscriptEntry } from '../handoff/context-package';
import type { Vocabulary } from './vocabulary';
import { digitRuns, wordsBefore } from './digits';
import { extractEntities, type FoundEntity } from './entities';
import { redact } from './redact';
import { blend, scoreTurn, type TurnSentiment } from './sentiment';

// Taking in one caller turn, before anything is decided: facts are read from the words, secrets
// are removed before the words are stored, the turn goes on the record, and its sentiment is
// scored. What the call does next is the session's business.

export type Intake = {
	/** The turn's index in the transcript. */
	turn: number;
	/** The caller's words with secrets removed: all that is kept or read from here on. */
	text: string;
	/** Facts the caller gave in this turn (a card keeps its last four digits). */
	found: FoundEntity[];
	/** A card number or CVV was said (and removed). */
	cardGiven: boolean;
	/** The turn answers what the persona asked for, so it neither re-routes nor counts as a repeat. */
	continuing: boolean;
	sentiment: TurnSentiment;
};

export type IntakeOptions = {
	record: CallRecord;
	/** What the company's callers name: ids, products, formats. */
	vocabulary: Vocabulary;
	push(entry: TranscriptEntry): void;
	log(event: AuditBody): void;
	at(): string;
	/** A PIN the caller said, handed over for one verification attempt (it is never stored). */
	pin(pin: string): void;
	/** Whether the turn answers the persona's question. */
	continues(text: string, found: FoundEntity[]): boolean;
	/** The kind of fact the caller was just asked for (an entity type), if any. */
	expecting?(): string | undefined;
};

/** Takes in one non-empty caller turn: entities, redaction, the record, sentiment. */
export function takeIn(raw: string, o: IntakeOptions): Intake {
	const { record } = o;
	const turn = record.transcript.length;
	const expecting = o.expecting?.();
	let extraction = extractEntities(raw, o.vocabulary, expecting);
	const red = redact(raw);
	let text = red.text;
	// Asked for the secret, the caller says only the digits ("4821"): those are the secret, removed
	// from the words like any PIN.
	// The same when the caller names their account and adds the digits ("AC-10021 4821").
	const identified = extraction.entities.some((e) => e.type === 'account_id' || e.type === 'phone');
	if ((expecting === 'secret' || identified) && !extraction.pin) {
		// Asked for the secret, even a zip-shaped number is it; otherwise a zip stays a zip.
		const inEntity = (digits: string) =>
			extraction.entities.some(
				(e) =>
					(e.type !== 'zip' || expecting !== 'secret') &&
					e.value.replace(/\D/g, '').includes(digits)
			);
		// Whole words of 4 to 8 digits that are not part of a fact found, nor named as a zip
		// or phone number by the words before them.
		const runs = [...text.matchAll(/(?<![\w-])\d{4,8}(?![\w-])/g)]
			.map((m) => ({ digits: m[0], start: m.index, end: m.index + m[0].length }))
			.filter(
				(r) =>
					!inEntity(r.digits) &&
					!wordsBefore(text, r.start, 2).some((w) => /^(zip|postal|phone|number)$/.test(w))
			);
		// Asked for it, the digits may be said as words ("nine zero two one").
		if (runs.length === 0 && expecting === 'secret')
			runs.push(
				...digitRuns(text)
					.filter((r) => r.spoken && r.digits.length >= 4 && r.digits.length <= 8)
					.filter((r) => !inEntity(r.digits))
			);
		const run = runs.length === 1 ? runs[0]! : undefined;
		if (run) {
			extraction = {
				entities: extraction.entities.filter((e) => !(e.type === 'zip' && e.value === run.digits)),
				pin: run.digits
			};
			text = `${text.slice(0, run.start)}[PIN removed]${text.slice(run.end)}`;
		}
	}
	if (extraction.pin) o.pin(extraction.pin);
	const earlier = record.transcript.filter((t) => t.role === 'caller').map((t) => t.text);
	o.push({ role: 'caller', text, at: o.at() });
	const found = [...extraction.entities];
	for (const last4 of red.cardLast4) {
		if (!found.some((e) => e.type === 'card_last4' && e.value === last4))
			found.push({ type: 'card_last4', value: last4 });
	}
	for (const e of found) {
		if (record.entities.some((x) => x.type === e.type && x.value === e.value)) {
			o.log({ type: 'repeat', entity: e.type, turn });
		} else {
			record.entities.push({ ...e, turn });
		}
	}
	const redactions = Object.values(red.removed).reduce((s, n) => s + (n ?? 0), 0);
	o.log({ type: 'caller_turn', turn, entities: found.map((e) => e.type), redactions });
	const continuing = o.continues(text, found);
	const sentiment = scoreTurn(text, continuing ? [] : earlier);
	record.sentiment = blend(record.sentiment, sentiment);
	return {
		turn,
		text,
		found,
		cardGiven: red.cardLast4.length > 0 || (red.removed.cvv ?? 0) > 0,
		continuing,
		sentiment
	};
}
