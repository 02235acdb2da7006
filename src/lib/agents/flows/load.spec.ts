import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowFileError, flowIssues, loadFlow } from './load';

const demo = () => JSON.parse(readFileSync('flows/northwind-mobile.json', 'utf8'));

describe('loading a flow file', () => {
	it('builds the demo flow with its rows, and finds nothing wrong with it', () => {
		expect(flowIssues(demo())).toEqual([]);
		const { flow, data } = loadFlow(demo());
		expect(flow.company.name).toBe('Northwind Mobile');
		expect(flow.personas.map((p) => p.id)).toContain('billing');
		expect(data.accounts?.length).toBeGreaterThan(0);
	});

	it('lists every error with its path and a fix, and starts nothing', () => {
		const f = demo();
		f.personas[2].greeting = 5; // a wrong type
		f.personas[1].handoffTo.push('suport'); // an unknown persona
		f.tools.find((t: { id: string }) => t.id === 'billing.balance').table = 'acounts'; // a missing table
		f.tools.find((t: { id: string }) => t.id === 'billing.listCharges').item = '{row.amout|money}'; // a missing field
		f.data.accounts[0].balance = 'a lot'; // a row of the wrong type
		const issues = flowIssues(f);
		const at = (path: string) => issues.find((i) => i.path === path);
		expect(at('personas[2].greeting')?.message).toMatch(/string/);
		expect(at('personas[1].handoffTo[4]')).toMatchObject({
			message: expect.stringContaining('"suport"'),
			fix: 'Did you mean "support"?'
		});
		const toolAt = f.tools.findIndex((t: { id: string }) => t.id === 'billing.balance');
		expect(at(`tools[${toolAt}].table`)?.fix).toBe('Did you mean "accounts"?');
		const listAt = f.tools.findIndex((t: { id: string }) => t.id === 'billing.listCharges');
		expect(at(`tools[${listAt}].item`)?.message).toMatch(/no field "amout"/);
		expect(at('data.accounts[0].balance')?.message).toBe('expected a number');
		expect(issues).toHaveLength(5);
		expect(() => loadFlow(f)).toThrow(FlowFileError);
		try {
			loadFlow(f);
		} catch (e) {
			expect((e as FlowFileError).issues).toEqual(issues);
		}
	});

	it('checks steps: tools the persona may use, slots, intents, templates, and confirm before a change', () => {
		const f = demo();
		const billing = f.personas.find((p: { id: string }) => p.id === 'billing');
		const steps = billing.intents[0].steps;
		steps.push({ run: 'sales.changePlan', args: { planId: 'basic' } });
		steps.push({ need: 'shoe_size', ask: 'What size?' });
		steps.push({ goto: 'billing.nowhere' });
		steps.push({ say: 'Hi {nobody.here}' });
		steps.push({ say: 'x', when: { path: 'memory.x', eq: 1 } });
		const paths = flowIssues(f).map((i) => `${i.path}: ${i.message}`);
		const n = steps.length;
		expect(paths).toEqual(
			expect.arrayContaining([
				expect.stringMatching(
					new RegExp(`steps\\[${n - 5}\\]\\.run: persona "billing" may not use`)
				),
				expect.stringMatching(new RegExp(`steps\\[${n - 4}\\]\\.need: unknown slot "shoe_size"`)),
				expect.stringMatching(new RegExp(`steps\\[${n - 3}\\]\\.goto: unknown intent`)),
				expect.stringMatching(
					new RegExp(`steps\\[${n - 2}\\]\\.say: template names "\\{nobody.here\\}"`)
				),
				expect.stringMatching(new RegExp(`steps\\[${n - 1}\\]\\.when\\.eq: unknown key "eq"`))
			])
		);
	});

	it("checks a persona's answers and a step's second wording like any template", () => {
		const f = demo();
		const billing = f.personas.find((p: { id: string }) => p.id === 'billing');
		billing.answers.push({ id: 'x', said: '(unclosed', say: 'Hi' });
		billing.answers.push({ id: 'y', said: 'when', say: 'Due {nobody.here}' });
		billing.intents[0].steps.push({ ask: 'Which?', as: 'pick', again: 'Which {nowhere.at}?' });
		const paths = flowIssues(f).map((i) => `${i.path}: ${i.message}`);
		expect(paths).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/answers\[\d+\]\.said/),
				expect.stringMatching(/answers\[\d+\]\.say: template names "\{nobody.here\}"/),
				expect.stringMatching(/steps\[\d+\]\.again: template names "\{nowhere.at\}"/)
			])
		);
	});

	it('refuses a change that is not asked for first', () => {
		const f = demo();
		const sales = f.personas.find((p: { id: string }) => p.id === 'sales');
		const upgrade = sales.intents.find((i: { id: string }) => i.id === 'sales.upgrade');
		upgrade.steps = upgrade.steps.filter((s: object) => !('confirm' in s));
		expect(flowIssues(f).map((i) => i.message)).toContainEqual(
			expect.stringMatching(/changes something without a "confirm" step before it/)
		);
	});

	it('needs one triage persona, unique ids, and data only for declared tables', () => {
		const f = demo();
		f.personas[0].kind = 'specialist';
		f.personas[0].intents = [{ id: 'billing.balance', label: 'x', examples: ['y'] }];
		f.data.spaceships = [{ id: 1 }];
		const messages = flowIssues(f).map((i) => `${i.path}: ${i.message}`);
		expect(messages).toContainEqual('personas: 0 triage personas');
		expect(messages).toContainEqual(
			expect.stringMatching(/intent "billing.balance" is declared twice/)
		);
		expect(messages).toContainEqual('data.spaceships: rows for a table the flow does not declare');
	});

	it('answers a file that is not a flow at all with errors, not a crash', () => {
		for (const input of [null, 3, 'flow', [], {}, { personas: 'x', tools: 7 }]) {
			const issues = flowIssues(input);
			expect(issues.length).toBeGreaterThan(0);
			for (const i of issues) expect(i.fix.length).toBeGreaterThan(0);
		}
	});

	it('lets the "known" phrase name only what verification proved, and says dates in a known zone', () => {
		// Regression: a phrase reading a slot said "you're on Unlimited Plus" to a caller who had
		// only asked to move to it.
		const f = demo();
		f.phrases.known = "you're on the {plan.name} plan";
		f.company.timeZone = 'Mars/Olympus';
		const issues = flowIssues(f);
		expect(issues.find((i) => i.path === 'phrases.known')?.message).toMatch(/"plan"/);
		expect(issues.find((i) => i.path === 'company.timeZone')?.message).toMatch(/time zone/);
		const ok = demo();
		ok.company.timeZone = 'America/Chicago';
		expect(loadFlow(ok).flow.company.timeZone).toBe('America/Chicago');
	});

	it('rejects a filter it does not know, naming the ones it does', () => {
		const f = demo();
		f.tools.find((t: { id: string }) => t.id === 'billing.balance').result = '{row.dueDate|spoken}';
		const [issue] = flowIssues(f);
		expect(issue?.message).toMatch(/unknown filter "spoken".*date, time, nth, ordinal/);
	});
});
