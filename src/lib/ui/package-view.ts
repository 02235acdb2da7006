import type { ContextPackage } from '$lib/agents/handoff/context-package';
import type { Flow } from '$lib/agents/flow';
import { identityTool } from '$lib/agents/flow';
import type { Condition, FieldDef, Row, TableDef } from '$lib/agents/flows/schema';
import { asOfNow, type TableData } from '$lib/agents/flows/tables';
import { clauseOf, figuresOf, forTeam, lowerFirst } from '$lib/agents/handoff/wording';

// What an operator reads first about a handed-over caller, built from the context package and the
// company's records the console can read: a one-line header, the records in question as small
// tables (with the row the flow's own rules call a repeat marked), the story with no sentence said
// twice, and how long they have waited (the caller's own key phrases are in key-phrases.ts). Pure:
// the views render it.

/** The company's records as the console reads them: the flow's table definitions and rows. */
export type Records = { flow: Pick<Flow, 'tables' | 'tools'>; data: TableData };

export type HeaderPart = { label: string; value: string; tone?: 'warn' | 'good' };

/** How the caller proved who they are, in words an operator reads at a glance. */
export function verifiedLabel(by: string | undefined): string {
	const words: Record<string, string> = { pin: 'PIN', zip: 'billing zip code' };
	return by ? (words[by] ?? by) : 'an agent';
}

const money = (n: number) => `$${n.toFixed(2)}`;

/** A field's value for the eye: money with its sign, dates short, lists joined. */
export function cell(field: FieldDef | undefined, value: unknown): string {
	if (value === undefined || value === null || value === '') return '';
	if (Array.isArray(value)) return value.join(', ');
	switch (field?.type) {
		case 'money':
			return typeof value === 'number' ? money(value) : String(value);
		case 'date':
			return shortDate(String(value), false);
		case 'datetime':
			return shortDate(String(value), true);
		case 'secret':
			return '';
		default:
			return String(value);
	}
}

function shortDate(iso: string, withTime: boolean): string {
	const t = Date.parse(iso);
	if (Number.isNaN(t)) return iso;
	const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
	return new Date(t).toLocaleString('en-US', {
		month: 'short',
		day: 'numeric',
		...(withTime && !dateOnly ? { hour: 'numeric', minute: '2-digit' } : {}),
		// A date without a time is a calendar day, wherever the console is.
		...(dateOnly ? { timeZone: 'UTC' } : {})
	});
}

/** The caller's own row (the verify tool's table, by the package's account id), if readable. */
export function callerRow(pkg: ContextPackage, records: Records | undefined): Row | undefined {
	const id = pkg.caller.accountId;
	const table = records && identityTool(records.flow as Flow)?.table;
	if (!id || !records || !table) return undefined;
	const def = records.flow.tables.find((t) => t.id === table);
	return def ? records.data[table]?.find((r) => String(r[def.key]) === id) : undefined;
}

/** The name a row goes by: its table's label field, else a field named `name`, else its key. */
function rowName(def: TableDef, row: Row): string {
	const label = def.label ?? (def.fields.some((f) => f.name === 'name') ? 'name' : def.key);
	return String(row[label] ?? row[def.key] ?? '');
}

/** `planId` → "plan": a field's name as a label. */
function fieldLabel(name: string): string {
	return name
		.replace(/Id$/, '')
		.replace(/([a-z])([A-Z])/g, '$1 $2')
		.toLowerCase();
}

/** A tool id or name as words: `billing.flagDispute` → "flag dispute". */
export function toolWords(tool: string): string {
	return fieldLabel(tool.split('.').at(-1) ?? tool);
}

/**
 * The one-line header: who (and how verified), the account's facts (plan, balance, due date…),
 * what they want, what is done, and their mood.
 */
