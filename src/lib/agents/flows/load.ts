import * as v from 'valibot';
import { FlowError } from '../../errors';
import type { Flow, Persona } from '../flow';
import { FlowFileSchema, type FlowFile, type StepDef } from './schema';
import { dataIssues, type TableData } from './tables';
import { changes } from '../tools/runtime';
import {
	add,
	checkFields,
	checkCondition,
	checkStep,
	checkTemplate,
	checkTool,
	suggest,
	toolResultRoot,
	type Ctx,
	type FlowIssue,
	type Root,
	type Roots
} from './references';
import { issueToFlow } from './shape-issues';

// Loading a flow file: validate its shape (valibot), then every reference it makes (a persona in
// `handoffTo`, a table a tool names, a field a template reads, a row's ref), and only then build
// the runtime flow. A flow with any error does not start half-valid: every error is listed with
// its JSON path and a fix, in the page and in `npm run flow:check`.

export type { FlowIssue };

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
			// Answers read what any of the persona's steps may have found.
			const answerRoots: Roots = new Map(base);
			for (const intent of p.intents ?? [])
				for (const s of intent.steps ?? []) {
					if ('run' in s) answerRoots.set(s.as ?? s.run, toolResultRoot(toolById.get(s.run)));
					if ('ask' in s && 'as' in s) answerRoots.set(s.as, {});
				}
			(p.answers ?? []).forEach((a, n) => {
				const path = `${at}.answers[${n}]`;
				checkTemplate(ctx, a.say, answerRoots, `${path}.say`);
				if (a.again) checkTemplate(ctx, a.again, answerRoots, `${path}.again`);
				if (a.when) checkCondition(ctx, a.when, answerRoots, `${path}.when`);
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
	// What a receiving persona says it can see names only what verification proved: a slot holds
	// what the caller said ("upgrade me to Unlimited Plus"), which is not what is true of them.
	attempt(() => {
		const known = file.phrases?.known;
		if (!known) return;
		const proved: Roots = new Map(
			[...base].filter(([name]) => name === 'caller' || name === 'company')
		);
		checkTemplate(ctx, known, proved, 'phrases.known');
	});

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
			answers: p.answers ?? [],
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
			...(file.company.hours ? { hours: file.company.hours } : {}),
			...(file.company.timeZone ? { timeZone: file.company.timeZone } : {})
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
