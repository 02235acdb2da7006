import type { Condition, FlowFile, StepDef, TableDef, ToolDef } from './schema';
import { holesOf, TemplateSyntaxError } from './template';

export type FlowIssue = { path: string; message: string; fix: string };

// The references a flow file makes, checked one by one: a table a tool names, a field a template
// reads (following refs across tables), a slot a step needs, a tool a persona may use. Each error
// carries its JSON path and a fix, with the nearest known name when there is one.

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

export function suggest(name: string, known: Iterable<string>, what: string): string {
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

export type Ctx = { issues: FlowIssue[]; file: FlowFile; tables: Map<string, TableDef> };

export function add(ctx: Ctx, path: string, message: string, fix: string) {
	ctx.issues.push({ path, message, fix });
}

/** Fields reachable from `table` along `rest` (following refs); returns the missing step, if any. */
export function checkFields(
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

export type Root = { table?: string; result?: string };
export type Roots = Map<string, Root>;

export function checkTemplate(ctx: Ctx, template: string, roots: Roots, path: string): void {
	let holes;
	try {
		holes = holesOf(template);
	} catch (e) {
		if (e instanceof TemplateSyntaxError) {
			add(
				ctx,
				path,
				`template: ${e.message}`,
				/unknown filter/.test(e.message)
					? 'Use one of the filters listed, e.g. {row.price|money}.'
					: 'Write holes as {path} or {path|filter:arg}.'
			);
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

export function checkCondition(ctx: Ctx, c: Condition, roots: Roots, path: string): void {
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
		roots.set('lost', {});
		roots.set('gained', {});
	}
	return roots;
}

export function checkTool(ctx: Ctx, tool: ToolDef, base: Roots, path: string): void {
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

export function toolResultRoot(tool: ToolDef | undefined): Root {
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
	'lost',
	'gained',
	'existing',
	'before',
	'reply'
];

export type StepCtx = {
	roots: Roots;
	persona: string;
	personaTools: Set<string>;
	tools: Map<string, ToolDef>;
	slots: Set<string>;
	intents: Set<string>;
	personas: string[];
	hasVerify: boolean;
};

export function checkStep(ctx: Ctx, s: StepDef, path: string, c: StepCtx): void {
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
	if ('again' in s && s.again) checkTemplate(ctx, s.again, c.roots, `${path}.again`);
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
