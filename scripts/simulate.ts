// Headless simulator: npm run --silent simulate -- --calls CALLS.jsonl [--flow FLOW.json] [--data DATA.json] [--human available|unavailable] [--attempts FILE] [--now 2026-11-24T12:00:00Z]
import { parseArgs } from 'node:util';
import { parseDataset } from '../src/lib/agents/dataset';
import { demoDataset, demoFlow } from '../src/lib/agents/demo';
import { FlowFileError, loadFlow } from '../src/lib/agents/flows/load';
import { fromDesignDataset, isDesignDataset } from './design-dataset';
import { simulate } from '../src/lib/agents/cli/simulator';
import { AttemptLimiter } from '../src/lib/agents/tools/verification';
import { FileAttemptStore } from './attempts-file';
import { checkFile, InputError, MAX_JSONL_BYTES, readJson, readLines } from './cli-input';

function fail(message: string): never {
	process.stderr.write(`simulate: ${message}\n`);
	process.exit(2);
}

const { values } = (() => {
	try {
		return parseArgs({
			options: {
				calls: { type: 'string' },
				flow: { type: 'string' },
				data: { type: 'string' },
				human: { type: 'string', default: 'available' },
				attempts: { type: 'string' },
				now: { type: 'string' }
			}
		});
	} catch (e) {
		fail(
			`${(e as Error).message}. Usage: simulate --calls CALLS.jsonl [--flow FLOW.json] [--data DATA.json] [--human available|unavailable]`
		);
	}
})();

// A fixed clock makes "today" and "tonight" in the agents' words the same on every run.
const fixedNow = values.now === undefined ? undefined : new Date(values.now);
if (fixedNow && Number.isNaN(fixedNow.getTime()))
	fail(`--now "${values.now}" is not a date and time (write it like 2026-11-24T12:00:00Z).`);

if (!values.calls) fail('--calls CALLS.jsonl is required (one {"id", "turns": [...]} per line).');
if (values.human !== 'available' && values.human !== 'unavailable')
	fail('--human must be "available" or "unavailable".');

let flow = demoFlow;
let dataset = demoDataset;
if (values.flow) {
	try {
		({ flow, data: dataset } = loadFlow(readJson(values.flow)));
	} catch (e) {
		if (e instanceof FlowFileError)
			fail(
				`--flow ${values.flow} has ${e.issues.length} error(s); run flow:check on it:\n` +
					e.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')
			);
		fail(
			e instanceof InputError
				? `--flow: ${e.message}`
				: `--flow ${values.flow}: ${(e as Error).message}`
		);
	}
}
if (values.data) {
	try {
		const input = readJson(values.data);
		// The demo company's §6 document stays accepted for the demo flow.
		if (!values.flow && isDesignDataset(input))
			({ flow, data: dataset } = fromDesignDataset(input, demoFlow, demoDataset));
		else dataset = parseDataset(input, flow);
	} catch (e) {
		fail(
			e instanceof InputError
				? `--data: ${e.message}`
				: `--data ${values.data}: ${(e as Error).message}`
		);
	}
}

const calls = values.calls;
try {
	checkFile(calls, MAX_JSONL_BYTES);
} catch (e) {
	fail(`--calls: ${(e as Error).message}`);
}

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
try {
	for await (const result of simulate({
		flow,
		dataset,
		lines: readLines(calls),
		human: values.human,
		attempts,
		...(fixedNow ? { now: () => new Date(fixedNow) } : {})
	})) {
		if (result.id === null) failed = true;
		process.stdout.write(JSON.stringify(result) + '\n');
	}
} catch (e) {
	// Calls already printed stand; what stopped the run is said in one line.
	fail(e instanceof InputError ? e.message : `stopped by an unexpected error: ${firstLine(e)}`);
}
if (attempts) {
	try {
		await attempts.flush();
	} catch (e) {
		fail(`--attempts ${values.attempts}: ${(e as Error).message}`);
	}
}
process.exitCode = failed ? 1 : 0;

function firstLine(e: unknown): string {
	return String((e as Error)?.message ?? e).split('\n')[0]!;
}
