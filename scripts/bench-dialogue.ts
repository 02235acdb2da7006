// The conversation test set as figures: npm run bench:dialogue [-- --calls FILE] [--only ID,ID] [--verbose]
// Runs every scripted call of examples/dialogue-calls.jsonl through the simulator's code on the
// demo flow, applies the generic and per-call checks (src/lib/testing/dialogue-checks.ts), and
// prints how many calls pass, the failing calls per check kind, and each failing call. It exits 0
// when calls fail (the figures are the point); 2 when the set itself cannot be read.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { demoDataset, demoFlow } from '../src/lib/agents/demo';
import { demoRouter } from '../src/lib/testing/calls';
import {
	CALL_KINDS,
	checkCall,
	describeFindings,
	GENERIC_KINDS,
	parseDialogueCalls,
	runDialogueCall,
	type CheckKind,
	type DialogueCall,
	type Finding
} from '../src/lib/testing/dialogue-checks';

const { values } = parseArgs({
	options: {
		calls: { type: 'string', default: 'examples/dialogue-calls.jsonl' },
		only: { type: 'string' },
		verbose: { type: 'boolean', default: false }
	}
});

let calls: DialogueCall[];
try {
	calls = await parseDialogueCalls(readFileSync(values.calls!, 'utf8'));
} catch (e) {
	process.stderr.write(`bench:dialogue: ${(e as Error).message}\n`);
	process.exit(2);
}

if (values.only) {
	const wanted = values.only.split(',').map((s) => s.trim());
	const unknown = wanted.filter((id) => !calls.some((c) => c.id === id));
	if (unknown.length) {
		process.stderr.write(`bench:dialogue: no call ${unknown.join(', ')} in ${values.calls}\n`);
		process.exit(2);
	}
	calls = calls.filter((c) => wanted.includes(c.id));
}

const env = { flow: demoFlow, dataset: demoDataset, router: demoRouter() };
const started = performance.now();
const failing: { id: string; findings: Finding[]; detail: string }[] = [];
const byKind = new Map<CheckKind, { calls: number; findings: number }>();
for (const call of calls) {
	const run = await runDialogueCall(call, env);
	const findings = checkCall(run, call, demoFlow, demoDataset);
	if (!findings.length) continue;
	failing.push({ id: call.id, findings, detail: describeFindings(run, findings) });
	for (const kind of new Set(findings.map((f) => f.kind))) {
		const k = byKind.get(kind) ?? { calls: 0, findings: 0 };
		k.calls++;
		k.findings += findings.filter((f) => f.kind === kind).length;
		byKind.set(kind, k);
	}
}
const ms = performance.now() - started;

const checks = calls.reduce((n, c) => n + c.expect.length, 0);
const out: string[] = [
	`dialogue: ${calls.length - failing.length}/${calls.length} calls pass (${checks} per-call checks and ${GENERIC_KINDS.length} generic checks each; ${(ms / 1000).toFixed(1)} s)`
];
for (const kind of [...GENERIC_KINDS, ...CALL_KINDS]) {
	const k = byKind.get(kind);
	const width = 17;
	out.push(
		`  ${kind.padEnd(width)} ${k ? `${k.calls} call(s) fail, ${k.findings} finding(s)` : 'no failures'}`
	);
}
if (failing.length) {
	out.push('failing calls:');
	for (const f of failing)
		out.push(`  ${f.id}: ${[...new Set(f.findings.map((x) => x.kind))].join(', ')}`);
}
if (values.verbose) for (const f of failing) out.push('', `== ${f.id}`, f.detail);
process.stdout.write(out.join('\n') + '\n');
