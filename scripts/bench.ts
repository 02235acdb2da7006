// npm run bench: trigger → validated context package, and simulated calls per second.
// Prints figures; budgets are in DESIGN §7 (package p95 ≤ 20 ms, routing p95 ≤ 1 ms).
import { demoDataset, demoFlow } from '../src/lib/agents/demo';
import { personaById } from '../src/lib/agents/flow';
import { buildContextPackage } from '../src/lib/agents/handoff/handoff';
import type { AuditEvent } from '../src/lib/agents/audit';
import { computeMetrics, percentile } from '../src/lib/agents/metrics';
import { Router } from '../src/lib/agents/routing/router';
import { Session } from '../src/lib/agents/session';
import { simulateCall } from '../src/lib/agents/cli/simulator';
import { measureTwoTurn, readTwoTurnCalls } from '../src/lib/agents/cli/two-turn';
import { readFileSync } from 'node:fs';

const fmt = (x: number) => x.toFixed(3);

const t0 = performance.now();
const router = Router.train(demoFlow);
const trainMs = performance.now() - t0;

// A realistic mid-call record: verified caller, tool results, a handoff already made.
const session = new Session({ flow: demoFlow, dataset: demoDataset, router, human: 'external' });
await session.start();
for (const turn of [
	'I have a question about a charge on my bill',
	'AC-10021 pin 4821',
	'what is my balance',
	'and what plans do you have?'
]) {
	await session.hear(turn);
}
const from = personaById(demoFlow, session.record.owner);
const to = personaById(demoFlow, 'human');
const trigger = { kind: 'explicit_request' as const, detail: 'Caller asked to speak to a person.' };

/** Times `run` `n` times after a short warm-up; returns the sorted durations in ms. */
function timed(n: number, run: (i: number) => void): number[] {
	for (let i = 0; i < Math.min(500, n); i++) run(i);
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const s = performance.now();
		run(i);
		out.push(performance.now() - s);
	}
	return out.sort((a, b) => a - b);
}

const N = 10_000;
const build = timed(N, () =>
	buildContextPackage({
		record: session.record,
		flow: demoFlow,
		from,
		to,
		trigger,
		now: new Date()
	})
);

const utterances = [
	'why is my bill so high this month',
	'my phone keeps dropping calls',
	'I want to switch to the family plan',
	'I am thinking about leaving for another carrier',
	'what is the weather tomorrow',
	'can I talk to someone'
];
const route = timed(5_000, (i) => router.route(utterances[i % utterances.length]!));

const scripts = [
	[
		'I have a question about a charge on my bill',
		'AC-10021 pin 4821',
		'I want to upgrade to unlimited',
		'yes',
		'bye'
	],
	['my internet is down', 'zip 60614', 'thanks, bye'],
	['I was charged twice', 'account AC-10022 zip 60614', 'yes'],
	['I want to cancel my service', 'AC-10023 pin 2290', 'no, just cancel it'],
	['let me talk to a real person']
];
const CALLS = 2_000;
const s0 = performance.now();
const audit: AuditEvent[] = [];
for (let i = 0; i < CALLS; i++) {
	await simulateCall({
		flow: demoFlow,
		dataset: demoDataset,
		router,
		human: 'available',
		id: i,
		turns: scripts[i % scripts.length]!,
		audit
	});
}
const m = computeMetrics(audit);
const simSec = (performance.now() - s0) / 1000;

// 200 written two-turn calls: the opening, and the answer if triage asks something.
const twoTurnCalls = await readTwoTurnCalls(
	readFileSync(new URL('../examples/two-turn-calls.jsonl', import.meta.url), 'utf8').split('\n'),
	demoFlow
);
const { figures: tt } = await measureTwoTurn({
	flow: demoFlow,
	dataset: demoDataset,
	router,
	calls: twoTurnCalls
});
const pct = (n: number, of: number) => `${n}/${of} (${((100 * n) / of).toFixed(1)} %)`;

console.log('bench: conversation core (Node ' + process.version + ')');
console.log(
	`  router training (${router.classifier.labels.length} labels)      ${fmt(trainMs)} ms`
);
console.log(
	`  trigger → validated package   p50 ${fmt(percentile(build, 0.5))} ms   p95 ${fmt(percentile(build, 0.95))} ms   max ${fmt(build[build.length - 1]!)} ms   (n=${N}, budget p95 ≤ 20 ms)`
);
console.log(
	`  routing decision              p50 ${fmt(percentile(route, 0.5))} ms   p95 ${fmt(percentile(route, 0.95))} ms   (n=${route.length}, budget p95 ≤ 1 ms)`
);
console.log(
	`  simulated calls               ${(CALLS / simSec).toFixed(0)} calls/s   (${CALLS} calls of 1–5 turns in ${simSec.toFixed(2)} s)`
);
console.log(
	`  call metrics (simulated)      handoff rate ${m.handoffRate.toFixed(2)}   multi-transfer ${m.multiTransferRate.toFixed(2)}   to a person ${m.humanRate.toFixed(2)}   repeat rate ${m.repeatRate.toFixed(3)}   package ready p95 ${fmt(m.packageMs.p95)} ms`
);
console.log(
	`  two-turn calls (examples/)    right specialist within two turns ${pct(tt.right, tt.inScope)}   at once ${tt.rightAtOnce}   after one question ${tt.rightAfterQuestion}   asked one question ${tt.asked}   to a person without one ${tt.personWithoutQuestion}   wrong specialist ${tt.wrongSpecialist}   still with triage ${tt.stillWithTriage}   asked for a person and got one ${pct(tt.toPersonReached, tt.toPerson)}`
);
