// npm run bench:delivery: exactly-once delivery of context packages under faults, and a fuzz of what
// a peer can send. Prints figures; the goals are 0 packages lost, 0 taken in twice, 0 untyped
// exceptions, and the channel still up. Exits 1 when a goal is missed.
//
//   --handoffs N   handoffs through the faults (default 100)
//   --fuzz N       messages per fuzz target: parser, reassembler, link (default 100000)
//   --seed N       seed for the faults and the fuzz (default 1)
import 'fake-indexeddb/auto';
import { parseArgs } from 'node:util';
import { openBatonDB } from '../src/lib/storage/db';
import { runCall } from '../src/lib/testing/calls';
import { DeliveryLab, SCENARIOS, type HandoffResult } from '../src/lib/testing/delivery-lab';
import { seeded } from '../src/lib/testing/fault-port';
import {
	fuzzLink,
	fuzzParser,
	fuzzReassembler,
	type FuzzResult
} from '../src/lib/testing/fuzz-delivery';

const { values } = parseArgs({
	options: {
		handoffs: { type: 'string', default: '100' },
		fuzz: { type: 'string', default: '100000' },
		seed: { type: 'string', default: '1' }
	}
});
const count = (name: string, v: string | undefined) => {
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) {
		console.error(`--${name} takes a whole number, not "${v}".`);
		process.exit(2);
	}
	return n;
};
const handoffs = count('handoffs', values.handoffs);
const fuzzRuns = count('fuzz', values.fuzz);
const seed = count('seed', values.seed);

const session = await runCall(
	['what is my balance', 'AC-10021 pin 4821', 'let me talk to a person'],
	'external'
);
const pkg = session.packages.at(-1)!;

// Links log each rejected frame (its code only); the fuzz sends a hundred thousand on purpose.
const warn = console.warn;
console.warn = () => {};

// --- Handoffs through the faults: lanes of sequential handoffs, each lane one caller browser and
// one operator browser, every scenario in turn.
const t0 = performance.now();
const lanes = 10;
const results: HandoffResult[] = [];
const leftBehind: {
	left: number;
	afterExpiry: number;
	abandoned: number;
	counts: DeliveryLab['counts'];
}[] = [];
await Promise.all(
	Array.from({ length: lanes }, async (_, lane) => {
		const lab = await DeliveryLab.open(`bench-${seed}-${lane}`, {
			random: seeded(seed * 1000 + lane)
		});
		for (let i = lane; i < handoffs; i += lanes) {
			results.push(await lab.handoff(pkg, SCENARIOS[i % SCENARIOS.length]!));
		}
		const left = await lab.waiting();
		const afterExpiry = await lab.waiting(Date.now() + DeliveryLab.expiresAfterMs);
		leftBehind.push({ left, afterExpiry, abandoned: lab.abandoned, counts: lab.counts });
	})
);
const handoffMs = performance.now() - t0;

const owed = results.filter((r) => r.owed);
const lost = owed.filter((r) => !r.delivered).length;
const twice = results.filter((r) => r.takenIn > 1 || r.mostOnOneScreen > 1).length;
const otherCalls = results.reduce((n, r) => n + r.otherCalls, 0);
const rescreened = results.filter((r) => r.screens > 1 && r.owed).length;
const abandoned = leftBehind.reduce((n, l) => n + l.abandoned, 0);
const waitingAfter = leftBehind.reduce((n, l) => n + l.afterExpiry, 0);
const waitingBefore = leftBehind.reduce((n, l) => n + l.left, 0);
const faults = leftBehind.reduce(
	(t, l) => {
		for (const [k, v] of Object.entries(l.counts)) t[k] = (t[k] ?? 0) + v;
		return t;
	},
	{} as Record<string, number>
);
const errors: Record<string, number> = {};
for (const r of results)
	for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
const ms = owed.map((r) => r.ms).sort((a, b) => a - b);
const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0;

console.log(`Delivery under faults (seed ${seed})`);
console.log(
	`  handoffs: ${results.length} (${owed.length} owed a delivery; ${abandoned} abandoned by a caller who left mid-transfer), ${(handoffMs / 1000).toFixed(1)} s`
);
console.log(`  scenarios: ${SCENARIOS.join(', ')}`);
console.log(
	`  frames: ${faults.sent} sent, ${faults.dropped} dropped, ${faults.duplicated} duplicated, ${faults.reordered} reordered, ${faults.delayed} delayed, ${faults.acksLost} acks lost, ${faults.closed} channels closed mid-transfer`
);
console.log(`  packages lost: ${lost}   (goal 0)`);
console.log(`  packages taken in twice: ${twice}   (goal 0)`);
console.log(`  packages that reached another call's operator: ${otherCalls}   (goal 0)`);
console.log(
	`  abandoned packages still waiting: ${waitingBefore}, after their 10 min expiry: ${waitingAfter}   (goal 0)`
);
console.log(`  shown again on a console rebuilt by a reload: ${rescreened} (one take-in each)`);
console.log(
	`  time to deliver: median ${pct(0.5).toFixed(0)} ms, p95 ${pct(0.95).toFixed(0)} ms, max ${pct(1).toFixed(0)} ms`
);
console.log(
	`  typed errors the links reported: ${
		Object.entries(errors)
			.map(([k, v]) => `${k} ${v}`)
			.join(', ') || 'none'
	}`
);

// --- Fuzz.
const fuzz: FuzzResult[] = [];
const f0 = performance.now();
const took: number[] = [];
const timedRun = async (run: () => FuzzResult | Promise<FuzzResult>) => {
	const t = performance.now();
	fuzz.push(await run());
	took.push(performance.now() - t);
};
if (fuzzRuns > 0) {
	await timedRun(() => fuzzParser(pkg, fuzzRuns, seed));
	await timedRun(() => fuzzReassembler(fuzzRuns, seed));
	const dbs = {
		sender: await openBatonDB(`bench-fuzz-${seed}-sender`),
		receiver: await openBatonDB(`bench-fuzz-${seed}-receiver`)
	};
	await timedRun(() => fuzzLink(pkg, fuzzRuns, seed, dbs));
}
const fuzzMs = performance.now() - f0;
console.warn = warn;

console.log(`Fuzz (fast-check, seed ${seed}), ${(fuzzMs / 1000).toFixed(1)} s`);
for (const [i, f] of fuzz.entries()) {
	const codes = Object.entries(f.codes)
		.sort((a, b) => b[1] - a[1])
		.map(([k, v]) => `${k} ${v}`)
		.join(', ');
	const extra =
		f.target === 'link'
			? `, channel still up: ${f.stillUp ? 'yes' : 'NO'}`
			: f.target === 'reassembler'
				? `, real messages reassembled ${f.reassembled}, corrupted ${f.corrupted} (goal 0)`
				: '';
	console.log(
		`  ${f.target}: ${f.messages.toLocaleString('en')} messages in ${((took[i] ?? 0) / 1000).toFixed(1)} s, untyped exceptions ${f.untyped} (goal 0)${extra}`
	);
	console.log(`    typed rejections: ${codes || 'none'}`);
	if (f.example) console.log(`    first untyped: ${f.example}`);
}
const total = fuzz.reduce((n, f) => n + f.messages, 0);
console.log(`  total: ${total.toLocaleString('en')} messages`);

const failed =
	lost > 0 ||
	twice > 0 ||
	otherCalls > 0 ||
	waitingAfter > 0 ||
	fuzz.some((f) => f.untyped > 0 || f.corrupted || f.stillUp === false);
if (failed) {
	console.log('A goal was missed.');
	process.exit(1);
}
