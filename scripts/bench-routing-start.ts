// npm run bench:routing-start: how long a visitor's first call waits for routing, in Chromium.
// The page starts getting its routing model as it loads (IndexedDB, else the model the build made
// for the deployed flow, else training in a worker); the caller's first turn is routed a moment
// later. Printed per visit: where the model came from, when it was ready, how long the first turn
// waited, and the longest main-thread task meanwhile; and, for comparison, what training in the
// page at the first turn costs. Each visit is a fresh browser profile unless it is a return.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync } from 'node:zlib';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { demoFlow } from '../src/lib/agents/demo';
import type { Flow } from '../src/lib/agents/flow';
import { TextClassifier } from '../src/lib/agents/routing/classifier';
import { routingModelKey, trainingExamples } from '../src/lib/agents/routing/routing-model';
import { percentile } from '../src/lib/agents/metrics';
import type { StartResult } from './routing-start-entry';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = async (entry: string, format: 'esm') =>
	(
		await build({
			entryPoints: [join(root, entry)],
			bundle: true,
			format,
			write: false,
			target: 'es2022',
			minify: true
		})
	).outputFiles[0]!.text;
const [pageJs, workerJs] = await Promise.all([
	bundle('scripts/routing-start-entry.ts', 'esm'),
	bundle('src/lib/workers/routing.worker.ts', 'esm')
]);

// The deployed flow has a prebuilt model, as `npm run build` makes it; a flow loaded at run time
// (here the demo flow with one more example) has none.
const key = routingModelKey(demoFlow);
const prebuilt = JSON.stringify({
	key,
	model: TextClassifier.train(trainingExamples(demoFlow)).serialize()
});
const prebuiltBr = brotliCompressSync(prebuilt);
const runtimeFlow: Flow = structuredClone(demoFlow);
runtimeFlow.outOfScope.push('what is the tallest mountain in the world');

const html = `<!doctype html><title>routing start</title><script type="module" src="/entry.js"></script>`;
const server = createServer((req, res) => {
	const url = req.url ?? '/';
	if (url === '/') {
		res.writeHead(200, { 'content-type': 'text/html' }).end(html);
	} else if (url === '/entry.js') {
		res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageJs);
	} else if (url === '/routing.worker.js') {
		res.writeHead(200, { 'content-type': 'text/javascript' }).end(workerJs);
	} else if (url === `/models/routing/${key}.json`) {
		res
			.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' })
			.end(prebuiltBr);
	} else {
		res.writeHead(404).end();
	}
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const FIRST_TURN = "there's a charge on my bill I don't recognise";
const ROUNDS = 5;
// The model starts loading once the greeting is shown (a typed call) or sounding (a voice call); a
// caller who types their first turn one second later is quick, one who speaks after a spoken
// greeting takes several.
const TURN_AT = 1000;

async function visit(
	browser: Browser,
	flow: Flow,
	turnAt: number,
	returning: boolean
): Promise<StartResult> {
	const context = await browser.newContext();
	try {
		const page = await context.newPage();
		await page.goto(origin);
		await page.waitForFunction(() => 'batonRoutingStart' in window);
		if (returning)
			await page.evaluate((i) => window.batonRoutingStart(i), { flow, turnAt: 0, text: 'hello' });
		if (returning) {
			await page.reload();
			await page.waitForFunction(() => 'batonRoutingStart' in window);
		}
		return await page.evaluate((i) => window.batonRoutingStart(i), {
			flow,
			turnAt,
			text: FIRST_TURN
		});
	} finally {
		await context.close();
	}
}

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const rows: [string, StartResult[]][] = [];
let inPage: number[] = [];
try {
	const scenarios: [string, Flow, boolean][] = [
		['first visit, deployed flow (prebuilt model)', demoFlow, false],
		['returning visit or kiosk (IndexedDB)', demoFlow, true],
		['first visit, a flow loaded at run time (worker)', runtimeFlow, false],
		['returning visit, that flow (IndexedDB)', runtimeFlow, true]
	];
	for (const [name, flow, returning] of scenarios) {
		const runs: StartResult[] = [];
		for (let i = 0; i < ROUNDS; i++) runs.push(await visit(browser, flow, TURN_AT, returning));
		rows.push([name, runs]);
	}
	// Training in the page at the first turn, as a fresh page does it (cold).
	for (let i = 0; i < ROUNDS; i++) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(origin);
		await page.waitForFunction(() => 'batonRoutingStart' in window);
		inPage.push(
			await page.evaluate((i) => window.batonTrainHere(i), { flow: demoFlow, text: FIRST_TURN })
		);
		await context.close();
	}
} finally {
	await browser.close();
	server.close();
}

const med = (xs: number[]) =>
	percentile(
		[...xs].sort((a, b) => a - b),
		0.5
	);
const max = (xs: number[]) => Math.max(...xs);
const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(
	`bench:routing-start: the first call's wait for routing in Chromium (demo flow, ${trainingExamples(demoFlow).length} examples; first turn ${TURN_AT} ms after the model starts loading; median of ${ROUNDS} visits, max in brackets)`
);
console.log(
	`  prebuilt model             ${(prebuilt.length / 1e6).toFixed(2)} MB, ${(prebuiltBr.length / 1e3).toFixed(0)} KB brotli`
);
for (const [name, runs] of rows) {
	const sources = [...new Set(runs.map((r) => r.source))].join('/');
	const inTime = runs.filter((r) => r.source !== 'main-thread').length;
	console.log(
		`  ${name.padEnd(50)} from ${sources.padEnd(20)} ready ${ms(med(runs.map((r) => r.readyMs)))} (${ms(max(runs.map((r) => r.readyMs)))}), before the turn in ${inTime}/${runs.length}   first turn waits ${ms(med(runs.map((r) => r.waitMs)))} (${ms(max(runs.map((r) => r.waitMs)))})   longest main-thread task ${ms(med(runs.map((r) => r.longestTaskMs)))}`
	);
}
inPage = inPage.sort((a, b) => a - b);
console.log(
	`  for comparison: training in a fresh page at the first turn makes it wait ${ms(med(inPage))} (${ms(max(inPage))})`
);
