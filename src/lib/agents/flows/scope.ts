import type { Condition, Row } from './schema';
import { norm, type Tables } from './tables';
import type { Clock } from './spoken';
import { namedBy, render, renderValue, type RenderContext } from './template';

// The facts a template or condition can name during a call: slots, the verified record, tool
// results, memory, the company. A path follows rows across tables: `caller.planId.name` reads the
// name of the plan the caller's row refers to; a slot bound to a table (`plan`) reads as the text
// said and leads to its row (`plan.monthly`). The scope carries the call's clock, so a template's
// `{x|date}` says "tomorrow" relative to the call, not to whenever the code happens to run.

export type SlotBinding = { table: string; field: string };

export class Scope {
	readonly tables: Tables;
	readonly #roots: Record<string, unknown>;
	readonly #slots: ReadonlyMap<string, SlotBinding>;
	/** Rows a `repeats` condition compares a row with. */
	readonly siblings: readonly Row[];
	/** The call's clock; without one, the device's clock at the moment of wording. */
	readonly clock: Clock | undefined;

	constructor(
		tables: Tables,
		roots: Record<string, unknown>,
		slots: ReadonlyMap<string, SlotBinding>,
		siblings: readonly Row[] = [],
		clock?: Clock
	) {
		this.tables = tables;
		this.#roots = roots;
		this.#slots = slots;
		this.siblings = siblings;
		this.clock = clock;
	}

	/** A scope with more roots (a tool's `args`, the `row` being judged). */
	with(extra: Record<string, unknown>, siblings: readonly Row[] = this.siblings): Scope {
		return new Scope(this.tables, { ...this.#roots, ...extra }, this.#slots, siblings, this.clock);
	}

	get #render(): RenderContext {
		const said = this.#roots.text;
		return {
			...(this.clock ? { clock: this.clock } : {}),
			rows: this.siblings,
			...(typeof said === 'string' ? { said } : {})
		};
	}

	set(name: string, value: unknown): void {
		this.#roots[name] = value;
	}

	has(name: string): boolean {
		return this.#roots[name] !== undefined;
	}

	readonly resolve = (path: readonly string[]): unknown => {
		const [head, ...rest] = path;
		let value: unknown = this.#roots[head!];
		if (rest.length > 0 && typeof value === 'string' && this.#slots.has(head!)) {
			const b = this.#slots.get(head!)!;
			value = this.tables.findBy(b.table, b.field, value);
		}
		let parent: unknown = undefined;
		let parentField = '';
		for (const step of rest) {
			if (value === undefined || value === null) return undefined;
			if (typeof value === 'string' && parent && typeof parent === 'object') {
				// A ref field with more path after it: follow it to its row.
				value = this.tables.deref(parent as Row, parentField);
				if (value === undefined) return undefined;
			}
			if (typeof value !== 'object') return undefined;
			parent = value;
			parentField = step;
			value =
				Array.isArray(value) && /^\d+$/.test(step) ? value[Number(step)] : (value as Row)[step];
		}
		return value;
	};

	text(template: string): string {
		return render(template, this.resolve, this.#render);
	}

	value(template: string): unknown {
		return renderValue(template, this.resolve, this.#render);
	}
}

function toNumber(x: unknown): number | undefined {
	if (typeof x === 'number') return x;
	if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
	return undefined;
}

/** A condition's operand: a number, or text that may itself be a template. */
function operand(x: unknown, scope: Scope): unknown {
	return typeof x === 'string' && x.includes('{') ? scope.value(x) : x;
}

function same(a: unknown, b: unknown): boolean {
	const na = toNumber(a);
	const nb = toNumber(b);
	if (na !== undefined && nb !== undefined) return Math.abs(na - nb) < 0.005;
	if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
	return norm(a) === norm(b) && (a !== undefined) === (b !== undefined);
}

function compare(a: unknown, b: unknown): number | undefined {
	const na = toNumber(a);
	const nb = toNumber(b);
	if (na !== undefined && nb !== undefined) return na - nb;
	if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
	return undefined;
}

const isEmpty = (x: unknown) =>
	x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0);

/**
 * Whether `cond` holds. `said` reads the caller's words of this turn (`text` in the scope) and,
 * while steps run on, the request that started them (`request`).
 */
export function holds(cond: Condition, scope: Scope): boolean {
	if ('all' in cond) return cond.all.every((c) => holds(c, scope));
	if ('any' in cond) return cond.any.some((c) => holds(c, scope));
	if ('not' in cond) return !holds(cond.not, scope);
	if ('said' in cond) {
		const re = new RegExp(cond.said, 'iu');
		return [scope.resolve(['text']), scope.resolve(['request'])].some(
			(t) => typeof t === 'string' && re.test(t)
		);
	}
	if ('repeats' in cond) return repeats(cond.repeats, scope);
	const value = scope.resolve(cond.path.split('.'));
	if (cond.exists !== undefined && isEmpty(value) === cond.exists) return false;
	if (cond.empty !== undefined && isEmpty(value) !== cond.empty) return false;
	if (cond.equals !== undefined && !same(value, operand(cond.equals, scope))) return false;
	if (cond.notEquals !== undefined && same(value, operand(cond.notEquals, scope))) return false;
	for (const [op, ok] of [
		['gte', (d: number) => d >= 0],
		['lte', (d: number) => d <= 0],
		['gt', (d: number) => d > 0],
		['lt', (d: number) => d < 0]
	] as const) {
		const bound = cond[op];
		if (bound === undefined) continue;
		const d = compare(value, operand(bound, scope));
		if (d === undefined || !ok(d)) return false;
	}
	if (cond.named !== undefined) {
		const said = scope.resolve(['text']);
		const items = Array.isArray(value) ? value : isEmpty(value) ? [] : [value];
		const named = typeof said === 'string' && items.some((x) => namedBy(x, said));
		if (named !== cond.named) return false;
	}
	if (cond.matches !== undefined) {
		if (isEmpty(value) || !new RegExp(cond.matches, 'iu').test(String(value))) return false;
	}
	return true;
}

/** `row` repeats an earlier sibling with the same values in `same`, within `withinDays`. */
function repeats(
	r: { same: string[]; withinDays?: number; dateField?: string },
	scope: Scope
): boolean {
	const row = scope.resolve(['row']) as Row | undefined;
	if (!row) return false;
	const dateField = r.dateField ?? 'date';
	const time = (x: Row) => Date.parse(String(x[dateField] ?? ''));
	const t = time(row);
	return scope.siblings.some((other) => {
		if (other === row) return false;
		const earlier =
			time(other) < t ||
			(time(other) === t && scope.siblings.indexOf(other) < scope.siblings.indexOf(row));
		if (!earlier) return false;
		if (!r.same.every((f) => same(other[f], row[f]))) return false;
		if (r.withinDays === undefined) return true;
		return Math.abs(t - time(other)) / 86_400_000 <= r.withinDays;
	});
}
