import * as v from 'valibot';
import { ConditionSchema, StepSchema } from './schema';
import type { FlowIssue } from './references';

// A flow file's shape errors, in words a person can act on: each with a JSON path
// (`personas[2].intents[0].steps[3]`) and a fix. A step or a condition that matches no kind is
// checked against the kind its key names, so the error says what is wrong with it, not that it
// matched none of eleven.

export function jsonPath(path: readonly (string | number)[]): string {
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
		: 'A condition is {"path": …, "equals"|"notEquals"|"gte"|"lte"|"gt"|"lt"|"matches"|"named"|"exists"|"empty": …}, {"said": regex}, {"repeats": {…}}, or {"all"|"any": […]}, {"not": …}.';
}

export function issueToFlow(
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
	if (issue.received === 'undefined')
		return [
			{
				path: jsonPath(path),
				message: `"${String(last)}" is missing`,
				fix: `Add "${String(last)}" (flows/flow.schema.json describes it).`
			}
		];
	let fix = 'Correct the value to the type shown.';
	if (issue.type === 'strict_object' || issue.type === 'object')
		fix =
			'Write it as an object with its keys, e.g. { "field": … }; flows/flow.schema.json lists them.';
	else if (issue.type === 'array') fix = 'Write it as a list: [ … ].';
	else if (issue.type === 'picklist' || issue.type === 'literal')
		fix = `Use one of the allowed values${issue.expected ? `: ${issue.expected}` : ''}.`;
	else if (issue.type === 'min_length') fix = 'Add at least one entry.';
	else if (issue.type === 'regex' || issue.type === 'check') fix = 'Correct the text.';
	return [{ path: jsonPath(path), message: issue.message, fix }];
}
