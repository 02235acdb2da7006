import type { Row, ToolDef } from '../flows/schema';
import { holds, Scope } from '../flows/scope';
import { norm, type Tables } from '../flows/tables';
import { MONTHS } from '../understanding/calendar';

// Tools as data: a flow names a few generic kinds (verify, lookup, list, pick, match, compare,
// update, create, http) over its tables, and words each result with a template. This runs them.
// Private rows are only ever read for the verified caller; the guard decides who may call what.

export type ToolOutcome<T = Record<string, unknown>> = { ok: boolean; result: string; data?: T };

/** Where records a flow keeps (tickets, bookings) are stored across calls. */
export interface KeptRecords {
	save(table: string, row: Row): Promise<void>;
}

export type ToolContext = {
	scope: Scope;
	/** The verified caller's row, if any. */
	caller: Row | undefined;
	/** The identity table (the verify tool's), whose rows are callers. */
	identityTable: string | undefined;
};

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type RuntimeOptions = {
	kept?: KeptRecords;
	fetch?: FetchLike;
};

/** An argument whose default is the caller's own field: naming anything else is another record. */
export function subjectArgs(tool: ToolDef): string[] {
	const args: Record<string, string> = 'args' in tool ? (tool.args ?? {}) : {};
	return Object.entries(args)
		.filter(([, t]) => /^\{caller\.[\w-]+\}$/.test(t.trim()))
		.map(([k]) => k);
}

/** Whether a tool reads a table only a verified caller may read. */
export function readsPrivate(tool: ToolDef, tables: Tables): boolean {
	if (tool.kind === 'verify') return false;
	if (tool.verified) return true;
	if (tool.kind === 'http') return false;
	return tables.defs.get(tool.table)?.private === true;
}

/** Whether a tool changes anything (a record, a row, the company's system). */
export function changes(tool: ToolDef): boolean {
	return (
		tool.kind === 'update' ||
		tool.kind === 'create' ||
		(tool.kind === 'http' && (tool.method ?? 'POST') !== 'GET')
	);
}

export class ToolRuntime {
	readonly tables: Tables;
	readonly #o: RuntimeOptions;
	/** Records made in this call. */
	readonly #created: Row[] = [];

	constructor(tables: Tables, options: RuntimeOptions = {}) {
		this.tables = tables;
		this.#o = options;
	}

	/** The rows of `table` this call may read: all of a public table, the caller's of a private one. */
	visible(table: string, ctx: ToolContext): Row[] {
		const def = this.tables.def(table);
		const rows = this.tables.rows(table);
		if (!def.private) return rows;
		const caller = ctx.caller;
		if (!caller) return [];
		const idTable = ctx.identityTable ? this.tables.def(ctx.identityTable) : undefined;
		const callerKey = idTable ? norm(caller[idTable.key]) : '';
		return rows.filter((r) => r === caller || (def.owner && norm(r[def.owner]) === callerKey));
	}

