import * as v from 'valibot';
import { FlowError } from '../../errors';
import type { Flow, Persona } from '../flow';
import {
	ConditionSchema,
	FlowFileSchema,
	StepSchema,
	type Condition,
	type FlowFile,
	type StepDef,
	type TableDef,
	type ToolDef
} from './schema';
import { dataIssues, type TableData } from './tables';
import { changes } from '../tools/runtime';
import { holesOf, TemplateSyntaxError } from './template';

// Loading a flow file: validate its shape (valibot), then every reference it makes (a persona in
// `handoffTo`, a table a tool names, a field a template reads, a row's ref), and only then build
// the runtime flow. A flow with any error does not start half-valid: every error is listed with
// its JSON path and a fix, in the page and in `npm run flow:check`.

export type FlowIssue = { path: string; message: string; fix: string };

export class FlowFileError extends FlowError {
	readonly issues: FlowIssue[];
	constructor(issues: FlowIssue[]) {
		super(
			`The flow has ${issues.length} error${issues.length === 1 ? '' : 's'}: ${issues
				.slice(0, 3)
				.map((i) => `${i.path}: ${i.message}`)
				.join('; ')}${issues.length > 3 ? ' …' : ''}`
		);
		this.issues = issues;
	}
}

export type LoadedFlow = { flow: Flow; data: TableData };

/** Validates and builds a flow; `data` (rows per table) replaces the file's own rows when given. */
export function loadFlow(input: unknown, data?: unknown): LoadedFlow {
	const { issues, file } = inspect(input, data);
	if (issues.length > 0 || !file) throw new FlowFileError(issues);
	const rows = (data as TableData | undefined) ?? file.data ?? {};
	return { flow: build(file), data: rows };
}

/** Every error in a flow (and its data), or none. */
export function flowIssues(input: unknown, data?: unknown): FlowIssue[] {
	return inspect(input, data).issues;
}

// ---- Shape -----------------------------------------------------------------------------------

function jsonPath(path: readonly (string | number)[]): string {
	let out = '';
	for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
	return out || '(root)';
}

function pathOf(issue: v.BaseIssue<unknown>): (string | number)[] {
	return (issue.path ?? []).map((p) => p.key as string | number);
}

const STEP_KEYS = [
	'verify',
	'need',
	'run',
	'ask',
	'confirm',
	'handoff',
	'goto',
	'remember',
	'say',
	'settle',
	'stop'
] as const;
const CONDITION_KEYS = ['all', 'any', 'not', 'said', 'repeats', 'path'] as const;

/** A union's error says little; re-check the value against the branch its key chooses. */
function unionIssues(
	value: unknown,
	base: (string | number)[],
	kind: 'step' | 'condition'
): FlowIssue[] {
	const keys = kind === 'step' ? STEP_KEYS : CONDITION_KEYS;
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		return [{ path: jsonPath(base), message: `expected a ${kind} object`, fix: fixFor(kind) }];
	const key = keys.find((k) => k in value);
	if (!key)
		return [
			{
				path: jsonPath(base),
				message: `a ${kind} needs one of ${keys.join(', ')}`,
				fix: fixFor(kind)
			}
		];
	const schema = kind === 'step' ? StepSchema : ConditionSchema;
	const branches = (schema as unknown as { options?: v.GenericSchema[] }).options ?? [];
	const lazyOptions =
		kind === 'condition'
			? ((
					ConditionSchema as unknown as { getter: (x: unknown) => { options: v.GenericSchema[] } }
				).getter(value).options ?? [])
			: branches;
	const branch = lazyOptions.find((b) => {
		const entries = (b as unknown as { entries?: Record<string, unknown> }).entries ?? {};
		return key in entries && (kind === 'condition' || key !== 'say' || !('ask' in value));
	});
	if (!branch) return [{ path: jsonPath(base), message: `not a valid ${kind}`, fix: fixFor(kind) }];
	const r = v.safeParse(branch, value);
	if (r.success)
		return [
			{ path: jsonPath(base), message: `mixes keys of two kinds of ${kind}`, fix: fixFor(kind) }
		];
	return r.issues.flatMap((i) => issueToFlow(i, base, value));
}

