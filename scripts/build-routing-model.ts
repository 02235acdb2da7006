// Trains the deployed flow's routing model at build time into static/models/routing/KEY.json, so a
// visitor's first call neither trains nor waits: the page fetches this file (about 25 KB over the
// wire, brotli) when its flow's key matches, keeps it in IndexedDB, and trains in a worker only
// for a flow the build did not see. Run by `npm run build`; skips training when the file for the
// current key is there, and removes the files of older keys.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoFlow } from '../src/lib/agents/demo';
import { TextClassifier } from '../src/lib/agents/routing/classifier';
import {
	routingModelKey,
	trainingExamples,
	type StoredRoutingModel
} from '../src/lib/agents/routing/routing-model';

const OUT = join('static', 'models', 'routing');
const flow = demoFlow;
const key = routingModelKey(flow);
const file = join(OUT, `${key}.json`);
mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f !== `${key}.json`) rmSync(join(OUT, f));
if (existsSync(file)) {
	console.log(`routing model for flow ${flow.id}: ${file} (unchanged)`);
} else {
	const t0 = performance.now();
	const model = TextClassifier.train(trainingExamples(flow)).serialize();
	const stored: StoredRoutingModel = { key, model };
	writeFileSync(file, JSON.stringify(stored));
	console.log(
		`routing model for flow ${flow.id}: ${file} (trained in ${(performance.now() - t0).toFixed(0)} ms)`
	);
}