	/** Runs `tool` with its arguments already settled; never throws for a caller's bad input. */
	async run(tool: ToolDef, args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome> {
		const scope = ctx.scope.with({ args });
		const fail = (fallback: string): ToolOutcome => ({
			ok: false,
			result: tool.failed ? scope.text(tool.failed) : fallback
		});
		switch (tool.kind) {
			case 'verify':
				throw new Error('verify runs through the guard');
			case 'lookup': {
				const key = scope.value(tool.key);
				const row = this.visible(tool.table, ctx).find(
					(r) => norm(r[this.tables.def(tool.table).key]) === norm(key)
				);
				if (!row) return fail(`Nothing was found for ${String(key ?? '')}.`);
				const here = scope.with({ row });
				const { kind, reads } = classify(tool.classify, here);
				return this.#ok(tool.result, here.with({ kind, reads }), { row, kind, reads });
			}
			case 'list': {
				let rows = this.visible(tool.table, ctx);
				if (tool.where) rows = rows.filter((row) => holds(tool.where!, scope.with({ row }, rows)));
				rows = sortRows(rows, tool.sort);
				if (tool.limit) rows = rows.slice(0, tool.limit);
				if (rows.length === 0) {
					const text = tool.empty ? scope.text(tool.empty) : 'Nothing to list.';
					return { ok: true, result: text, data: { rows, count: 0, items: '' } };
				}
				const items = rows
					.map((row) => scope.with({ row }).text(tool.item))
					.join(tool.separator ?? '; ');
				return this.#ok(tool.result, scope, { rows, count: rows.length, items });
			}
			case 'pick':
				return this.#pick(tool, scope, ctx, fail);
			case 'match': {
				const said = scope.text(tool.text);
				const row = this.visible(tool.table, ctx).find((r) => {
					try {
						return new RegExp(String(r[tool.field] ?? ''), 'iu').test(said);
					} catch {
						return false;
					}
				});
				if (!row) return fail(`Nothing matches "${said}".`);
				return this.#ok(tool.result, scope, { row });
			}
			case 'compare': {
				const rows = this.visible(tool.table, ctx);
				const def = this.tables.def(tool.table);
				const find = (t: string) => {
					const want = norm(scope.value(t));
					return rows.find(
						(r) => norm(r[def.key]) === want || (def.label && norm(r[def.label]) === want)
					);
				};
				const a = find(tool.a);
				const b = find(tool.b);
				if (!a || !b) return fail(`${!a ? scope.text(tool.a) : scope.text(tool.b)} was not found.`);
				const difference = Number(b[tool.field]) - Number(a[tool.field]);
				// For each list field, what `a` has that `b` lacks (a downgrade's lost hotspot) and
				// what `b` adds.
				const lost: Record<string, unknown[]> = {};
				const gained: Record<string, unknown[]> = {};
				for (const f of def.fields.filter((x) => x.type === 'list')) {
					const of = (r: Row) => (Array.isArray(r[f.name]) ? (r[f.name] as unknown[]) : []);
					const has = (r: Row, x: unknown) => of(r).some((y) => norm(y) === norm(x));
					lost[f.name] = of(a).filter((x) => !has(b, x));
					gained[f.name] = of(b).filter((x) => !has(a, x));
				}
				const data = { a, b, difference, lost, gained };
				if (a === b && tool.same) return this.#ok(tool.same, scope, data);
				return this.#ok(tool.result, scope, data);
			}
			case 'update': {
				const keyField = this.tables.def(tool.table).key;
				const key = scope.value(tool.key);
				const row = this.visible(tool.table, ctx).find((r) => norm(r[keyField]) === norm(key));
				if (!row) return fail(`Nothing was found for ${String(key ?? '')}.`);
				const here = scope.with({ row });
				if (tool.requires && !holds(tool.requires.when, here))
					return { ok: false, result: here.text(tool.requires.otherwise) };
				const before: Row = {};
				const values: Row = {};
				for (const [field, t] of Object.entries(tool.set)) {
					const value = here.value(t);
					if (value === undefined || value === '')
						return fail('That change could not be made: something it needs is missing.');
					values[field] = typed(this.tables.field(tool.table, field)?.type, value);
				}
				const bad = this.#badRef(tool.table, values, ctx);
				if (bad) return fail(bad);
				this.tables.adopt(before, tool.table);
				for (const [field, value] of Object.entries(values)) {
					before[field] = row[field];
					row[field] = value;
				}
				return this.#ok(tool.result, here.with({ before }), { row, before });
			}
			case 'create':
				return this.#create(tool, scope, ctx, fail);
			case 'http':
				return this.#http(tool, args, scope, fail);
		}
	}

	#ok(template: string, scope: Scope, data: Record<string, unknown>): ToolOutcome {
		return { ok: true, result: scope.with(data).text(template), data };
	}

