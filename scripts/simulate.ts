// Headless simulator: npm run --silent simulate -- --calls CALLS.jsonl [--data DATASET.json] [--human available|unavailable] [--attempts FILE]
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { parseDataset } from '../src/lib/agents/dataset';
import { demoDataset, demoFlow } from '../src/lib/agents/demo';
import { simulate } from '../src/lib/agents/simulator';
import { AttemptLimiter } from '../src/lib/agents/verification';
import { FileAttemptStore } from './attempts-file';

function fail(message: string): never {
	process.stderr.write(`simulate: ${message}\n`);
	process.exit(2);
}

const { values } = (() => {
	try {
		return parseArgs({
			options: {
				calls: { type: 'string' },
				data: { type: 'string' },
				human: { type: 'string', default: 'available' },
				attempts: { type: 'string' }
			}
		});
	} catch (e) {
		fail(
			`${(e as Error).message}. Usage: simulate --calls CALLS.jsonl [--data DATASET.json] [--human available|unavailable]`
		);
	}
})();

if (!values.calls) fail('--calls CALLS.jsonl is required (one {"id", "turns": [...]} per line).');
if (values.human !== 'available' && values.human !== 'unavailable')
	fail('--human must be "available" or "unavailable".');

let dataset = demoDataset;
if (values.data) {
	try {
		dataset = parseDataset(JSON.parse(readFileSync(values.data, 'utf8')));
	} catch (e) {
		fail(`--data ${values.data}: ${(e as Error).message}`);
	}
}

if (!existsSync(values.calls)) fail(`cannot read --calls ${values.calls}: no such file.`);
const stream = createReadStream(values.calls, 'utf8');
stream.on('error', (e) => fail(`cannot read --calls ${values.calls}: ${e.message}`));

// Failed verification attempts: kept in --attempts FILE across runs (one device), else for this run.
let attempts: AttemptLimiter | undefined;
if (values.attempts) {
	try {
		attempts = await AttemptLimiter.open({ store: new FileAttemptStore(values.attempts) });
	} catch (e) {
		fail(`--attempts: ${(e as Error).message}`);
	}
}

let failed = false;
for await (const result of simulate({
	flow: demoFlow,
	dataset,
	lines: createInterface({ input: stream, crlfDelay: Infinity }),
	human: values.human,
	attempts
})) {
	if (result.id === null) failed = true;
	process.stdout.write(JSON.stringify(result) + '\n');
}
if (attempts) {
	try {
		await attempts.flush();
	} catch (e) {
		fail(`--attempts ${values.attempts}: ${(e as Error).message}`);
	}
}
process.exitCode = failed ? 1 : 0;
