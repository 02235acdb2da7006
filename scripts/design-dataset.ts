import * as v from 'valibot';
import { ValidationError } from '../src/lib/errors';
import type { Flow } from '../src/lib/agents/flow';
import type { TableData } from '../src/lib/agents/flows/tables';
import { describeIssues } from '../src/lib/agents/schema-issues';

// The demo company's older data format (DESIGN §6: one document with the company, plans, accounts
// with their charges, and outages), still accepted by `simulate --data` and `route --data` with the
// demo flow. It becomes the tables the demo flow declares; what §6 has no place for (offers,
// troubleshooting steps) comes from the flow's own rows.

const money = v.pipe(v.number(), v.finite());
const date = v.pipe(v.string(), v.minLength(1));

const DesignDatasetSchema = v.object({
	company: v.object({ name: v.pipe(v.string(), v.minLength(1)), supportHours: v.string() }),
	plans: v.array(
		v.object({
			id: v.pipe(v.string(), v.minLength(1)),
			name: v.pipe(v.string(), v.minLength(1)),
			monthly: money,
			dataGb: v.nullable(v.number()),
			features: v.array(v.string())
		})
	),
	accounts: v.array(
		v.object({
			id: v.pipe(v.string(), v.minLength(1)),
			name: v.string(),
			phone: v.string(),
			zip: v.string(),
			pin: v.string(),
			planId: v.string(),
			balance: money,
			dueDate: date,
			status: v.picklist(['active', 'suspended', 'closed']),
			devices: v.array(v.string()),
			charges: v.array(v.object({ id: v.string(), date, amount: money, description: v.string() }))
		})
	),
	outages: v.array(
		v.object({ zip: v.string(), since: v.string(), eta: v.string(), description: v.string() })
	)
});

/** Whether a data file is in the §6 form (a company and accounts that carry their charges). */
export function isDesignDataset(input: unknown): boolean {
	if (typeof input !== 'object' || input === null) return false;
	const x = input as Record<string, unknown>;
	return 'company' in x || (Array.isArray(x.accounts) && x.accounts.some((a) => a?.charges));
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The §6 document as the demo flow's tables, with its company name. */
export function fromDesignDataset(
	input: unknown,
	flow: Flow,
	flowData: TableData
): { flow: Flow; data: TableData } {
	const r = v.safeParse(DesignDatasetSchema, input);
	if (!r.success) throw new ValidationError({ what: 'dataset', issues: describeIssues(r.issues) });
	const d = r.output;
	const offers: TableData[string] = [];
	for (const plan of d.plans) {
		let n = 0;
		const add = (text: string) => offers.push({ id: `${plan.id}-${++n}`, planId: plan.id, text });
		if (plan.monthly >= 45)
			add(`20% off ${plan.name} for 12 months (${usd(plan.monthly * 0.8)} a month)`);
		const cheaper = d.plans
			.filter((p) => p.monthly < plan.monthly)
			.sort((x, y) => y.monthly - x.monthly)[0];
		if (cheaper) add(`a move to ${cheaper.name} at ${usd(cheaper.monthly)} a month`);
		add('a free month of service');
	}
	const data: TableData = {
		...flowData,
		plans: d.plans.map((p) => ({
			...p,
			allowance: p.dataGb === null ? 'unlimited data' : `${p.dataGb} GB of data`
		})),
		accounts: d.accounts.map(({ charges: _, ...a }) => a),
		charges: d.accounts.flatMap((a) => a.charges.map((c) => ({ ...c, accountId: a.id }))),
		outages: d.outages.map((o, i) => ({ id: `OUT-${i + 1}`, ...o })),
		offers,
		disputes: [],
		tickets: []
	};
	return {
		flow: { ...flow, company: { name: d.company.name, hours: d.company.supportHours } },
		data
	};
}