function fixFor(kind: string): string {
	return kind === 'step'
		? 'A step is one of: {"verify": true}, {"need": slot, "ask": …}, {"run": tool}, {"say": …}, {"ask": …, "as": name}, {"confirm": …, "declined": …}, {"handoff": {…}}, {"goto": intent}, {"remember": {…}}, {"stop": true}, each with an optional "when".'
		: 'A condition is {"path": …, "equals"|"notEquals"|"gte"|"lte"|"gt"|"lt"|"matches"|"exists"|"empty": …}, {"said": regex}, {"repeats": {…}}, or {"all"|"any": […]}, {"not": …}.';
}

function issueToFlow(
	issue: v.BaseIssue<unknown>,
	base: (string | number)[],
	root: unknown
): FlowIssue[] {
	const rel = pathOf(issue);
	const path = [...base, ...rel];
	let value: unknown = root;
	for (const k of rel) value = (value as Record<string | number, unknown> | undefined)?.[k];
	const parent = path[path.length - 2];
	if (issue.type === 'union' || issue.type === 'lazy') {
		const inSteps = path.length >= 2 && path[path.length - 2] === 'steps';
		const isCond =
			['when', 'where', 'accept', 'not', 'prefer'].includes(String(path.at(-1))) ||
			['all', 'any', 'prefer'].includes(String(parent)) ||
			String(path.at(-1)) === 'when';
		if (inSteps) return unionIssues(value, path, 'step');
		if (isCond) return unionIssues(value, path, 'condition');
	}
	const last = path.at(-1);
	if (issue.type === 'strict_object' && issue.expected === 'never')
		return [
			{
				path: jsonPath(path),
				message: `unknown key "${String(last)}"`,
				fix: `Remove "${String(last)}" or check its spelling.`
			}
		];
	let fix = 'Correct the value to the type shown.';
	if (issue.type === 'strict_object' || /Invalid key/.test(issue.message))
		fix = `Remove "${String(last)}" or check its spelling.`;
	else if (issue.type === 'picklist' || issue.type === 'literal')
		fix = `Use one of the allowed values${issue.expected ? `: ${issue.expected}` : ''}.`;
	else if (issue.type === 'min_length') fix = 'Add at least one entry.';
	else if (issue.type === 'regex' || issue.type === 'check') fix = 'Correct the text.';
	else if (issue.received === 'undefined') fix = `Add "${String(last)}".`;
	return [{ path: jsonPath(path), message: issue.message, fix }];
}

// ---- References ------------------------------------------------------------------------------

function distance(a: string, b: string): number {
	const d = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let prev = d[0]!;
		d[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const t = d[j]!;
			d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
			prev = t;
		}
	}
	return d[b.length]!;
}

function suggest(name: string, known: Iterable<string>, what: string): string {
	const list = [...known];
	const best = list
		.map((k) => [k, distance(name.toLowerCase(), k.toLowerCase())] as const)
		.sort((a, b) => a[1] - b[1])[0];
	if (best && best[1] <= Math.max(2, Math.floor(name.length / 3)))
		return `Did you mean "${best[0]}"?`;
	return list.length > 0
		? `Use one of the ${what}: ${list.slice(0, 12).join(', ')}${list.length > 12 ? ', …' : ''}.`
		: `Declare the ${what.replace(/s$/, '')} first.`;
}

type Ctx = { issues: FlowIssue[]; file: FlowFile; tables: Map<string, TableDef> };

function add(ctx: Ctx, path: string, message: string, fix: string) {
	ctx.issues.push({ path, message, fix });
}

/** Fields reachable from `table` along `rest` (following refs); returns the missing step, if any. */
function checkFields(
	ctx: Ctx,
	table: string,
	rest: readonly string[],
	where: string,
	path: string
): void {
	let t = ctx.tables.get(table);
	for (let i = 0; i < rest.length && t; i++) {
		const f = t.fields.find((x) => x.name === rest[i]);
		if (!f) {
			add(
				ctx,
				path,
				`${where} reads "${rest.slice(0, i + 1).join('.')}", but table "${t.id}" has no field "${rest[i]}"`,
				suggest(
					rest[i]!,
					t.fields.map((x) => x.name),
					`fields of "${t.id}"`
				)
			);
			return;
		}
		if (i < rest.length - 1) {
			if (f.type === 'ref' && f.table) t = ctx.tables.get(f.table);
			else if (f.type === 'list' && /^\d+$/.test(rest[i + 1]!)) return;
			else {
				add(
					ctx,
					path,
					`${where} reads past "${f.name}", which is not a ref to another table`,
					'Read the field itself, or make it a ref with "table".'
				);
				return;
			}
		}
	}
}