export function headerLine(pkg: ContextPackage, records?: Records): HeaderPart[] {
	const c = pkg.caller;
	const who = [c.name ?? 'Name not given', c.accountId].filter(Boolean).join(' · ');
	// Tries that failed before the caller proved who they are are part of how they were verified.
	const failed = c.verified ? pkg.actions.filter((a) => isVerify(a, records) && !a.ok).length : 0;
	const tries = failed === 0 ? '' : ` after ${failed} failed ${failed === 1 ? 'try' : 'tries'}`;
	const parts: HeaderPart[] = [
		{
			label: 'caller',
			value: `${who}, ${c.verified ? `verified by ${verifiedLabel(c.verifiedBy)}${tries}` : 'not verified'}`,
			tone: c.verified ? 'good' : 'warn'
		}
	];
	const row = callerRow(pkg, records);
	const table = records && identityTool(records.flow as Flow)?.table;
	const def = records?.flow.tables.find((t) => t.id === table);
	if (row && def && records) {
		for (const f of def.fields) {
			if (f.name === def.key || f.type === 'secret' || f.type === 'list') continue;
			if (['name', 'phone', 'email', 'address', 'zip', 'pattern'].includes(f.type)) continue;
			const value = row[f.name];
			if (f.type === 'ref' && f.table) {
				const target = records.flow.tables.find((t) => t.id === f.table);
				const ref = target && records.data[f.table]?.find((r) => r[target.key] === value);
				if (target && ref) parts.push({ label: fieldLabel(f.name), value: rowName(target, ref) });
				continue;
			}
			const shown = cell(f, value);
			if (shown) parts.push({ label: fieldLabel(f.name), value: shown });
		}
	}
	if (c.phone) parts.push({ label: 'phone', value: c.phone });
	parts.push({
		label: 'wants',
		value: wants(pkg)
	});
	const done = pkg.actions
		.filter((a) => !proves(a, records) && !(c.verified && isVerify(a, records)))
		.map((a) => `${toolWords(a.tool)} ${a.ok ? '✓' : '✗'}`);
	parts.push({ label: 'done', value: done.length ? [...new Set(done)].join(', ') : 'nothing yet' });
	parts.push({
		label: 'mood',
		value: pkg.sentiment.label,
		...(pkg.sentiment.label === 'frustrated' || pkg.sentiment.label === 'distressed'
			? { tone: 'warn' as const }
			: {})
	});
	parts.push({ label: 'channel', value: c.channel });
	return parts;
}

/**
 * What the caller wants, written about them for the team ("their balance and due date", never the
 * caller-facing "Your balance…"); the trigger's words when no intent is known.
 */
export function wants(pkg: ContextPackage): string {
	return pkg.intent.id === 'unknown' ? pkg.trigger.detail : forTeam(lowerFirst(pkg.intent.label));
}

/** A call of the flow's identity tool (or, with no records, a tool named for verifying). */
function isVerify(a: ContextPackage['actions'][number], records: Records | undefined): boolean {
	const verify = records ? identityTool(records.flow as Flow)?.id : undefined;
	return a.tool === verify || /verif/i.test(a.tool);
}

/** A verification that worked: the header's "verified by" says it already. */
function proves(a: ContextPackage['actions'][number], records: Records | undefined): boolean {
	return a.ok && isVerify(a, records);
}

export type RecordTable = {
	id: string;
	title: string;
	columns: { name: string; label: string }[];
	rows: { key: string; cells: string[]; inQuestion: boolean; flag: string }[];
};

/** Every string a package holds, where an id it names may appear. */
function packageText(pkg: ContextPackage): string {
	return [
		pkg.summary,
		...pkg.resolved,
		pkg.trigger.detail,
		...pkg.entities.map((e) => e.value),
		...pkg.actions.flatMap((a) => [a.result, ...Object.values(a.args).map((v) => String(v))]),
		...pkg.transcript.map((t) => t.text)
	].join('\n');
}

/** Whether `text` names `key` as a whole token (an id with a digit; plain words are too common). */
function names(text: string, key: string): boolean {
	if (!/\d/.test(key)) return false;
	const esc = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`(^|[^A-Za-z0-9])${esc}($|[^A-Za-z0-9])`, 'i').test(text);
}

type Repeats = { same: string[]; withinDays?: number; dateField?: string; why: string };

/** The flow's own rule for a row that repeats another in `table` (a duplicate charge), if any. */
function repeatRule(flow: Records['flow'], table: string): Repeats | undefined {
	const find = (c: Condition | undefined): Condition | undefined => {
		if (!c) return undefined;
		if ('repeats' in c) return c;
		if ('all' in c) return c.all.map(find).find(Boolean);
		if ('any' in c) return c.any.map(find).find(Boolean);
		return undefined;
	};
	for (const tool of flow.tools) {
		if (!('table' in tool) || tool.table !== table || !('where' in tool)) continue;
		const c = find(tool.where as Condition | undefined);
		if (c && 'repeats' in c) return { ...c.repeats, why: tool.description ?? toolWords(tool.id) };
	}
	return undefined;
}

