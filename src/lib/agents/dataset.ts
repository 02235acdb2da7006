import * as v from 'valibot';
import { ValidationError } from '../errors';
import { describeIssues } from './schema-issues';

// The demo dataset (DESIGN §6): one JSON document, bundled with the app or handed to the simulator
// with --data. It comes from outside the code, so it is validated before any tool touches it.

const isoDate = v.pipe(v.string(), v.minLength(1));
const money = v.pipe(v.number(), v.finite());

export const DatasetSchema = v.object({
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
			dueDate: isoDate,
			status: v.picklist(['active', 'suspended', 'closed']),
			devices: v.array(v.string()),
			charges: v.array(
				v.object({ id: v.string(), date: isoDate, amount: money, description: v.string() })
			)
		})
	),
	outages: v.array(
		v.object({ zip: v.string(), since: v.string(), eta: v.string(), description: v.string() })
	)
});

export type Dataset = v.InferOutput<typeof DatasetSchema>;
export type Plan = Dataset['plans'][number];
export type Account = Dataset['accounts'][number];
export type Charge = Account['charges'][number];
export type Outage = Dataset['outages'][number];

/** Validates a dataset from any source; throws `ValidationError` naming every bad field. */
export function parseDataset(input: unknown): Dataset {
	const result = v.safeParse(DatasetSchema, input);
	if (result.success) return result.output;
	throw new ValidationError({ what: 'dataset', issues: describeIssues(result.issues) });
}