type Root = { table?: string; result?: string };
type Roots = Map<string, Root>;

function checkTemplate(ctx: Ctx, template: string, roots: Roots, path: string): void {
	let holes;
	try {
		holes = holesOf(template);
	} catch (e) {
		if (e instanceof TemplateSyntaxError) {
			add(ctx, path, `template: ${e.message}`, 'Write holes as {path} or {path|filter:arg}.');
			return;
		}
		throw e;
	}
	for (const h of holes) {
		const [head, ...rest] = h.path;
		const root = roots.get(head!);
		if (!root) {
			add(
				ctx,
				path,
				`template names "{${h.path.join('.')}}", but nothing called "${head}" is known here`,
				suggest(head!, roots.keys(), 'names known here')
			);
			continue;
		}
		if (root.table && rest.length > 0) checkFields(ctx, root.table, rest, 'The template', path);
		if (root.result !== undefined && rest.length > 0) {
			if (!RESULT_FIELDS.includes(rest[0]!))
				add(
					ctx,
					path,
					`template names "{${h.path.join('.')}}", but a tool result has no "${rest[0]}"`,
					suggest(rest[0]!, RESULT_FIELDS, 'parts of a tool result')
				);
			else if (root.result && ['row', 'a', 'b', 'before'].includes(rest[0]!) && rest.length > 1)
				checkFields(ctx, root.result, rest.slice(1), 'The template', path);
		}
	}
}

function checkCondition(ctx: Ctx, c: Condition, roots: Roots, path: string): void {
	if ('all' in c) c.all.forEach((x, i) => checkCondition(ctx, x, roots, `${path}.all[${i}]`));
	else if ('any' in c) c.any.forEach((x, i) => checkCondition(ctx, x, roots, `${path}.any[${i}]`));
	else if ('not' in c) checkCondition(ctx, c.not, roots, `${path}.not`);
	else if ('path' in c) {
		checkTemplate(ctx, `{${c.path}}`, roots, `${path}.path`);
		for (const op of ['equals', 'notEquals', 'gte', 'lte', 'gt', 'lt'] as const) {
			const x = c[op];
			if (typeof x === 'string' && x.includes('{')) checkTemplate(ctx, x, roots, `${path}.${op}`);
		}
	} else if ('repeats' in c) {
		const row = roots.get('row');
		if (row?.table)
			for (const f of [...c.repeats.same, c.repeats.dateField ?? 'date'])
				checkFields(ctx, row.table, [f], 'repeats', `${path}.repeats`);
	}
}

/** What a tool's result offers to templates after it ran (`{as.row.field}`, `{as.count}`). */
function resultTable(tool: ToolDef): string | undefined {
	return tool.kind === 'http' ? undefined : tool.table;
}

function toolRoots(ctx: Ctx, base: Roots, tool: ToolDef): Roots {
	const roots = new Map(base);
	roots.set('args', {});
	const table = resultTable(tool);
	if (table) roots.set('row', { table });
	for (const k of [
		'rows',
		'count',
		'items',
		'kind',
		'reads',
		'difference',
		'existing',
		'before',
		'reply'
	])
		roots.set(k, {});
	if (tool.kind === 'compare') {
		roots.set('a', { table: tool.table });
		roots.set('b', { table: tool.table });
	}
	return roots;
}

