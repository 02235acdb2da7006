// npm run bench:pii [-- --data FILE.jsonl]
// Redaction on the labelled caller utterances (src/lib/agents/data/pii-utterances.jsonl): recall
// per secret kind, false positives on utterances without a secret, harmless numbers removed from
// utterances with one, for the development part, the held-out part and both. Exit code 1 when a
// goal is missed on the whole set: recall 1.00 for every kind, false positives at most 2 %.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redact } from '../src/lib/agents/understanding/redact';
import {
	parseLabelledSet,
	score,
	type LabelledUtterance,
	type Score
} from '../src/lib/agents/understanding/redact-eval';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { data: { type: 'string' } } });
const file = resolve(values.data ?? join(root, 'src/lib/agents/data/pii-utterances.jsonl'));

let items: LabelledUtterance[];
try {
	items = parseLabelledSet(readFileSync(file, 'utf8'));
} catch (e) {
	console.error(`bench:pii: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(2);
}

const KINDS = ['card', 'cvv', 'pin', 'national_id', 'password', 'bank_account'] as const;
const MAX_FALSE_POSITIVES = 0.02;

function pct(x: number): string {
	return `${(100 * x).toFixed(1)} %`;
}

function report(name: string, s: Score): void {
	console.log(
		`\n${name}: ${s.utterances} utterances (${s.utterances - s.falsePositives.total} with secrets, ${s.falsePositives.total} without)`
	);
	for (const k of KINDS) {
		const r = s.recall[k];
		if (r) console.log(`  recall ${k.padEnd(13)} ${r.recall.toFixed(2)}  (${r.found}/${r.total})`);
	}
	const fp = s.falsePositives;
	console.log(
		`  false positives     ${pct(fp.rate)}  (${fp.count}/${fp.total} harmless utterances changed)`
	);
	console.log(
		`  harmless numbers removed next to secrets: ${s.collateral.count}/${s.collateral.total}`
	);
	for (const m of s.misses) console.log(`  missed ${m.kind} in ${m.id}: ${redact(m.text).text}`);
	for (const id of [...fp.ids, ...s.collateral.ids]) {
		const item = items.find((i) => i.id === id)!;
		console.log(`  changed ${id}: ${redact(item.text).text}`);
	}
}

const dev = score(items.filter((i) => i.split === 'dev'));
const heldout = score(items.filter((i) => i.split === 'heldout'));
const all = score(items);
report('development part', dev);
report('held-out part', heldout);
report('whole set', all);

// Redaction runs on every caller turn and on everything a package carries: its cost per utterance.
const texts = items.map((i) => i.text);
const rounds = 20;
const t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const t of texts) redact(t);
const perUtterance = (performance.now() - t0) / (rounds * texts.length);
console.log(`\ntime per utterance: ${(perUtterance * 1000).toFixed(0)} µs`);

const missed = KINDS.filter((k) => (all.recall[k]?.recall ?? 1) < 1);
const ok = missed.length === 0 && all.falsePositives.rate <= MAX_FALSE_POSITIVES;
console.log(
	ok
		? 'goals met: recall 1.00 for every kind, false positives ≤ 2 %'
		: `goals missed: ${missed.length ? `recall below 1.00 for ${missed.join(', ')}` : ''}${
				all.falsePositives.rate > MAX_FALSE_POSITIVES
					? ` false positives ${pct(all.falsePositives.rate)}`
					: ''
			}`
);
process.exit(ok ? 0 : 1);
