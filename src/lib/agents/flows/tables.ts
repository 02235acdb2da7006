import type { FieldDef, Row, TableDef } from './schema';

// The company's data as tables the flow describes (a generalisation of the one-company dataset):
// each call works on its own copy, so a change in one call never leaks into another. A row knows
// its table, so a path like `caller.planId.name` can follow a `ref` field to the row it names.

export type TableData = Record<string, Row[]>;

export const norm = (s: unknown) =>
	String(s ?? '')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, '');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** What is wrong with one value of a field, or null. */
export function fieldProblem(field: FieldDef, value: unknown): string | null {
	if (value === undefined || value === null)
		return field.optional ? null : `"${field.name}" is required`;
	switch (field.type) {
		case 'money':
		case 'number':
			return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number';
		case 'boolean':
			return typeof value === 'boolean' ? null : 'expected true or false';
		case 'date':
			return typeof value === 'string' && (ISO_DATE.test(value) || ISO_DATETIME.test(value))
				? null
				: 'expected a date like 2026-12-05';
		case 'datetime':
			return typeof value === 'string' && (ISO_DATETIME.test(value) || ISO_DATE.test(value))
				? null
				: 'expected a time like 2026-11-24T09:15:00Z';
		case 'list':
			return Array.isArray(value) && value.every((x) => typeof x === 'string')
				? null
				: 'expected a list of text';
		case 'pattern':
			if (typeof value !== 'string') return 'expected a regular expression as text';
			try {
				new RegExp(value, 'i');
				return null;
			} catch {
				return 'not a valid regular expression';
			}
		default:
			return typeof value === 'string' || typeof value === 'number' ? null : 'expected text';
	}
}

const HOUR = 3_600_000;

/**
 * The rows of a table written as of one moment (`asOf`), read at `now`: each date-time moves by
 * the whole hours between them, so an outage that began six hours before `asOf` began about six
 * hours before the call, on any day, and "since 6 this morning" does not become "since 9:01".
 * Returns moved copies; the rows of a table without `asOf` come back as they are.
 */
export function asOfNow(def: TableDef, rows: Row[], now: Date): Row[] {
	if (!def.asOf) return rows;
	const by = Math.round((now.getTime() - Date.parse(def.asOf)) / HOUR) * HOUR;
	if (!Number.isFinite(by) || by === 0) return rows;
	const fields = def.fields.filter((f) => f.type === 'datetime').map((f) => f.name);
	return rows.map((row) => {
		const moved = { ...row };
		for (const name of fields) {
			const at = typeof row[name] === 'string' ? Date.parse(row[name] as string) : NaN;
			if (Number.isFinite(at)) moved[name] = new Date(at + by).toISOString().replace('.000Z', 'Z');
		}
		return moved;
	});
}

export class Tables {
	readonly defs: ReadonlyMap<string, TableDef>;
	readonly #rows = new Map<string, Row[]>();
	readonly #tableOf = new WeakMap<object, string>();

	constructor(defs: readonly TableDef[], data: TableData, now?: Date) {
		this.defs = new Map(defs.map((d) => [d.id, d]));
		for (const d of defs) {
			// Each call works on its own copy: tools change rows (a plan change, a new ticket).
			const copy = structuredClone(data[d.id] ?? []);
			const rows = now ? asOfNow(d, copy, now) : copy;
			for (const r of rows) this.#tableOf.set(r, d.id);
			this.#rows.set(d.id, rows);
		}
	}

	def(table: string): TableDef {
		const d = this.defs.get(table);
		if (!d) throw new Error(`No table "${table}".`);
		return d;
	}

	field(table: string, name: string): FieldDef | undefined {
		return this.defs.get(table)?.fields.find((f) => f.name === name);
	}

	rows(table: string): Row[] {
		return this.#rows.get(table) ?? [];
	}

	tableOf(row: unknown): string | undefined {
		return row && typeof row === 'object' ? this.#tableOf.get(row) : undefined;
	}