function checkTool(ctx: Ctx, tool: ToolDef, base: Roots, path: string): void {
	const needTable = (name: string, at: string) => {
		if (!ctx.tables.has(name)) {
			add(
				ctx,
				at,
				`tool "${tool.id}" names a missing table "${name}"`,
				suggest(name, ctx.tables.keys(), 'tables')
			);
			return false;
		}
		return true;
	};
	const field = (table: string, name: string, at: string) =>
		checkFields(ctx, table, [name], `Tool "${tool.id}"`, at);
	if (tool.kind === 'http') {
		const roots = toolRoots(ctx, base, tool);
		for (const [k, t] of Object.entries(tool.args))
			checkTemplate(ctx, t, base, `${path}.args.${k}`);
		checkTemplate(ctx, tool.result, roots, `${path}.result`);
		if (tool.failed) checkTemplate(ctx, tool.failed, roots, `${path}.failed`);
		return;
	}
	if (!needTable(tool.table, `${path}.table`)) return;
	const roots = toolRoots(ctx, base, tool);
	const slotIds = new Set((ctx.file.slots ?? []).map((s) => s.id));
	if (tool.kind === 'verify') {
		tool.identify.forEach((i, n) => {
			field(tool.table, i.field, `${path}.identify[${n}].field`);
			if (!slotIds.has(i.slot))
				add(
					ctx,
					`${path}.identify[${n}].slot`,
					`unknown slot "${i.slot}"`,
					suggest(i.slot, slotIds, 'slots')
				);
		});
		field(tool.table, tool.secret, `${path}.secret`);
		const f = ctx.tables.get(tool.table)?.fields.find((x) => x.name === tool.secret);
		if (f && f.type !== 'secret')
			add(
				ctx,
				`${path}.secret`,
				`"${tool.secret}" is not a secret field`,
				`Give "${tool.secret}" the type "secret" so it is never said.`
			);
		for (const [k, t] of Object.entries(tool.prompts))
			checkTemplate(ctx, t, new Map([...roots, ['missing', {}]]), `${path}.prompts.${k}`);
		checkTemplate(ctx, tool.result, roots, `${path}.result`);
		return;
	}
	for (const [k, t] of Object.entries(tool.args ?? {}))
		checkTemplate(ctx, t, base, `${path}.args.${k}`);
	const table = tool.table;
	const sorts = 'sort' in tool ? (tool.sort ?? []) : [];
	sorts.forEach((s, n) => field(table, s.field, `${path}.sort[${n}].field`));
	switch (tool.kind) {
		case 'lookup':
			checkTemplate(ctx, tool.key, roots, `${path}.key`);
			(tool.classify ?? []).forEach((c, n) => {
				if (c.when) checkCondition(ctx, c.when, roots, `${path}.classify[${n}].when`);
				checkTemplate(ctx, c.reads, roots, `${path}.classify[${n}].reads`);
			});
			break;
		case 'list':
			if (tool.where) checkCondition(ctx, tool.where, roots, `${path}.where`);
			checkTemplate(ctx, tool.item, roots, `${path}.item`);
			if (tool.empty) checkTemplate(ctx, tool.empty, roots, `${path}.empty`);
			break;
		case 'pick':
			if (tool.where) checkCondition(ctx, tool.where, roots, `${path}.where`);
			(tool.match ?? []).forEach((m, n) => {
				field(table, m.field, `${path}.match[${n}].field`);
				if (!(m.arg in (tool.args ?? {})))
					add(
						ctx,
						`${path}.match[${n}].arg`,
						`"${m.arg}" is not an argument of "${tool.id}"`,
						`Declare "${m.arg}" under "args".`
					);
			});
			(tool.prefer ?? []).forEach((c, n) => checkCondition(ctx, c, roots, `${path}.prefer[${n}]`));
			if (tool.otherwise?.prefer)
				checkCondition(ctx, tool.otherwise.prefer, roots, `${path}.otherwise.prefer`);
			(tool.otherwise?.sort ?? []).forEach((s, n) =>
				field(table, s.field, `${path}.otherwise.sort[${n}].field`)
			);
			(tool.classify ?? []).forEach((c, n) => {
				if (c.when) checkCondition(ctx, c.when, roots, `${path}.classify[${n}].when`);
				checkTemplate(ctx, c.reads, roots, `${path}.classify[${n}].reads`);
			});
			break;
		case 'match': {
			field(table, tool.field, `${path}.field`);
			const f = ctx.tables.get(table)?.fields.find((x) => x.name === tool.field);
			if (f && f.type !== 'pattern')
				add(
					ctx,
					`${path}.field`,
					`"${tool.field}" is not a pattern field`,
					'Give it the type "pattern".'
				);
			checkTemplate(ctx, tool.text, roots, `${path}.text`);
			break;
		}
		case 'compare':
			field(table, tool.field, `${path}.field`);
			checkTemplate(ctx, tool.a, roots, `${path}.a`);
			checkTemplate(ctx, tool.b, roots, `${path}.b`);
			if (tool.same) checkTemplate(ctx, tool.same, roots, `${path}.same`);
			break;
		case 'update':
			checkTemplate(ctx, tool.key, roots, `${path}.key`);
			for (const [k, t] of Object.entries(tool.set)) {
				field(table, k, `${path}.set.${k}`);
				checkTemplate(ctx, t, roots, `${path}.set.${k}`);
			}
			if (tool.requires) {
				checkCondition(ctx, tool.requires.when, roots, `${path}.requires.when`);
				checkTemplate(ctx, tool.requires.otherwise, roots, `${path}.requires.otherwise`);
			}
			break;
		case 'create':
			for (const [k, t] of Object.entries(tool.values)) {
				field(table, k, `${path}.values.${k}`);
				checkTemplate(ctx, t, roots, `${path}.values.${k}`);
			}
			(tool.unique ?? []).forEach((f, n) => field(table, f, `${path}.unique[${n}]`));
			if (tool.existing) checkTemplate(ctx, tool.existing, roots, `${path}.existing`);
			break;
	}
	checkTemplate(ctx, tool.result, roots, `${path}.result`);
	if (tool.failed) checkTemplate(ctx, tool.failed, roots, `${path}.failed`);
}

