// Routing CLI: npm run --silent route -- (--personas PERSONAS.json | --flow FLOW.json) --input INPUT.jsonl [--threshold T]
import { parseArgs } from 'node:util';
import {
	describeThreshold,
	parsePersonasFile,
	routeLines,
	trainFromPersonas
} from '../src/lib/agents/cli/routing-cli';
import { checkFile, InputError, MAX_JSONL_BYTES, readJson, readLines } from './cli-input';
import { FlowFileError, loadFlow } from '../src/lib/agents/flows/load';

function fail(message: string): never {
	process.stderr.write(`route: ${message}\n`);
	process.exit(2);
}

const usage =
	'Usage: route (--personas PERSONAS.json | --flow FLOW.json) --input INPUT.jsonl [--threshold 0..1]';
let values: { personas?: string; flow?: string; input?: string; threshold?: string };
try {
	({ values } = parseArgs({
		options: {
			personas: { type: 'string' },
			flow: { type: 'string' },
			input: { type: 'string' },
			threshold: { type: 'string' }
		}
	}));
} catch (e) {
	fail(`${(e as Error).message}. ${usage}`);
}
if (!values.input || !values.personas === !values.flow)
	fail(`--input and one of --personas or --flow are required. ${usage}`);
const inputPath = values.input;
try {
	checkFile(inputPath, MAX_JSONL_BYTES);
} catch (e) {
	fail(`--input: ${(e as Error).message}`);
}

let file;
try {
	if (values.flow) {
		// A flow file's personas and their examples (intents' included), and its out-of-scope lines.
		const { flow } = loadFlow(readJson(values.flow));
		file = parsePersonasFile({
			personas: flow.personas
				.filter((p) => p.examples.length > 0)
				.map((p) => ({ id: p.id, examples: p.examples })),
			outOfScope: flow.outOfScope
		});
	} else file = parsePersonasFile(readJson(values.personas!));
} catch (e) {
	if (e instanceof FlowFileError)
		fail(
			`--flow ${values.flow} has ${e.issues.length} error(s); run flow:check on it:\n` +
				e.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')
		);
	const option = values.flow ? '--flow' : '--personas';
	fail(
		e instanceof InputError
			? `${option}: ${e.message}`
			: `${option} ${values.flow ?? values.personas}: ${(e as Error).message}`
	);
}
const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
	fail('--threshold must be a number from 0 to 1.');

const classifier = trainFromPersonas(file, threshold === undefined ? {} : { threshold });
process.stderr.write(`route: ${describeThreshold(classifier, threshold !== undefined)}\n`);
let failed = false;
try {
	for await (const row of routeLines(classifier, readLines(inputPath))) {
		if (row.text === null) failed = true;
		process.stdout.write(JSON.stringify(row) + '\n');
	}
} catch (e) {
	// Lines already printed stand; what stopped the run is said in one line.
	fail(
		e instanceof InputError
			? e.message
			: `stopped by an unexpected error: ${String((e as Error)?.message ?? e).split('\n')[0]}`
	);
}
process.exitCode = failed ? 1 : 0;
