import { identityTool, type Flow, type Persona } from '../flow';
import type { Row, ToolDef } from '../flows/schema';
import type { Scope } from '../flows/scope';
import { norm } from '../flows/tables';
import { changes, readsPrivate, subjectArgs, type ToolOutcome, type ToolRuntime } from './runtime';
import { attemptKeys, type AttemptLimiter } from './verification';

// Every tool call in a call goes through this guard, whoever asks for it: a step of the flow or a
// language model. The guard, not a prompt, decides: the tool must be on the owning persona's list;
// a tool that reads a private table needs a caller verified by a secret, and reads only their rows;
// an argument that names the caller's own record may name no other; a model may only read;
// verification attempts are limited per record and per device across calls. The arguments
// checked are the arguments run.

export type ToolOrigin = 'skill' | 'model';

export type Refusal =
	| 'unknown_tool'
	| 'not_allowed'
	| 'bad_args'
	| 'not_verified'
	| 'other_account'
	| 'model_cannot_act'
	| 'locked';

export type GuardedOutcome = ToolOutcome & { refused?: Refusal; args?: Record<string, unknown> };

/** The caller-facing words when verification is locked; the same whether the record exists. */
export const VERIFY_LOCKED =
	'For your security, that account cannot be verified here right now after too many attempts.';

export type GuardOptions = {
	flow: Flow;
	runtime: ToolRuntime;
	limiter: AttemptLimiter;
	/** This browser or CLI run; attempts are limited per device too. */
	device: string;
	/** The verified caller's row, if any. */
	caller(): Row | undefined;
	/** Records a successful verification in the call. */
	onVerified(row: Row, by: string): void;
};

export { identityTool };

/** The argument names a tool takes. */
export function argNames(tool: ToolDef): string[] {
	if (tool.kind === 'verify') return [...tool.identify.map((i) => i.arg ?? i.slot), tool.secret];
	return Object.keys(tool.args ?? {});
}

export class ToolGuard {
	readonly #o: GuardOptions;

	constructor(options: GuardOptions) {
		this.#o = options;
	}

	/** Runs `tool` for `persona` if the rules allow it; otherwise a refusal that changed nothing. */
	async dispatch(req: {
		persona: Persona;
		tool: string;
		args: Record<string, unknown>;
		origin: ToolOrigin;
		scope: Scope;
	}): Promise<GuardedOutcome> {
		const { persona, args, origin, scope } = req;
		const tool = this.#o.flow.tools.find((t) => t.id === req.tool);
		if (!tool) return refuse('unknown_tool', `There is no tool called ${req.tool}.`);
		if (!persona.tools.includes(tool.id))
			return refuse('not_allowed', `${persona.name} cannot use ${tool.id}.`);
		if (origin === 'model' && (changes(tool) || tool.kind === 'verify'))
			return refuse('model_cannot_act', `${tool.id} is not run on a language model's request.`);
		const names = argNames(tool);
		for (const [k, v] of Object.entries(args)) {
			if (v === undefined) continue;
			if (!names.includes(k)) return refuse('bad_args', `${tool.id} takes no "${k}".`);
			if (v !== null && !['string', 'number', 'boolean'].includes(typeof v))
				return refuse('bad_args', `${tool.id}: ${k} must be text or a number.`);
		}
		if (tool.kind === 'verify') return this.#verify(tool, args, scope);
		const caller = this.#o.caller();
		const identity = identityTool(this.#o.flow);
		const ctx = { scope, caller, identityTable: identity?.table };
		// Settled arguments: what was asked, else each argument's default from the call's facts.
		const settled: Record<string, unknown> = {};
		for (const [k, t] of Object.entries(tool.args ?? {})) {
			const given = args[k];
			const value = given !== undefined && given !== '' ? given : scope.value(t);
			if (value !== undefined && value !== '') settled[k] = value;
		}
		for (const k of subjectArgs(tool)) {
			const given = args[k];
			if (given === undefined || given === null || given === '') continue;
			if (!caller) return refuse('not_verified', `${tool.id} needs a verified caller.`);
			if (norm(given) !== norm(scope.value(tool.args![k]!)))
				return refuse('other_account', `${tool.id} may only act on the verified account.`);
		}
		if (readsPrivate(tool, this.#o.runtime.tables) && !caller)
			return refuse('not_verified', `${tool.id} needs a verified caller.`);
		const out = await this.#o.runtime.run(tool, settled, ctx);
		return { ...out, args: settled };
	}

	#verify(
		tool: Extract<ToolDef, { kind: 'verify' }>,
		args: Record<string, unknown>,
		scope: Scope
	): GuardedOutcome {
		const secret = str(args[tool.secret]);
		const named = tool.identify
			.map((i) => ({ i, value: str(args[i.arg ?? i.slot]) }))
			.find((x) => x.value !== undefined);
		if (!named || !secret)
			return refuse(
				'bad_args',
				`${tool.id} needs one of ${tool.identify.map((i) => i.arg ?? i.slot).join(', ')}, and ${tool.secret}.`
			);
		if (this.#o.caller()) return refuse('bad_args', 'The caller is already verified.');
		const tables = this.#o.runtime.tables;
		const def = tables.def(tool.table);
		const row = tables
			.rows(tool.table)
			.find((r) => identifies(r[named.i.field], named.value!, named.i.match ?? 'exact'));
		// Attempts on an identifier that matches no record are counted against that identifier, so
		// a lock-out looks the same whether the record exists or not.
		const argName = named.i.arg ?? named.i.slot;
		const keys = attemptKeys({
			account: row
				? String(row[def.key])
				: named.i.field === def.key
					? named.value!
					: `${named.i.slot}${norm(named.value!).slice(-10)}`,
			device: this.#o.device
		});
		const limiter = this.#o.limiter;
		const logged = { [argName]: named.value, method: tool.secret };
		if (limiter.locked(keys.account, keys.device))
			return { ...refuse('locked', VERIFY_LOCKED), args: logged };
		const stored = row ? digitsOrText(row[tool.secret]) : '';
		if (row && stored.length > 0 && stored === digitsOrText(secret)) {
			limiter.succeed(keys.account);
			this.#o.onVerified(row, tool.secret);
			return {
				ok: true,
				result: scope.with({ row }).text(tool.result),
				data: { row },
				args: logged
			};
		}
		limiter.fail(keys.account, keys.device);
		return {
			ok: false,
			result: tool.failed ?? 'Those details could not be verified.',
			args: logged
		};
	}
}

function identifies(stored: unknown, said: string, how: 'exact' | 'digits-suffix'): boolean {
	if (how === 'digits-suffix') {
		const d = said.replace(/\D/g, '').slice(-10);
		return (
			d.length >= 7 &&
			String(stored ?? '')
				.replace(/\D/g, '')
				.endsWith(d)
		);
	}
	return norm(stored) !== '' && norm(stored) === norm(said);
}

const digitsOrText = (x: unknown) => {
	const s = String(x ?? '');
	const d = s.replace(/\D/g, '');
	return d.length > 0 ? d : norm(s);
};

function refuse(refused: Refusal, result: string): GuardedOutcome {
	return { ok: false, result, refused };
}

function str(x: unknown): string | undefined {
	if (typeof x === 'number' && Number.isFinite(x)) return String(x);
	return typeof x === 'string' && x.length > 0 ? x : undefined;
}