function inspect(input: unknown, data?: unknown): { issues: FlowIssue[]; file?: FlowFile } {
	const parsed = v.safeParse(FlowFileSchema, input);
	const shape = parsed.success ? [] : parsed.issues.flatMap((i) => issueToFlow(i, [], input));
	if (typeof input !== 'object' || input === null || Array.isArray(input))
		return { issues: dedupe(shape) };
	// With shape errors, the references are still checked wherever the shape allows, so one run
	// lists every error; a part too malformed to read is skipped (its shape error stands).
	const file = (
		parsed.success ? parsed.output : lists(input as Record<string, unknown>)
	) as FlowFile;
	const ctx: Ctx = { issues: [], file, tables: new Map() };
	const result = () => {
		const issues = dedupe([...shape, ...ctx.issues]);
		return issues.length === 0 && parsed.success ? { issues, file } : { issues };
	};
	const unique = (ids: string[], what: string, at: (i: number) => string) => {
		const seen = new Set<string>();
		ids.forEach((id, i) => {
			if (seen.has(id))
				add(ctx, at(i), `${what} "${id}" appears twice`, `Give each ${what} its own id.`);
			seen.add(id);
		});
	};

	// Tables.
	const tables = file.tables ?? [];
	unique(
		tables.map((t) => t.id),
		'table',
		(i) => `tables[${i}].id`
	);
	for (const t of tables) ctx.tables.set(t.id, t);
	tables.forEach((t, i) =>
		attempt(() => {
			const names = t.fields.map((f) => f.name);
			unique(names, 'field', (n) => `tables[${i}].fields[${n}].name`);
			for (const [k, name] of [
				['key', t.key],
				['label', t.label],
				['owner', t.owner]
			] as const) {
				if (name && !names.includes(name))
					add(
						ctx,
						`tables[${i}].${k}`,
						`table "${t.id}" has no field "${name}"`,
						suggest(name, names, `fields of "${t.id}"`)
					);
			}
			t.fields.forEach((f, n) => {
				if (f.type === 'ref' && (!f.table || !ctx.tables.has(f.table)))
					add(
						ctx,
						`tables[${i}].fields[${n}].table`,
						`ref field "${f.name}" names ${f.table ? `a missing table "${f.table}"` : 'no table'}`,
						suggest(f.table ?? '', ctx.tables.keys(), 'tables')
					);
				if (f.type !== 'ref' && f.table)
					add(
						ctx,
						`tables[${i}].fields[${n}].table`,
						`only a ref field names a table`,
						'Give the field the type "ref", or remove "table".'
					);
			});
			if (t.owner) {
				const f = t.fields.find((x) => x.name === t.owner);
				if (f && f.type !== 'ref')
					add(
						ctx,
						`tables[${i}].owner`,
						`owner "${t.owner}" is not a ref field`,
						'Make it a ref to the table of callers.'
					);
			}
		})
	);

	// Slots.
	const slots = file.slots ?? [];
	unique(
		slots.map((s) => s.id),
		'slot',
		(i) => `slots[${i}].id`
	);
	unique(
		slots.map((s) => s.entity),
		'slot entity type',
		(i) => `slots[${i}].entity`
	);
	slots.forEach((s, i) =>
		attempt(() => {
			if (s.values) {
				if (!ctx.tables.has(s.values.table))
					add(
						ctx,
						`slots[${i}].values.table`,
						`unknown table "${s.values.table}"`,
						suggest(s.values.table, ctx.tables.keys(), 'tables')
					);
				else {
					checkFields(
						ctx,
						s.values.table,
						[s.values.field],
						`Slot "${s.id}"`,
						`slots[${i}].values.field`
					);
					if (s.values.alsoField)
						checkFields(
							ctx,
							s.values.table,
							[s.values.alsoField],
							`Slot "${s.id}"`,
							`slots[${i}].values.alsoField`
						);
				}
			}
		})
	);

	// Tools.
	const tools = file.tools ?? [];
	unique(
		tools.map((t) => t.id),
		'tool',
		(i) => `tools[${i}].id`
	);
	const toolById = new Map(tools.map((t) => [t.id, t]));
	const verify = tools.find((t) => t.kind === 'verify');
	if (tools.filter((t) => t.kind === 'verify').length > 1)
		add(
			ctx,
			'tools',
			'more than one verify tool',
			'Keep one verify tool: it names the table of callers.'
		);
	const base: Roots = new Map<string, Root>([
		['company', {}],
		['memory', {}],
		['text', {}],
		['secretGiven', {}],
		['answer', {}],
		['turn', {}],
		['caller', verify && verify.kind === 'verify' ? { table: verify.table } : {}]
	]);
	for (const s of slots) base.set(s.id, s.values ? { table: s.values.table } : {});
	tools.forEach((t, i) => attempt(() => checkTool(ctx, t, base, `tools[${i}]`)));

	// Personas and intents.
	const personas = file.personas;
	const personaIds = personas.map((p) => p.id);
	unique(personaIds, 'persona', (i) => `personas[${i}].id`);
	const triage = personas.filter((p) => p.kind === 'triage');
	if (triage.length !== 1)
		add(
			ctx,
			'personas',
			`${triage.length} triage personas`,
			'Have exactly one persona with kind "triage": it greets and routes callers.'
		);
	if (personas.filter((p) => p.kind === 'human').length > 1)
		add(
			ctx,
			'personas',
			'more than one human persona',
			'Keep one persona with kind "human": it stands for the operators.'
		);
	const intentIds: string[] = [];
	const intentPaths: string[] = [];
	personas.forEach((p, i) =>
		attempt(() => {
			const at = `personas[${i}]`;
			const others = personaIds.filter((x) => x !== p.id);
			p.handoffTo.forEach((to, n) => {
				if (!personaIds.includes(to))
					add(
						ctx,
						`${at}.handoffTo[${n}]`,
						`persona "${p.id}" hands to unknown persona "${to}"`,
						suggest(to, others, 'personas')
					);
			});
			if (p.handBackTo && !personaIds.includes(p.handBackTo))
				add(
					ctx,
					`${at}.handBackTo`,
					`unknown persona "${p.handBackTo}"`,
					suggest(p.handBackTo, others, 'personas')
				);
			(p.tools ?? []).forEach((t, n) => {
				if (!toolById.has(t))
					add(
						ctx,
						`${at}.tools[${n}]`,
						`persona "${p.id}" uses unknown tool "${t}"`,
						suggest(t, toolById.keys(), 'tools')
					);
			});
			if (
				p.kind === 'specialist' &&
				(p.intents ?? []).length === 0 &&
				(p.examples ?? []).length === 0
			)
				add(
					ctx,
					`${at}.intents`,
					`specialist "${p.id}" has no intents and no examples`,
					'Give it intents with examples so callers can be routed to it.'
				);
			const intentsHere = new Set((p.intents ?? []).map((x) => x.id));
			(p.intents ?? []).forEach((intent, n) => {
				intentIds.push(intent.id);
				intentPaths.push(`${at}.intents[${n}].id`);
				const roots: Roots = new Map(base);
				// Names steps bring into scope: tool results (by tool id or `as`), answers to questions.
				const addNames = (steps: StepDef[]) => {
					for (const s of steps) {
						if ('run' in s) roots.set(s.as ?? s.run, toolResultRoot(toolById.get(s.run)));
						if ('ask' in s && 'as' in s) roots.set(s.as, {});
					}
				};
				addNames(intent.steps ?? []);
				// A `goto` continues with another intent's steps, whose names it may read.
				for (const other of p.intents ?? []) addNames(other.steps ?? []);
				// A step that changes something (a booking, a dispute, a plan) is asked for first.
				let asked = false;
				(intent.steps ?? []).forEach((s, k) => {
					if ('confirm' in s) asked = true;
					const run = 'run' in s ? s.run : undefined;
					const tool = run ? toolById.get(run) : undefined;
					if (tool && changes(tool) && !asked)
						add(
							ctx,
							`${at}.intents[${n}].steps[${k}]`,
							`"${run}" changes something without a "confirm" step before it`,
							'Add {"confirm": "…?", "declined": "…"} before it, so the caller says yes first.'
						);
				});
				(intent.steps ?? []).forEach((s, k) =>
					checkStep(ctx, s, `${at}.intents[${n}].steps[${k}]`, {
						roots,
						persona: p.id,
						personaTools: new Set(p.tools ?? []),
						tools: toolById,
						slots: new Set(slots.map((x) => x.id)),
						intents: intentsHere,
						personas: personaIds,
						hasVerify: !!verify
					})
				);
			});
		})
	);
	intentIds.forEach((id, i) => {
		if (intentIds.indexOf(id) !== i)
			add(ctx, intentPaths[i]!, `intent "${id}" is declared twice`, 'Give each intent its own id.');
	});
	personas.forEach((p, i) =>
		attempt(() => {
			if (p.greeting)
				checkTemplate(
					ctx,
					p.greeting.replace(/\{company\}/g, '{company.name}'),
					base,
					`personas[${i}].greeting`
				);
		})
	);

	// Data.
	const rows = data ?? file.data;
	if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data)))
		add(ctx, 'data', 'the data file is not an object of tables', 'Give {"table": [rows…], …}.');
	else if (rows && typeof rows === 'object')
		attempt(() => ctx.issues.push(...dataIssues(tables, rows as TableData)));
	return result();
}