	#pick(
		tool: Extract<ToolDef, { kind: 'pick' }>,
		scope: Scope,
		ctx: ToolContext,
		fail: (s: string) => ToolOutcome
	): ToolOutcome {
		const all = this.visible(tool.table, ctx);
		let rows = tool.where ? all.filter((row) => holds(tool.where!, scope.with({ row }, all))) : all;
		let narrowed = false;
		for (const m of tool.match ?? []) {
			const want = scope.resolve(['args', m.arg]);
			if (want === undefined || want === null || want === '') continue;
			const hit = rows.filter((r) => fieldMatches(r[m.field], want, m.how ?? 'exact'));
			if (m.soft && hit.length === 0) continue;
			rows = hit;
			if (!m.soft) narrowed = true;
		}
		const sorted = sortRows(rows, tool.sort);
		let row: Row | undefined;
		if (narrowed || sorted.length === 1) {
			for (const rule of tool.prefer ?? []) {
				row = sorted.find((r) => holds(rule, scope.with({ row: r }, all)));
				if (row) break;
			}
			row ??= sorted[0];
		} else {
			for (const rule of tool.prefer ?? []) {
				row = sorted.find((r) => holds(rule, scope.with({ row: r }, all)));
				if (row) break;
			}
			if (!row) {
				const o = tool.otherwise;
				const pool = o?.prefer
					? sorted.filter((r) => holds(o.prefer!, scope.with({ row: r }, all)))
					: sorted;
				row = sortRows(pool.length > 0 ? pool : sorted, o?.sort)[0];
			}
		}
		if (!row) return fail('Nothing matching that was found.');
		const here = scope.with({ row }, all);
		const { kind, reads } = classify(tool.classify, here);
		return this.#ok(tool.result, here.with({ kind, reads }), { row, kind, reads });
	}

	/** Why a ref among `values` names no row this call may use, or null. */
	#badRef(table: string, values: Row, ctx: ToolContext): string | null {
		for (const [name, value] of Object.entries(values)) {
			const f = this.tables.field(table, name);
			if (!f || f.type !== 'ref' || !f.table) continue;
			const target = this.tables.get(f.table, value);
			const seen =
				target &&
				(!this.tables.def(f.table).private || this.visible(f.table, ctx).includes(target));
			if (!seen) return `${String(value)} was not found.`;
		}
		return null;
	}

	async #create(
		tool: Extract<ToolDef, { kind: 'create' }>,
		scope: Scope,
		ctx: ToolContext,
		fail: (s: string) => ToolOutcome
	): Promise<ToolOutcome> {
		const def = this.tables.def(tool.table);
		const values: Row = {};
		for (const [field, t] of Object.entries(tool.values)) {
			const value = scope.value(t);
			if (value !== undefined && value !== '')
				values[field] = typed(this.tables.field(tool.table, field)?.type, value);
		}
		const rows = this.tables.rows(tool.table);
		const bad = this.#badRef(tool.table, values, ctx);
		if (bad) return fail(bad);
		if (tool.unique && tool.unique.length > 0) {
			// The same subject twice gives the record already made: in this call, or the caller's own.
			const mine = new Set([
				...this.#created,
				...(def.private ? this.visible(tool.table, ctx) : [])
			]);
			const existing = rows.find(
				(r) => mine.has(r) && tool.unique!.every((f) => norm(r[f]) === norm(values[f]))
			);
			if (existing)
				return this.#ok(tool.existing ?? tool.result, scope, { row: existing, existing: true });
		}
		for (const f of def.fields) {
			if (f.name !== def.key && !f.optional && values[f.name] === undefined)
				return fail('That could not be recorded: something it needs is missing.');
		}
		const taken = rows
			.map((r) => String(r[def.key] ?? ''))
			.filter((k) => k.startsWith(tool.prefix))
			.map((k) => Number(k.slice(tool.prefix.length)) || 0);
		const next = Math.max(0, ...taken) + 1;
		const row: Row = { [def.key]: `${tool.prefix}${String(next).padStart(4, '0')}`, ...values };
		this.tables.insert(tool.table, row);
		this.#created.push(row);
		if (def.keep && this.#o.kept) {
			try {
				await this.#o.kept.save(tool.table, row);
			} catch (e) {
				// The record stands in this call; the caller hears it could not be kept.
				return {
					ok: false,
					result: `The ${def.id} record ${String(row[def.key])} was made but could not be saved: ${
						e instanceof Error ? e.message : String(e)
					}`,
					data: { row, existing: false }
				};
			}
		}
		return this.#ok(tool.result, scope, { row, existing: false });
	}

	async #http(
		tool: Extract<ToolDef, { kind: 'http' }>,
		args: Record<string, unknown>,
		scope: Scope,
		fail: (s: string) => ToolOutcome
	): Promise<ToolOutcome> {
		const doFetch = this.#o.fetch ?? ((url, init) => fetch(url, init));
		const method = tool.method ?? 'POST';
		const ctrl = new AbortController();
		const timer = setTimeout(() => ctrl.abort(), tool.timeoutMs ?? 5000);
		let body: unknown;
		try {
			const url =
				method === 'GET'
					? `${tool.url}${tool.url.includes('?') ? '&' : '?'}${new URLSearchParams(
							Object.entries(args).map(([k, v]) => [k, String(v ?? '')])
						)}`
					: tool.url;
			const res = await doFetch(url, {
				method,
				headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
				body: method === 'GET' ? undefined : JSON.stringify(args),
				signal: ctrl.signal
			});
			if (!res.ok) return fail(`${tool.id} answered ${res.status}.`);
			body = await res.json();
		} catch (e) {
			const timedOut = ctrl.signal.aborted;
			return fail(
				timedOut
					? `${tool.id} did not answer within ${tool.timeoutMs ?? 5000} ms.`
					: `${tool.id} could not be reached: ${e instanceof Error ? e.message : String(e)}`
			);
		} finally {
			clearTimeout(timer);
		}
		if (typeof body !== 'object' || body === null || Array.isArray(body))
			return fail(`${tool.id} answered with something other than a JSON object.`);
		const reply: Row = {};
		for (const [field, type] of Object.entries(tool.reply)) {
			const value = (body as Row)[field];
			const ok =
				type === 'number'
					? typeof value === 'number' && Number.isFinite(value)
					: type === 'boolean'
						? typeof value === 'boolean'
						: typeof value === 'string';
			if (!ok) return fail(`${tool.id} answered without a valid ${field} (${type}).`);
			reply[field] = value;
		}
		return this.#ok(tool.result, scope, { reply });
	}
}

