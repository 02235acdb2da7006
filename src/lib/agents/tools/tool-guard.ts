import type { Account } from '../dataset';
import type { Persona } from '../flow';
import type { ToolName, ToolOutcome, Tools } from './tools';
import { attemptKeys, type AttemptLimiter } from './verification';

// Every tool call in a call goes through this guard, whoever asks for it: a skill or a language
// model. The guard, not a prompt, decides: the tool must be on the owning persona's list; a tool
// that reads or changes an account needs a caller verified by a secret, and only on that account;
// a model may only read; verification attempts are limited per account and per device across
// calls. The arguments checked are the arguments run.

export type ToolOrigin = 'skill' | 'model';

export type Refusal =
	| 'unknown_tool'
	| 'not_allowed'
	| 'bad_args'
	| 'not_verified'
	| 'other_account'
	| 'model_cannot_act'
	| 'locked';

export type GuardedOutcome<T = unknown> = ToolOutcome<T> & { refused?: Refusal };

type Policy = {
	/** Reads or changes one account: needs verification, and only the verified account. */
	account: 'none' | 'required' | 'optional';
	/** Changes something (a plan, a dispute, a ticket, a cancellation): never on a model's word. */
	changes: boolean;
};

const POLICY: Record<ToolName, Policy> = {
	'identity.verify': { account: 'none', changes: false },
	'billing.balance': { account: 'required', changes: false },
	'billing.listCharges': { account: 'required', changes: false },
	'billing.explainCharge': { account: 'required', changes: false },
	'billing.flagDispute': { account: 'required', changes: true },
	'support.outage': { account: 'none', changes: false },
	'support.troubleshoot': { account: 'none', changes: false },
	'support.openTicket': { account: 'optional', changes: true },
	'sales.listPlans': { account: 'none', changes: false },
	'sales.comparePlans': { account: 'none', changes: false },
	'sales.quoteUpgrade': { account: 'required', changes: false },
	'sales.changePlan': { account: 'required', changes: true },
	'retention.offers': { account: 'required', changes: false },
	'retention.cancel': { account: 'required', changes: true }
};

export const TOOL_NAMES = Object.keys(POLICY) as ToolName[];

export function isToolName(name: string): name is ToolName {
	return Object.hasOwn(POLICY, name);
}

/** Whether a tool changes anything (for reports and tests). */
export function toolChanges(name: ToolName): boolean {
	return POLICY[name].changes;
}

/** The caller-facing words when verification is locked; the same whether the account exists. */
export const VERIFY_LOCKED =
	'For your security, that account cannot be verified here right now after too many attempts.';

export type GuardOptions = {
	tools: Tools;
	limiter: AttemptLimiter;
	/** This browser or CLI run; attempts are limited per device too. */
	device: string;
	/** The account verified in this call, if any. */
	verified(): string | undefined;
	/** Records a successful verification in the call. */
	onVerified(account: Account): void;
};

export class ToolGuard {
	readonly #o: GuardOptions;

	constructor(options: GuardOptions) {
		this.#o = options;
	}