/** Runs one check; a part too malformed to read is left to its shape error. */
function attempt(check: () => void): void {
	try {
		check();
	} catch {
		/* the shape error for this part is already listed */
	}
}

/** The file's lists, each an array of objects, so the reference checks can walk a malformed file. */
function lists(input: Record<string, unknown>): Record<string, unknown> {
	const arr = (x: unknown) =>
		Array.isArray(x) ? x.filter((e) => typeof e === 'object' && e !== null) : [];
	return {
		...input,
		personas: arr(input.personas).map((p) => ({
			...p,
			handoffTo: Array.isArray(p.handoffTo) ? p.handoffTo : [],
			intents: arr(p.intents)
		})),
		slots: arr(input.slots),
		tables: arr(input.tables).map((t) => ({ ...t, fields: arr(t.fields) })),
		tools: arr(input.tools)
	};
}

function toolResultRoot(tool: ToolDef | undefined): Root {
	return { result: tool && tool.kind !== 'http' ? tool.table : '' };
}

/** What a tool's result offers after it ran: `{as.result}`, `{as.row.field}`, `{as.count}`. */
const RESULT_FIELDS = [
	'ok',
	'result',
	'row',
	'rows',
	'count',
	'items',
	'kind',
	'reads',
	'a',
	'b',
	'difference',
	'existing',
	'before',
	'reply'
];

