import * as v from 'valibot';
import { findSecrets, type SecretKind } from './redact';

// Scores redaction against a labelled set of caller utterances (src/lib/agents/data/
// pii-utterances.jsonl): every labelled secret must be removed whole, every labelled harmless
// number must survive, and an utterance with no secret must come back unchanged.

const Span = v.object({
	text: v.pipe(v.string(), v.minLength(1)),
	start: v.pipe(v.number(), v.integer(), v.minValue(0))
});
const Item = v.object({
	id: v.string(),
	split: v.picklist(['dev', 'heldout']),
	category: v.string(),
	text: v.string(),
	secrets: v.array(
		v.object({
			...Span.entries,
			kind: v.picklist(['card', 'cvv', 'pin', 'national_id', 'password', 'bank_account'])
		})
	),
	keep: v.array(Span)
});
export type LabelledUtterance = v.InferOutput<typeof Item>;

/** Parses the JSONL set; a line that is malformed or whose spans do not match its text throws. */
export function parseLabelledSet(jsonl: string): LabelledUtterance[] {
	const items: LabelledUtterance[] = [];
	jsonl.split('\n').forEach((line, i) => {
		if (!line.trim()) return;
		let raw: unknown;
		try {
			raw = JSON.parse(line);
		} catch {
			throw new Error(`line ${i + 1}: not JSON`);
		}
		const r = v.safeParse(Item, raw);
		if (!r.success) throw new Error(`line ${i + 1}: ${r.issues[0].message}`);
		for (const s of [...r.output.secrets, ...r.output.keep]) {
			if (r.output.text.slice(s.start, s.start + s.text.length) !== s.text)
				throw new Error(`line ${i + 1} (${r.output.id}): span "${s.text}" is not at ${s.start}`);
		}
		items.push(r.output);
	});
	return items;
}

export type KindScore = { found: number; total: number; recall: number };
export type Score = {
	utterances: number;
	recall: Partial<Record<SecretKind, KindScore>>;
	/** Utterances without a secret that redaction changed. */
	falsePositives: { count: number; total: number; rate: number; ids: string[] };
	/** Labelled harmless numbers inside secret utterances that were removed too. */
	collateral: { count: number; total: number; ids: string[] };
	misses: { id: string; kind: SecretKind; text: string }[];
};

/** Every letter and digit of the span lies inside a removed secret. */
function covered(start: number, text: string, cuts: { start: number; end: number }[]): boolean {
	for (let i = 0; i < text.length; i++) {
		if (!/[A-Za-z0-9@!#$%&*]/.test(text[i]!)) continue;
		const at = start + i;
		if (!cuts.some((c) => at >= c.start && at < c.end)) return false;
	}
	return true;
}

export function score(items: readonly LabelledUtterance[]): Score {
	const recall: Partial<Record<SecretKind, KindScore>> = {};
	const fp = { count: 0, total: 0, rate: 0, ids: [] as string[] };
	const collateral = { count: 0, total: 0, ids: [] as string[] };
	const misses: Score['misses'] = [];
	for (const item of items) {
		const cuts = findSecrets(item.text);
		if (item.secrets.length === 0) {
			fp.total++;
			if (cuts.length > 0) {
				fp.count++;
				fp.ids.push(item.id);
			}
			continue;
		}
		for (const s of item.secrets) {
			const k = (recall[s.kind] ??= { found: 0, total: 0, recall: 0 });
			k.total++;
			if (covered(s.start, s.text, cuts)) k.found++;
			else misses.push({ id: item.id, kind: s.kind, text: item.text });
		}
		for (const keep of item.keep) {
			collateral.total++;
			if (cuts.some((c) => c.start < keep.start + keep.text.length && c.end > keep.start)) {
				collateral.count++;
				collateral.ids.push(item.id);
			}
		}
	}
	for (const k of Object.values(recall)) k.recall = k.total ? k.found / k.total : 1;
	fp.rate = fp.total ? fp.count / fp.total : 0;
	return { utterances: items.length, recall, falsePositives: fp, collateral, misses };
}