/** The earlier row `row` repeats under the rule, or undefined. */
function repeatOf(rule: Repeats, row: Row, rows: Row[]): Row | undefined {
	const field = rule.dateField ?? 'date';
	const time = (x: Row) => Date.parse(String(x[field] ?? ''));
	const t = time(row);
	return rows.find((other) => {
		if (other === row) return false;
		const earlier =
			time(other) < t || (time(other) === t && rows.indexOf(other) < rows.indexOf(row));
		if (!earlier || !rule.same.every((f) => String(other[f]) === String(row[f]))) return false;
		return (
			rule.withinDays === undefined || Math.abs(t - time(other)) / 86_400_000 <= rule.withinDays
		);
	});
}

/** At most this many rows per table, newest first, always keeping the ones in question. */
const MAX_ROWS = 6;

/**
 * The records in question, one small table each: the caller's own rows of each table that belongs
 * to them (charges, open disputes), the rows of other tables the call names or that share a value
 * with the caller (an outage at their zip code), and their list fields (devices). Rows the package
 * names are marked in question; a row that repeats an earlier one by the flow's own rule is flagged.
 */
export function recordsInQuestion(
	pkg: ContextPackage,
	records: Records | undefined
): RecordTable[] {
	if (!records) return [];
	const text = packageText(pkg);
	const callers = identityTool(records.flow as Flow)?.table;
	const me = callerRow(pkg, records);
	const meDef = records.flow.tables.find((t) => t.id === callers);
	const zips = new Set(
		[
			...pkg.entities.filter((e) => e.type === 'zip').map((e) => e.value),
			...(me && meDef
				? meDef.fields.filter((f) => f.type === 'zip').map((f) => String(me[f.name] ?? ''))
				: [])
		].filter(Boolean)
	);
	const tables: RecordTable[] = [];
	for (const def of records.flow.tables) {
		if (def.id === callers) continue;
		// Live status written for one moment (a demo's outages) is shown as of the handoff, as the
		// assistant said it.
		const rows = asOfNow(def, records.data[def.id] ?? [], new Date(pkg.createdAt));
		const ownerField = def.owner && def.fields.find((f) => f.name === def.owner);
		const mine = (r: Row) =>
			!!ownerField && ownerField.table === callers && !!me && meDef !== undefined
				? String(r[ownerField.name]) === String(me[meDef.key])
				: false;
		const named = (r: Row) => names(text, String(r[def.key] ?? ''));
		const zipField = (r: Row) =>
			def.fields.find((f) => f.type === 'zip' && zips.has(String(r[f.name] ?? '')));
		const atZip = (r: Row) => zipField(r) !== undefined;
		// A private table of someone else's rows is never shown, even when an id is named.
		const shown = rows.filter((r) => (def.private ? mine(r) : named(r) || atZip(r) || mine(r)));
		if (shown.length === 0) continue;
		const rule = repeatRule(records.flow, def.id);
		const columns = def.fields
			.filter((f) => f.type !== 'secret' && f.name !== def.owner && f.type !== 'pattern')
			.map((f) => ({ name: f.name, label: fieldLabel(f.name) }));
		const built = shown.map((r) => {
			const copy = rule ? repeatOf(rule, r, shown) : undefined;
			return {
				key: String(r[def.key] ?? ''),
				cells: columns.map((c) =>
					cell(
						def.fields.find((f) => f.name === c.name),
						r[c.name]
					)
				),
				inQuestion: named(r) || atZip(r) || copy !== undefined,
				// Why the row is in question, the strongest reason first.
				flag: copy
					? `repeats ${String(copy[def.key])}`
					: named(r)
						? 'named in the call'
						: atZip(r)
							? `at their ${fieldLabel(zipField(r)!.name)}`
							: ''
			};
		});
		// The ones in question first, then the newest, within the limit.
		const ordered = [
			...built.filter((b) => b.inQuestion),
			...built.filter((b) => !b.inQuestion).reverse()
		].slice(0, Math.max(MAX_ROWS, built.filter((b) => b.inQuestion).length));
		const kept = built.filter((b) => ordered.includes(b));
		// A caller who named an account but did not prove it: the agent verifies before discussing it.
		const title = `${fieldLabel(def.id)}${def.private && !pkg.caller.verified ? ' (account not verified)' : ''}`;
		tables.push({ id: def.id, title, columns, rows: kept });
	}
	if (me && meDef) {
		for (const f of meDef.fields.filter((x) => x.type === 'list')) {
			const items = (me[f.name] as unknown[] | undefined) ?? [];
			if (items.length === 0) continue;
			const said = pkg.entities
				.filter((e) => e.type === 'device')
				.map((e) => e.value.toLowerCase());
			tables.push({
				id: f.name,
				title: fieldLabel(f.name),
				columns: [{ name: f.name, label: fieldLabel(f.name).replace(/s$/, '') }],
				rows: items.map((it) => {
					const named = said.includes(String(it).toLowerCase()) || names(text, String(it));
					return {
						key: String(it),
						cells: [String(it)],
						inQuestion: named,
						flag: named ? 'named in the call' : ''
					};
				})
			});
		}
	}
	return tables;
}