type StepCtx = {
	roots: Roots;
	persona: string;
	personaTools: Set<string>;
	tools: Map<string, ToolDef>;
	slots: Set<string>;
	intents: Set<string>;
	personas: string[];
	hasVerify: boolean;
};

function checkStep(ctx: Ctx, s: StepDef, path: string, c: StepCtx): void {
	if (s.when) checkCondition(ctx, s.when, c.roots, `${path}.when`);
	if ('verify' in s && !c.hasVerify)
		add(
			ctx,
			`${path}.verify`,
			'the flow has no verify tool',
			'Add a tool of kind "verify" naming the table of callers.'
		);
	if ('need' in s) {
		if (!c.slots.has(s.need))
			add(ctx, `${path}.need`, `unknown slot "${s.need}"`, suggest(s.need, c.slots, 'slots'));
		(s.from ?? []).forEach((t, i) => checkTemplate(ctx, t, c.roots, `${path}.from[${i}]`));
		if (s.accept) checkCondition(ctx, s.accept, c.roots, `${path}.accept`);
		checkTemplate(ctx, s.ask, c.roots, `${path}.ask`);
	}
	if ('run' in s) {
		const tool = c.tools.get(s.run);
		if (!tool)
			add(ctx, `${path}.run`, `unknown tool "${s.run}"`, suggest(s.run, c.tools.keys(), 'tools'));
		else {
			if (!c.personaTools.has(s.run))
				add(
					ctx,
					`${path}.run`,
					`persona "${c.persona}" may not use "${s.run}"`,
					`Add "${s.run}" to the persona's "tools".`
				);
			if (tool.kind === 'verify')
				add(
					ctx,
					`${path}.run`,
					'a verify tool runs through {"verify": true}',
					'Use {"verify": true} instead.'
				);
			const names = Object.keys('args' in tool ? (tool.args ?? {}) : {});
			for (const [k, t] of Object.entries(s.args ?? {})) {
				if (!names.includes(k))
					add(
						ctx,
						`${path}.args.${k}`,
						`"${s.run}" takes no argument "${k}"`,
						suggest(k, names, `arguments of "${s.run}"`)
					);
				checkTemplate(ctx, t, c.roots, `${path}.args.${k}`);
			}
			if (s.quiet && (tool.kind === 'update' || tool.kind === 'create' || tool.kind === 'http'))
				add(
					ctx,
					`${path}.quiet`,
					'only a read-only tool can run quietly',
					'Remove "quiet": a change is always recorded.'
				);
		}
	}
	if ('say' in s) checkTemplate(ctx, s.say, c.roots, `${path}.say`);
	if ('settle' in s && s.settle) checkTemplate(ctx, s.settle, c.roots, `${path}.settle`);
	if ('ask' in s && 'as' in s) checkTemplate(ctx, s.ask, c.roots, `${path}.ask`);
	if ('confirm' in s) {
		checkTemplate(ctx, s.confirm, c.roots, `${path}.confirm`);
		checkTemplate(ctx, s.declined, c.roots, `${path}.declined`);
	}
	if ('handoff' in s) {
		const to = s.handoff.to;
		if (to && !c.personas.includes(to))
			add(
				ctx,
				`${path}.handoff.to`,
				`unknown persona "${to}"`,
				suggest(to, c.personas, 'personas')
			);
		checkTemplate(ctx, s.handoff.detail, c.roots, `${path}.handoff.detail`);
		if (s.handoff.nextStep)
			checkTemplate(ctx, s.handoff.nextStep, c.roots, `${path}.handoff.nextStep`);
	}
	if ('goto' in s && !c.intents.has(s.goto))
		add(
			ctx,
			`${path}.goto`,
			`unknown intent "${s.goto}" (a goto stays within the persona)`,
			suggest(s.goto, c.intents, 'intents of this persona')
		);
	if ('remember' in s)
		for (const [k, t] of Object.entries(s.remember))
			checkTemplate(ctx, t, c.roots, `${path}.remember.${k}`);
}

