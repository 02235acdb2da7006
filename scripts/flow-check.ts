// Checks a flow file (and, optionally, a separate data file) the way the app loads it, and lists
// every error with its JSON path and a fix: npm run --silent flow:check -- FLOW.json [--data DATA.json]
// Exit 0: the flow is valid. Exit 1: it has errors (one per line on stdout). Exit 2: bad usage or
// a file that cannot be read as JSON.
import { parseArgs } from 'node:util';
import { flowIssues, loadFlow } from '../src/lib/agents/flows/load';
import { readJson } from './cli-input';

const usage = 'Usage: flow:check -- FLOW.json [--data DATA.json]';

function fail(message: string): never {
	process.stderr.write(`flow:check: ${message}\n`);
	process.exit(2);
}

let parsed: { values: { data?: string }; positionals: string[] };
try {
	parsed = parseArgs({ options: { data: { type: 'string' } }, allowPositionals: true });
} catch (e) {
	fail(`${(e as Error).message}. ${usage}`);
}
const [file, ...extra] = parsed.positionals;
if (!file || extra.length > 0) fail(`give exactly one flow file. ${usage}`);

const read = (path: string, what: string): unknown => {
	try {
		return readJson(path);
	} catch (e) {
		fail(`${what} ${path}: ${(e as Error).message}`);
	}
};
const flow = read(file, 'flow');
const data = parsed.values.data ? read(parsed.values.data, '--data') : undefined;

const issues = flowIssues(flow, data);
if (issues.length > 0) {
	for (const i of issues) process.stdout.write(`${i.path}: ${i.message}. Fix: ${i.fix}\n`);
	process.stderr.write(
		`flow:check: ${file} has ${issues.length} error${issues.length === 1 ? '' : 's'}; nothing in it starts until they are fixed.\n`
	);
	process.exit(1);
}
const { flow: f, data: rows } = loadFlow(flow, data);
const intents = f.personas.reduce((n, p) => n + p.intents.length, 0);
const rowCount = Object.values(rows).reduce((n, r) => n + r.length, 0);
process.stdout.write(
	`${file}: valid. ${f.company.name}: ${f.personas.length} personas, ${intents} intents, ${f.slots.length} slots, ${f.tools.length} tools, ${f.tables.length} tables with ${rowCount} rows.\n`
);
