import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../agents/demo';
import { demoRouter } from './calls';
import {
	checkCall,
	describeFindings,
	DIALOGUE_TAGS,
	parseDialogueCalls,
	runDialogueCall
} from './dialogue-checks';

// The conversation test set (examples/dialogue-calls.jsonl): every scripted call is its own test,
// run through the simulator's code on the demo flow and judged by the generic checks and its own
// (see dialogue-checks.ts). A failure names the call, each check that failed and the transcript
// around it. `npm run bench:dialogue` prints the same results as figures.

const FILE = resolve(__dirname, '../../../examples/dialogue-calls.jsonl');
const calls = await parseDialogueCalls(readFileSync(FILE, 'utf8'));
const env = { flow: demoFlow, dataset: demoDataset, router: demoRouter() };

describe('the conversation test set', () => {
	it('has at least 70 calls, and every situation it covers is in two calls or more', () => {
		expect(calls.length).toBeGreaterThanOrEqual(70);
		const thin = DIALOGUE_TAGS.filter((t) => calls.filter((c) => c.tags.includes(t)).length < 2);
		expect(thin, 'situations covered by fewer than two calls').toEqual([]);
		expect(calls.filter((c) => c.expect.length === 0).map((c) => c.id)).toEqual([]);
	});

	it.each(calls)('$id', async (call) => {
		const run = await runDialogueCall(call, env);
		const findings = checkCall(run, call, demoFlow, demoDataset);
		if (findings.length)
			throw new Error(
				`${call.id}: ${findings.length} check(s) failed (${call.about})\n\n${describeFindings(run, findings)}`
			);
	});
});