/** A sentence as compared for repeats: letters and digits only, lower case. */
const norm = (s: string) =>
	s
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();

/** Sentences of a text, split after . ! or ? before a capital, a digit or a quote. */
export function sentences(text: string): string[] {
	return text
		.split(/(?<=[.!?])\s+(?=["'“$A-Z0-9])/)
		.map((s) => s.trim())
		.filter(Boolean);
}

export type StoryLine = { kind: 'summary' | 'settled' | 'action'; text: string; ok?: boolean };

/**
 * What happened, each sentence once: the summary's sentences, then what was settled, then each
 * action's result, skipping any sentence already said above (the dispute sentence used to appear
 * three times). An action whose result is all repeats is still listed by its tool, with no text;
 * a verification that worked is left to the header.
 */
export function story(pkg: ContextPackage, records?: Records): StoryLine[] {
	const seen = new Set<string>();
	const fresh = (text: string) =>
		sentences(text)
			.filter((s) => {
				const k = norm(s);
				if (!k || seen.has(k)) return false;
				seen.add(k);
				return true;
			})
			.join(' ');
	// A verification that worked, or failed tries before it did, are in the header.
	const actions = pkg.actions.filter(
		(a) => !proves(a, records) && !(pkg.caller.verified && isVerify(a, records))
	);
	// The summary's sentence of facts is the first clause of each of the last results; the
	// actions below give them whole, so the summary keeps who called, about what, and why here.
	const clauses = new Set(
		actions.filter((a) => a.ok).map((a) => norm(forTeam(clauseOf(a.result))))
	);
	const ofActions = (sentence: string) =>
		sentence
			.replace(/\.$/, '')
			.split(/;\s+/)
			.every((part) => clauses.has(norm(part)));
	// A settled fact whose figures the summary or a result already gives is said already.
	const figures = new Set(
		[pkg.summary, ...actions.map((a) => a.result)].flatMap((t) => figuresOf(t).map(norm))
	);
	const heldAbove = (text: string) =>
		figuresOf(text).length > 0 && figuresOf(text).every((f) => figures.has(norm(f)));
	const lines: StoryLine[] = [];
	const summary = fresh(
		sentences(pkg.summary)
			.filter((x) => !ofActions(x))
			.join(' ')
	);
	if (summary) lines.push({ kind: 'summary', text: summary });
	for (const r of pkg.resolved) {
		if (heldAbove(r)) continue;
		// Settled facts are worded for the caller ("you have $94 to pay"); the team reads "they".
		const t = fresh(forTeam(r));
		if (t) lines.push({ kind: 'settled', text: t });
	}
	for (const a of actions) {
		const t = fresh(a.result);
		lines.push({ kind: 'action', text: `${toolWords(a.tool)}${t ? `: ${t}` : ''}`, ok: a.ok });
	}
	return lines;
}

/** "1:05", "12:30", "1:02:03": a duration for a clock on screen. */
export function clock(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * When the caller went on hold: the handoff to a person, by the package's clock; a package dated
 * in this console's future (another machine's clock runs ahead) counts from its arrival here.
 */
export function holdStart(pkg: ContextPackage, receivedAt: number): number {
	const created = Date.parse(pkg.createdAt);
	return Number.isNaN(created) || created > receivedAt ? receivedAt : created;
}
