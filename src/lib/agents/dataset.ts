import { ValidationError } from '../errors';
import type { Flow } from './flow';
import { dataIssues, type TableData } from './flows/tables';

// A company's data set: rows for each table its flow declares (DESIGN §6, generalised). It comes
// from outside the code (the flow file itself, a data file handed to the simulator with --data),
// so it is checked against the flow's tables before any tool touches it.

export type Dataset = TableData;

/** Validates rows against `flow`'s tables; throws `ValidationError` naming every bad field. */
export function parseDataset(input: unknown, flow: Flow): Dataset {
	if (typeof input !== 'object' || input === null || Array.isArray(input))
		throw new ValidationError({
			what: 'dataset',
			issues: ['(root): expected an object with one list of rows per table']
		});
	const issues = dataIssues(flow.tables, input as TableData, '');
	if (issues.length > 0)
		throw new ValidationError({
			what: 'dataset',
			issues: issues.map((i) => `${i.path.replace(/^\./, '')}: ${i.message}`)
		});
	return input as Dataset;
}
