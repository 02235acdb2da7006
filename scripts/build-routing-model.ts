// Trains the deployment's routing models at build time into static/models/routing/KEY.json: one for
// the default flow and one for each flow file in flows/ (served under /flows/ for ?flow=). A
// visitor's first call then neither trains nor waits: the page fetches the file for its flow's key
// (the demo flow's is 77 KB, 25 KB over the wire with brotli), keeps it in IndexedDB, and trains in
// a worker only for a flow the build did not see. Run by set-up and `npm run build`; trains only
// what is missing, and removes the files of keys no flow has any more.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoFlow } from '../src/lib/agents/demo';
import type { Flow } from '../src/lib/agents/flow';
import { loadFlow } from '../src/lib/agents/flows/load';
import { TextClassifier } from '../src/lib/agents/routing/classifier';
import {
	routingModelKey,
	trainingExamples,
	type StoredRoutingModel
} from '../src/lib/agents/routing/routing-model';

const OUT = join('static', 'models', 'routing');
const FLOWS = 'flows';

const flows: [string, Flow][] = [['the default flow', demoFlow]];
if (existsSync(FLOWS)) {
	for (const name of readdirSync(FLOWS)
		.filter((f) => f.endsWith('.json'))
		.sort()) {
		const json = JSON.parse(readFileSync(join(FLOWS, name), 'utf8')) as unknown;
		// The JSON Schema sits beside the flows; anything that is not a flow is not routed.
		if (!json || typeof json !== 'object' || !('personas' in json)) continue;
		try {
			flows.push([`${FLOWS}/${name}`, loadFlow(json).flow]);
		} catch (e) {
			console.warn(
				`routing model: ${FLOWS}/${name} skipped, it does not load: ${(e as Error).message}`
			);
		}
	}
}

mkdirSync(OUT, { recursive: true });
const keys = new Set<string>();
for (const [name, flow] of flows) {
	const key = routingModelKey(flow);
	keys.add(key);
	const file = join(OUT, `${key}.json`);
	if (existsSync(file)) {
		console.log(`routing model for ${name}: ${file} (unchanged)`);
		continue;
	}
	const t0 = performance.now();
	const model = TextClassifier.train(trainingExamples(flow)).serialize();
	const stored: StoredRoutingModel = { key, model };
	writeFileSync(file, JSON.stringify(stored));
	console.log(
		`routing model for ${name}: ${file} (trained in ${(performance.now() - t0).toFixed(0)} ms)`
	);
}
for (const f of readdirSync(OUT)) if (!keys.has(f.replace(/\.json$/, ''))) rmSync(join(OUT, f));