	/** The row whose key is `key`, in any case or punctuation ("ac 10021" is "AC-10021"). */
	get(table: string, key: unknown): Row | undefined {
		const k = norm(key);
		if (!k) return undefined;
		const keyField = this.defs.get(table)?.key;
		if (!keyField) return undefined;
		return this.rows(table).find((r) => norm(r[keyField]) === k);
	}

	/** The row where `field` is `value` (any case or punctuation). */
	findBy(table: string, field: string, value: unknown): Row | undefined {
		const k = norm(value);
		if (!k) return undefined;
		return this.rows(table).find((r) => {
			const v = r[field];
			return Array.isArray(v) ? v.some((x) => norm(x) === k) : norm(v) === k;
		});
	}

	/** Follows a `ref` field of `row` to the row it names. */
	deref(row: Row, fieldName: string): Row | undefined {
		const table = this.tableOf(row);
		const f = table ? this.field(table, fieldName) : undefined;
		if (!f || f.type !== 'ref' || !f.table) return undefined;
		return this.get(f.table, row[fieldName]);
	}

	insert(table: string, row: Row): Row {
		this.#tableOf.set(row, table);
		const rows = this.#rows.get(table);
		if (!rows) throw new Error(`No table "${table}".`);
		rows.push(row);
		return row;
	}

	/** Makes `row` read as a row of `table` (to follow its refs) without adding it. */
	adopt(row: Row, table: string): void {
		this.#tableOf.set(row, table);
	}

	/** Every row of every table, for a check that must know all values (disclosure). */
	all(): [string, Row[]][] {
		return [...this.#rows];
	}
}

/** Checks rows against the tables' fields; returns `path: problem` issues (empty when fine). */
export function dataIssues(
	defs: readonly TableDef[],
	data: TableData,
	at = 'data'
): { path: string; message: string; fix: string }[] {
	const issues: { path: string; message: string; fix: string }[] = [];
	const byId = new Map(defs.map((d) => [d.id, d]));
	for (const table of Object.keys(data)) {
		if (!byId.has(table))
			issues.push({
				path: `${at}.${table}`,
				message: `rows for a table the flow does not declare`,
				fix: `Declare "${table}" under "tables", or remove these rows.`
			});
	}
	for (const d of defs) {
		const rows = data[d.id] ?? [];
		const keys = new Set<string>();
		rows.forEach((row, i) => {
			const path = `${at}.${d.id}[${i}]`;
			for (const f of d.fields) {
				const problem = fieldProblem(f, row[f.name]);
				if (problem)
					issues.push({
						path: `${path}.${f.name}`,
						message: problem,
						fix: `Give "${f.name}" a ${f.type} value${f.optional ? ' or leave it out' : ''}.`
					});
			}
			for (const name of Object.keys(row)) {
				if (!d.fields.some((f) => f.name === name))
					issues.push({
						path: `${path}.${name}`,
						message: `a field table "${d.id}" does not declare`,
						fix: `Add "${name}" to the fields of "${d.id}", or remove it.`
					});
			}
			const k = norm(row[d.key]);
			if (k && keys.has(k))
				issues.push({
					path: `${path}.${d.key}`,
					message: `the key "${String(row[d.key])}" appears twice`,
					fix: `Give every row of "${d.id}" its own ${d.key}.`
				});
			keys.add(k);
		});
	}
	// References resolve: every ref names a row that exists.
	for (const d of defs) {
		for (const f of d.fields) {
			if (f.type !== 'ref' || !f.table || !byId.has(f.table)) continue;
			const target = byId.get(f.table)!;
			const targetKeys = new Set((data[f.table] ?? []).map((r) => norm(r[target.key])));
			(data[d.id] ?? []).forEach((row, i) => {
				const value = row[f.name];
				if (value === undefined || value === null) return;
				if (!targetKeys.has(norm(value)))
					issues.push({
						path: `${at}.${d.id}[${i}].${f.name}`,
						message: `"${String(value)}" is not a ${f.table} ${target.key}`,
						fix: `Use the ${target.key} of a row in "${f.table}".`
					});
			});
		}
	}
	return issues;
}