	/** Runs `tool` for `persona` if the rules allow it; otherwise a refusal that changed nothing. */
	dispatch<T = unknown>(req: {
		persona: Persona;
		tool: string;
		args: Record<string, unknown>;
		origin: ToolOrigin;
	}): GuardedOutcome<T> {
		const { persona, tool, args, origin } = req;
		if (!isToolName(tool)) return refuse('unknown_tool', `There is no tool called ${tool}.`);
		if (!persona.tools.includes(tool))
			return refuse('not_allowed', `${persona.name} cannot use ${tool}.`);
		const policy = POLICY[tool];
		if (origin === 'model' && (policy.changes || tool === 'identity.verify'))
			return refuse('model_cannot_act', `${tool} is not run on a language model's request.`);
		const verified = this.#o.verified();
		const accountArg = args.accountId;
		if (accountArg !== undefined && accountArg !== null && typeof accountArg !== 'string')
			return refuse('bad_args', `${tool}: accountId must be a string.`);
		if (policy.account === 'required' || (policy.account === 'optional' && accountArg)) {
			if (!verified) return refuse('not_verified', `${tool} needs a verified caller.`);
			if (typeof accountArg !== 'string' || !sameId(accountArg, verified))
				return refuse('other_account', `${tool} may only act on the verified account.`);
		} else if (accountArg && tool !== 'identity.verify') {
			return refuse('bad_args', `${tool} takes no account.`);
		}
		if (tool === 'identity.verify') return this.#verify(args) as GuardedOutcome<T>;
		const run = runner(this.#o.tools, tool, args);
		if (!run) return refuse('bad_args', `${tool} was asked with arguments it does not take.`);
		return run() as GuardedOutcome<T>;
	}

	#verify(args: Record<string, unknown>): GuardedOutcome {
		const accountId = str(args.accountId);
		const phone = str(args.phone);
		const pin = str(args.pin);
		if ((!accountId && !phone) || !pin)
			return refuse('bad_args', 'identity.verify needs an account id or phone, and a PIN.');
		if (this.#o.verified()) return refuse('bad_args', 'The caller is already verified.');
		const tools = this.#o.tools;
		const account = tools.identify({ accountId, phone });
		// Attempts on an identifier that matches no account are counted against that identifier, so
		// a lock-out looks the same whether the account exists or not.
		const keys = attemptKeys({
			account: account?.id ?? accountId ?? `phone${phone!.replace(/\D/g, '').slice(-10)}`,
			device: this.#o.device
		});
		const limiter = this.#o.limiter;
		if (limiter.locked(keys.account, keys.device)) return refuse('locked', VERIFY_LOCKED);
		const outcome = tools.verify({ accountId, phone, pin });
		if (outcome.ok && outcome.data) {
			limiter.succeed(keys.account);
			this.#o.onVerified(outcome.data.account);
		} else {
			limiter.fail(keys.account, keys.device);
		}
		return outcome;
	}
}

function refuse(refused: Refusal, result: string): GuardedOutcome<never> {
	return { ok: false, result, refused };
}

function sameId(a: string, b: string): boolean {
	const n = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
	return n(a) === n(b);
}

function str(x: unknown): string | undefined {
	return typeof x === 'string' && x.length > 0 ? x : undefined;
}

function num(x: unknown): number | undefined {
	return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** The tool call for `args`, or undefined when an argument is missing or of the wrong type. */
function runner(t: Tools, tool: ToolName, a: Record<string, unknown>): (() => ToolOutcome) | null {
	const id = str(a.accountId);
	switch (tool) {
		case 'billing.balance':
			return id ? () => t.balance(id) : null;
		case 'billing.listCharges':
			return id ? () => t.listCharges(id) : null;
		case 'billing.explainCharge': {
			if (!id || (a.amount !== undefined && num(a.amount) === undefined)) return null;
			const args = {
				accountId: id,
				amount: num(a.amount),
				date: str(a.date),
				chargeId: str(a.chargeId)
			};
			return () => t.explainCharge(args);
		}
		case 'billing.flagDispute': {
			const chargeId = str(a.chargeId);
			const reason = str(a.reason) ?? 'not given';
			return id && chargeId ? () => t.flagDispute({ accountId: id, chargeId, reason }) : null;
		}
		case 'support.outage': {
			const zip = str(a.zip);
			return zip ? () => t.outage(zip) : null;
		}
		case 'support.troubleshoot': {
			const device = str(a.device);
			return device ? () => t.troubleshoot(device) : null;
		}
		case 'support.openTicket': {
			const issue = str(a.issue);
			return issue ? () => t.openTicket({ accountId: id, device: str(a.device), issue }) : null;
		}
		case 'sales.listPlans':
			return () => t.listPlans();
		case 'sales.comparePlans': {
			const x = str(a.a);
			const y = str(a.b);
			return x && y ? () => t.comparePlans(x, y) : null;
		}
		case 'sales.quoteUpgrade': {
			const planId = str(a.planId);
			return id && planId ? () => t.quoteUpgrade(id, planId) : null;
		}
		case 'sales.changePlan': {
			const planId = str(a.planId);
			return id && planId ? () => t.changePlan(id, planId) : null;
		}
		case 'retention.offers':
			return id ? () => t.offers(id) : null;
		case 'retention.cancel':
			return id ? () => t.cancel(id, a.confirmedByHuman === true) : null;
		case 'identity.verify':
			return null;
	}
}
