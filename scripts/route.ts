// Routing CLI: npm run --silent route -- --personas PERSONAS.json --input INPUT.jsonl [--threshold T]
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
	describeThreshold,
	parsePersonasFile,
	routeLines,
	trainFromPersonas
} from '../src/lib/agents/routing-cli';

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
if (!existsSync(values.personas)) fail(`cannot read --personas ${values.personas}: no such file.`);
if (!existsSync(values.input)) fail(`cannot read --input ${values.input}: no such file.`);

let file;
try {
	file = parsePersonasFile(JSON.parse(readFileSync(values.personas, 'utf8')));
} catch (e) {
	fail(`--personas ${values.personas}: ${(e as Error).message}`);
}
const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
	fail('--threshold must be a number from 0 to 1.');

const classifier = trainFromPersonas(file, threshold === undefined ? {} : { threshold });
process.stderr.write(`route: ${describeThreshold(classifier, threshold !== undefined)}\n`);
const input = createReadStream(values.input, 'utf8');
input.on('error', (e) => fail(`cannot read --input ${values.input}: ${e.message}`));

let failed = false;
for await (const row of routeLines(classifier, createInterface({ input, crlfDelay: Infinity }))) {
	if (row.text === null) failed = true;
	process.stdout.write(JSON.stringify(row) + '\n');
}
process.exitCode = failed ? 1 : 0;
