// npm run bench:routing [-- --data DIR] [--no-browser]
// Routing on CLINC150: each of the 10 domains is a persona whose examples are its `train`
// utterances; `oos_train` teaches out-of-scope. The threshold is chosen on `val` + `oos_val` only.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { OUT_OF_SCOPE, TextClassifier, type Example } from '../src/lib/agents/routing/classifier';
import { percentile } from '../src/lib/agents/metrics';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
	options: { data: { type: 'string' }, 'no-browser': { type: 'boolean', default: false } }
});
const dir = resolve(
	values.data ?? process.env.BATON_CLINC_DIR ?? join(root, '..', 'shared', 'data', 'clinc150')
);
if (!existsSync(join(dir, 'data.json'))) {
	console.error(
		`bench:routing: CLINC150 not found at ${dir}. Pass --data DIR (a folder with data.json and domains.json).`
	);
	process.exit(2);
}
type Split = [string, string][];
const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')) as Record<string, Split>;
const domains = JSON.parse(readFileSync(join(dir, 'domains.json'), 'utf8')) as Record<
	string,
	string[]
>;
const domainOf = new Map<string, string>();
for (const [d, intents] of Object.entries(domains)) for (const i of intents) domainOf.set(i, d);

const examples: Example[] = data.train!.map(([text, intent]) => ({
	text,
	label: domainOf.get(intent)!
}));
for (const [text] of data.oos_train!) examples.push({ text, label: OUT_OF_SCOPE });

const t0 = performance.now();
const clf = TextClassifier.train(examples);
const trainMs = performance.now() - t0;

// Score once; every threshold is then a cheap re-decision over the cached scores. A decision is
// timed whole: features, the linear model and the neighbour index.
type Scored = { correct: boolean; oos: boolean; old: number; combined: number };
const latencies: number[] = [];
function score(text: string, truth: string | null): Scored {
	const s = performance.now();
	const r = clf.scores(text);
	latencies.push(performance.now() - s);
	// The out-of-scope class winning rejects at any threshold, under either score.
	const rejected = r.oos > r.p;
	return {
		correct: clf.labels[r.top] === truth,
		oos: truth === null,
		old: rejected ? -1 : r.p,
		combined: rejected ? -1 : r.inScope
	};
}
const scored = [
	...data.val!.map(([text, intent]) => score(text, domainOf.get(intent)!)),
	...data.oos_val!.map(([text]) => score(text, null))
];
const inScope = scored.filter((s) => !s.oos);
const outOfScope = scored.filter((s) => s.oos);

type Key = 'old' | 'combined';
function evaluate(key: Key, threshold: number) {
	let correct = 0;
	let falseReject = 0;
	for (const s of inScope) {
		if (s[key] < threshold) falseReject++;
		else if (s.correct) correct++;
	}
	return {
		threshold,
		accuracy: correct / inScope.length,
		recall: outOfScope.filter((s) => s[key] < threshold).length / outOfScope.length,
		falseReject: falseReject / inScope.length
	};
}
/** The lowest threshold that rejects `recall` of val's out-of-scope utterances keeps the most. */
function atRecall(key: Key, recall: number) {
	const o = outOfScope.map((s) => s[key]).sort((x, y) => x - y);
	const k = Math.ceil(recall * o.length);
	return evaluate(key, o[k - 1]! + 1e-9);
}
/** Probability that an out-of-scope utterance scores below an in-scope one (ties count half). */
function auroc(key: Key): number {
	const o = outOfScope.map((s) => s[key]).sort((x, y) => x - y);
	let sum = 0;
	for (const s of inScope) {
		let below = 0;
		let equal = 0;
		for (const v of o) {
			if (v < s[key]) below++;
			else if (v === s[key]) equal++;
			else break;
		}
		sum += below + equal / 2;
	}
	return sum / (inScope.length * o.length);
}
const recalls = [0.8, 0.85, 0.9];
const table = (['old', 'combined'] as const).map((key) => ({
	key,
	at: recalls.map((r) => atRecall(key, r)),
	auroc: auroc(key)
}));
const chosen = table[1]!.at[1]!;
const calibrated = evaluate('combined', clf.threshold);

const size = JSON.stringify(clf.serialize()).length;
latencies.sort((a, b) => a - b);

let browser: { trainMs: number; p50: number; p95: number } | null = null;
if (!values['no-browser']) {
	const bundle = await build({
		entryPoints: [join(root, 'scripts', 'routing-browser-entry.ts')],
		bundle: true,
		format: 'iife',
		write: false,
		target: 'es2022'
	});
	const b = await chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS
	});
	try {
		const page = await b.newPage();
		await page.setContent('<!doctype html><title>routing bench</title>');
		await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
		const probes = data.val!.slice(0, 1000).map(([t]) => t);
		const r = await page.evaluate((input) => window.batonRoutingBench(input), {
			examples,
			probes,
			threshold: chosen.threshold
		});
		const l = [...r.latencies].sort((x, y) => x - y);
		browser = { trainMs: r.trainMs, p50: percentile(l, 0.5), p95: percentile(l, 0.95) };
	} finally {
		await b.close();
	}
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
console.log(
	`bench:routing: CLINC150, 10 domain personas (${examples.length} training examples incl. ${data.oos_train!.length} out-of-scope)`
);
console.log(
	`  method                    hashed word 1–2-grams + char 3–5-grams, multinomial logistic regression, temperature ${clf.temperature.toFixed(3)};`
);
console.log(
	'                            in scope: its log-odds of the best label over out-of-scope + IDF-weighed nearest-neighbour cosine (all examples, predicted label), logistic combination fitted on held-out training examples'
);
console.log('  on val (in-scope accuracy at out-of-scope recall 0.80 / 0.85 / 0.90, AUROC):');
for (const row of table) {
	console.log(
		`    ${row.key === 'old' ? 'classifier only' : 'combined       '}   ${row.at.map((r) => `${pct(r.accuracy)} (t ${r.threshold.toFixed(3)})`).join(' / ')}   AUROC ${row.auroc.toFixed(4)}`
	);
}
console.log(
	`  threshold (chosen on val) ${chosen.threshold.toFixed(3)} (combined score, highest accuracy with out-of-scope recall ≥ 0.85)`
);
console.log(`  in-scope accuracy         ${pct(chosen.accuracy)}   (goal ≥ 96 %)`);
console.log(`  out-of-scope recall       ${chosen.recall.toFixed(3)}   (goal ≥ 0.85)`);
console.log(`  false-reject rate         ${pct(chosen.falseReject)}`);
console.log(
	`  default threshold         ${clf.threshold.toFixed(3)} (calibrated at train time on held-out training examples; what the Router and the route CLI use): on val ${pct(calibrated.accuracy)}, recall ${calibrated.recall.toFixed(3)}, false rejects ${pct(calibrated.falseReject)}`
);
console.log(
	`  train time                Node ${trainMs.toFixed(0)} ms${browser ? `   Chromium ${browser.trainMs.toFixed(0)} ms` : ''}   (off the call's path: built with the app or in a worker, then kept)`
);
console.log(
	`  latency per decision      Node p50 ${percentile(latencies, 0.5).toFixed(3)} ms, p95 ${percentile(latencies, 0.95).toFixed(3)} ms${browser ? `   Chromium p50 ${browser.p50.toFixed(3)} ms, p95 ${browser.p95.toFixed(3)} ms` : ''}   (budget p95 ≤ 2 ms)`
);
console.log(
	`  model size (serialized)   ${(size / 1024 / 1024).toFixed(2)} MB incl. the examples the neighbour index is rebuilt from   (budget ≤ 5 MB)`
);