function dedupe(issues: FlowIssue[]): FlowIssue[] {
	const seen = new Set<string>();
	return issues.filter((i) => {
		const k = `${i.path}\u0000${i.message}`;
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

// ---- Build -----------------------------------------------------------------------------------

function build(file: FlowFile): Flow {
	const personas: Persona[] = file.personas.map((p) => {
		const intents = (p.intents ?? []).map((i) => ({
			id: i.id,
			label: i.label,
			examples: i.examples,
			...(i.needs ? { needs: i.needs } : {}),
			...(i.steps ? { steps: i.steps } : {})
		}));
		return {
			id: p.id,
			name: p.name,
			kind: p.kind,
			description: p.description,
			instructions: p.instructions,
			greeting: p.greeting,
			examples: [...intents.flatMap((i) => i.examples), ...(p.examples ?? [])],
			intents,
			tools: p.tools ?? [],
			voice: { id: p.voice.kokoro, fallback: p.voice.offline },
			handoffTo: p.handoffTo,
			humanMoments: p.humanMoments ?? [],
			...(p.team ? { team: p.team } : {}),
			...(p.aliases ? { aliases: p.aliases } : {}),
			...(p.handBackTo ? { handBackTo: p.handBackTo } : {})
		};
	});
	return {
		id: file.company.id,
		language: file.company.language,
		company: {
			name: file.company.name,
			...(file.company.supportHours ? { supportHours: file.company.supportHours } : {})
		},
		personas,
		outOfScope: file.outOfScope,
		thresholds: file.thresholds,
		policy: file.policy,
		slots: file.slots ?? [],
		tables: file.tables ?? [],
		tools: file.tools ?? [],
		sensitiveTopics: file.sensitiveTopics ?? [],
		phrases: file.phrases ?? {},
		human: {
			timeoutSeconds: file.human?.timeoutSeconds ?? 30,
			fallbacks: file.human?.fallbacks ?? ['queue', 'callback', 'ai']
		}
	};
}
