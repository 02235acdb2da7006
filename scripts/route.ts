// Routing CLI: npm run --silent route -- --personas PERSONAS.json --input INPUT.jsonl [--threshold T]
import { parseArgs } from 'node:util';
import {
	describeThreshold,
	parsePersonasFile,
	routeLines,
	trainFromPersonas
} from '../src/lib/agents/cli/routing-cli';
import { checkFile, InputError, MAX_JSONL_BYTES, readJson, readLines } from './cli-input';

function fail(message: string): never {
	process.stderr.write(`route: ${message}\n`);
	process.exit(2);
}

const usage = 'Usage: route --personas PERSONAS.json --input INPUT.jsonl [--threshold 0..1]';
let values: { personas?: string; input?: string; threshold?: string };
try {
	({ values } = parseArgs({
		options: {
			personas: { type: 'string' },
			input: { type: 'string' },
			threshold: { type: 'string' }
		}
	}));
} catch (e) {
	fail(`${(e as Error).message}. ${usage}`);
}
if (!values.personas || !values.input) fail(`--personas and --input are required. ${usage}`);
const inputPath = values.input;
try {
	checkFile(inputPath, MAX_JSONL_BYTES);
} catch (e) {
	fail(`--input: ${(e as Error).message}`);
}

let file;
try {
	file = parsePersonasFile(readJson(values.personas));
} catch (e) {
	fail(
		e instanceof InputError
			? `--personas: ${e.message}`
			: `--personas ${values.personas}: ${(e as Error).message}`
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