/** A value written to a field as the field's type: "45" to a money field is 45, "true" is true. */
function typed(type: string | undefined, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (type === 'money' || type === 'number') {
		const n = Number(value);
		return value.trim() !== '' && Number.isFinite(n) ? n : value;
	}
	if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
	return value;
}

function classify(
	rules: { kind: string; when?: import('../flows/schema').Condition; reads: string }[] | undefined,
	scope: Scope
): { kind: string; reads: string } {
	for (const c of rules ?? []) {
		if (!c.when || holds(c.when, scope)) return { kind: c.kind, reads: scope.text(c.reads) };
	}
	return { kind: 'other', reads: '' };
}

function fieldMatches(value: unknown, want: unknown, how: string): boolean {
	switch (how) {
		case 'amount':
			return Math.abs(Number(value) - Number(want)) < 0.005;
		case 'day':
			return sameDay(String(value ?? ''), String(want));
		case 'text':
			return norm(value).includes(norm(want));
		default:
			return norm(value) === norm(want);
	}
}

/** A stored date and a date as said ("2026-11-03" or "November 3") name the same day. */
export function sameDay(stored: string, said: string): boolean {
	const iso = stored.slice(0, 10);
	if (said === iso) return true;
	const d = new Date(iso + 'T00:00:00Z');
	if (Number.isNaN(d.getTime())) return false;
	return said.toLowerCase() === `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

export function sortRows(rows: Row[], sort?: { field: string; desc?: boolean }[]): Row[] {
	if (!sort || sort.length === 0) return rows;
	return [...rows].sort((x, y) => {
		for (const s of sort) {
			const a = x[s.field];
			const b = y[s.field];
			const d =
				typeof a === 'number' && typeof b === 'number'
					? a - b
					: String(a ?? '').localeCompare(String(b ?? ''));
			if (d !== 0) return s.desc ? -d : d;
		}
		return 0;
	});
}
