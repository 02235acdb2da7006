import { latest, type CallRecord } from './call-record';
import type { Account } from './dataset';
import type { FoundEntity } from './entities';
import type { Persona } from './flow';
import { money, type ToolName, type ToolOutcome, type Tools } from './tools';
import type { Trigger } from './triggers';

// Skills are the rules that let each specialist do its job with no model: which tools to call for
// an intent, what to ask for when a fact is missing, and when a person must take over. They return
// a draft reply built from tool results; a responder (rules, or an LLM later) turns it into words.

export type Awaiting =
	| 'confirm_dispute'
	| 'identity'
	| 'zip'
	| 'device'
	| 'plan'
	| 'confirm_plan_change'
	| 'ticket'
	| 'offer_choice'
	| 'human_offer'
	| 'clarify';

export type SkillResult = {
	say: string;
	/** Facts the reply relies on (tool results), for a responder that rephrases. */
	facts: string[];
	awaiting?: Awaiting;
	/** Set when this turn requires a handoff (workflow, agent_limit, sensitive_topic). */
	trigger?: Trigger & { nextStep?: string };
};

export type SkillContext = {
	persona: Persona;
	tools: Tools;
	record: CallRecord;
	/** Redacted text of the current turn. */
	text: string;
	turnEntities: FoundEntity[];
	/** A PIN the caller gave (this turn or earlier, not yet used). Never stored in the record. */
	pin?: string;
	awaiting?: Awaiting;
	memory: Record<string, unknown>;
	call<T>(tool: ToolName, args: Record<string, unknown>, run: () => ToolOutcome<T>): ToolOutcome<T>;
	/** Marks a fact as settled; it travels in the package's `resolved`. */
	settle(fact: string): void;
	/** Records a successful verification. */
	verify(account: Account, by: 'pin' | 'zip'): void;
	consumePin(): void;
};

const YES =
	/\b(yes|yeah|yep|yup|sure|please do|go ahead|do it|ok|okay|sounds good|confirm|correct|that's right|let's do it)\b/i;
const NO = /\b(no|nope|not now|don't|do not|never mind|cancel that)\b/i;

export function saidYes(text: string): boolean {
	return YES.test(text) && !NO.test(text.replace(/\bno problem\b/i, ''));
}

export function saidNo(text: string): boolean {
	return NO.test(text) && !YES.test(text);
}

function verifiedAccount(ctx: SkillContext): Account | undefined {
	const v = ctx.record.verified;
	return v ? ctx.tools.account(v.accountId) : undefined;
}

/**
 * Makes sure the caller is verified. Returns the account, or a result that asks for exactly the
 * missing facts (never for one the call already has).
 */
function ensureIdentity(ctx: SkillContext): Account | SkillResult {
	const known = verifiedAccount(ctx);
	if (known) return known;
	const accountId = latest(ctx.record, 'account_id');
	const phone = latest(ctx.record, 'phone');
	const zip = latest(ctx.record, 'zip');
	const hasId = accountId !== undefined || phone !== undefined;
	const secret = ctx.pin ?? zip;
	if (hasId && secret !== undefined) {
		const args: Record<string, unknown> = accountId ? { accountId } : { phone };
		args.method = ctx.pin ? 'pin' : 'zip';
		const outcome = ctx.call('identity.verify', args, () =>
			ctx.tools.verify({
				accountId,
				phone: accountId ? undefined : phone,
				pin: ctx.pin,
				zip: ctx.pin ? undefined : zip
			})
		);
		ctx.consumePin();
		if (outcome.ok && outcome.data) {
			ctx.verify(outcome.data.account, outcome.data.by);
			return outcome.data.account;
		}
		return {
			say: `${outcome.result} Could you check it and tell me again?`,
			facts: [outcome.result],
			awaiting: 'identity'
		};
	}
	const missing: string[] = [];
	if (!hasId) missing.push('your account number or the phone number on the account');
	if (secret === undefined) missing.push('your PIN or billing zip code');
	return {
		say: `To look at your account I need ${missing.join(', and ')}.`,
		facts: [],
		awaiting: 'identity'
	};
}

function isResult(x: Account | SkillResult): x is SkillResult {
	return 'say' in x;
}

function amountSaid(ctx: SkillContext): number | undefined {
	const a = ctx.turnEntities.find((e) => e.type === 'amount') ?? undefined;
	const v = a?.value ?? latest(ctx.record, 'amount');
	return v === undefined ? undefined : Number(v);
}

function dateSaid(ctx: SkillContext): string | undefined {
	return ctx.turnEntities.find((e) => e.type === 'date')?.value;
}

const skills: Record<string, (ctx: SkillContext) => SkillResult> = {
	'billing.balance'(ctx) {
		const acct = ensureIdentity(ctx);
		if (isResult(acct)) return acct;
		const r = ctx.call('billing.balance', { accountId: acct.id }, () => ctx.tools.balance(acct.id));
		if (!r.ok) return { say: r.result, facts: [r.result] };
		ctx.settle(`your balance is ${money(acct.balance)}, due ${acct.dueDate}`);
		return {
			say: `Your balance is ${money(acct.balance)}, due on ${acct.dueDate}. Anything else I can help with?`,
			facts: [r.result]
		};
	},

	'billing.charge'(ctx) {
		const acct = ensureIdentity(ctx);
		if (isResult(acct)) return acct;
		const amount = amountSaid(ctx);
		const args: Record<string, unknown> = { accountId: acct.id };
		if (amount !== undefined) args.amount = amount;
		const date = dateSaid(ctx);
		if (date) args.date = date;
		const r = ctx.call('billing.explainCharge', args, () =>
			ctx.tools.explainCharge({ accountId: acct.id, amount, date })
		);
		if (!r.ok) {
			const list = ctx.call('billing.listCharges', { accountId: acct.id }, () =>
				ctx.tools.listCharges(acct.id)
			);
			return { say: `${r.result} ${list.result} Which one is it?`, facts: [r.result, list.result] };
		}
		ctx.settle(r.result);
		ctx.memory.lastCharge = r.data?.charge.id;
		if (r.data?.kind === 'duplicate') {
			return {
				say: `${r.result} Would you like me to dispute it for you?`,
				facts: [r.result],
				awaiting: 'confirm_dispute'
			};
		}
		return { say: `${r.result} Is there anything else about your bill?`, facts: [r.result] };
	},

	'billing.dispute'(ctx) {
		const acct = ensureIdentity(ctx);
		if (isResult(acct)) return acct;
		const amount = amountSaid(ctx);
		const dups = ctx.tools.duplicates(acct);
		let target = dups.find((d) => amount === undefined || Math.abs(d.amount - amount) < 0.005);
		if (!target && typeof ctx.memory.lastCharge === 'string') {
			target = acct.charges.find((c) => c.id === ctx.memory.lastCharge && dups.includes(c));
		}
		if (!target) {
			const r = ctx.call(
				'billing.explainCharge',
				{ accountId: acct.id, ...(amount !== undefined ? { amount } : {}) },
				() => ctx.tools.explainCharge({ accountId: acct.id, amount })
			);
			return {
				say: `${r.result} That is not a duplicate, so a dispute needs a person to review it.`,
				facts: [r.result],
				trigger: {
					kind: 'agent_limit',
					detail: 'Dispute of a charge that is not a duplicate needs review by a person.',
					nextStep: 'Review the disputed charge with the caller and decide on a credit.'
				}
			};
		}
		const r = ctx.call(
			'billing.flagDispute',
			{ accountId: acct.id, chargeId: target.id, reason: 'duplicate' },
			() => ctx.tools.flagDispute({ accountId: acct.id, chargeId: target.id, reason: 'duplicate' })
		);
		if (r.ok) ctx.settle(r.result);
		return { say: `${r.result} Anything else?`, facts: [r.result] };
	},

	'billing.payment'() {
		return {
			say: 'Payments are taken by a person on a secure line, so I never handle card details.',
			facts: [],
			trigger: {
				kind: 'sensitive_topic',
				detail: 'payment',
				nextStep:
					'Take the payment over a secure line; no card details were collected by the assistant.'
			}
		};
	},

	'support.outage'(ctx) {
		let zip = latest(ctx.record, 'zip') ?? verifiedAccount(ctx)?.zip;
		if (!zip && (latest(ctx.record, 'account_id') || latest(ctx.record, 'phone'))) {
			// The caller identified themselves instead: the account's zip is the one to check.
			const acct = ensureIdentity(ctx);
			if (isResult(acct)) return acct;
			zip = acct.zip;
		}
		const at = zip;
		if (!at)
			return {
				say: 'Which zip code are you in? I will check for outages there.',
				facts: [],
				awaiting: 'zip'
			};
		const r = ctx.call('support.outage', { zip: at }, () => ctx.tools.outage(at));
		const outages = r.data?.outages ?? [];
		if (outages.length > 0) {
			ctx.settle(r.result);
			return {
				say: `${r.result} There is nothing to fix on your phone; service will come back on its own.`,
				facts: [r.result]
			};
		}
		ctx.settle(r.result);
		const next = skills['support.device']!(ctx);
		return { ...next, facts: [r.result, ...next.facts], say: `${r.result} ${next.say}` };
	},

	'support.device'(ctx) {
		const accountDevices = verifiedAccount(ctx)?.devices ?? [];
		const device =
			latest(ctx.record, 'device') ?? (accountDevices.length === 1 ? accountDevices[0] : undefined);
		if (!device) {
			return { say: 'Which device is giving you trouble?', facts: [], awaiting: 'device' };
		}
		if (ctx.memory.troubleshot === device && !saidYes(ctx.text)) {
			const r = ctx.call(
				'support.openTicket',
				{
					accountId: ctx.record.verified?.accountId ?? null,
					device,
					issue: 'still not working after basic troubleshooting'
				},
				() =>
					ctx.tools.openTicket({
						accountId: ctx.record.verified?.accountId,
						device,
						issue: 'still not working after basic troubleshooting'
					})
			);
			ctx.settle(r.result);
			return { say: `${r.result} A technician will follow up within 24 hours.`, facts: [r.result] };
		}
		if (ctx.memory.troubleshot === device) {
			ctx.settle(`the ${device} works again after troubleshooting`);
			return { say: 'Great, glad it is working again. Anything else?', facts: [] };
		}
		const r = ctx.call('support.troubleshoot', { device }, () => ctx.tools.troubleshoot(device));
		ctx.memory.troubleshot = device;
		const steps = r.data?.steps ?? [];
		return {
			say: `Let's try this on your ${device}: first, ${steps.join('; then ')}. Did that fix it?`,
			facts: [r.result],
			awaiting: 'ticket'
		};
	},

	'sales.plans'(ctx) {
		const named = ctx.turnEntities.filter((e) => e.type === 'plan').map((e) => e.value);
		if (named.length >= 2) {
			const r = ctx.call('sales.comparePlans', { a: named[0], b: named[1] }, () =>
				ctx.tools.comparePlans(named[0]!, named[1]!)
			);
			if (r.ok) ctx.settle(r.result);
			return { say: `${r.result} Would you like a quote to switch?`, facts: [r.result] };
		}
		const r = ctx.call('sales.listPlans', {}, () => ctx.tools.listPlans());
		return { say: `${r.result} Which one interests you?`, facts: [r.result], awaiting: 'plan' };
	},

	'sales.upgrade'(ctx) {
		const acct = ensureIdentity(ctx);
		if (isResult(acct)) return acct;
		const current = ctx.tools.plan(acct.planId);
		const mentioned = [...ctx.turnEntities, ...ctx.record.entities.slice().reverse()]
			.filter((e) => e.type === 'plan')
			.map((e) => ctx.tools.plan(e.value))
			.find((p) => p && p.id !== acct.planId);
		if (!mentioned) {
			const wantsMore = /\b(more data|bigger|upgrade|better)\b/i.test(ctx.text);
			const candidates = ctx.tools.dataset.plans.filter(
				(p) => !current || (wantsMore ? p.monthly > current.monthly : p.id !== current.id)
			);
			const list = candidates.map((p) => `${p.name} at ${money(p.monthly)}`).join(', ');
			return {
				say: `You're on ${current?.name ?? acct.planId} at ${current ? money(current.monthly) : 'your current price'}. You could move to ${list}. Which would you like?`,
				facts: [],
				awaiting: 'plan'
			};
		}
		if (ctx.awaiting === 'confirm_plan_change' && ctx.memory.quoted === mentioned.id) {
			if (saidYes(ctx.text)) {
				const r = ctx.call('sales.changePlan', { accountId: acct.id, planId: mentioned.id }, () =>
					ctx.tools.changePlan(acct.id, mentioned.id)
				);
				if (r.ok) ctx.settle(r.result);
				return { say: `${r.result} Anything else?`, facts: [r.result] };
			}
			if (saidNo(ctx.text)) {
				return { say: 'No problem, your plan stays as it is. Anything else?', facts: [] };
			}
		}
		const r = ctx.call('sales.quoteUpgrade', { accountId: acct.id, planId: mentioned.id }, () =>
			ctx.tools.quoteUpgrade(acct.id, mentioned.id)
		);
		if (!r.ok) return { say: r.result, facts: [r.result] };
		ctx.memory.quoted = mentioned.id;
		ctx.settle(r.result);
		return {
			say: `${r.result} Shall I make the change?`,
			facts: [r.result],
			awaiting: 'confirm_plan_change'
		};
	},

	'retention.offers'(ctx) {
		const acct = ensureIdentity(ctx);
		if (isResult(acct)) return acct;
		const r = ctx.call('retention.offers', { accountId: acct.id }, () => ctx.tools.offers(acct.id));
		ctx.memory.offered = true;
		const offers = r.data?.offers ?? [];
		return {
			say: `I'd like to keep you with us. I can offer ${offers.join(', or ')}. Would any of those help?`,
			facts: [r.result],
			awaiting: 'offer_choice'
		};
	},

	'retention.cancel'(ctx) {
		const acct = ensureIdentity(ctx);
		if (isResult(acct)) return acct;
		if (!ctx.memory.offered) {
			const offered = skills['retention.offers']!(ctx);
			return {
				...offered,
				say: `Before you go: ${offered.say.replace(/^I'd like to keep you with us\. /, '')}`
			};
		}
		return {
			say: 'I understand. A cancellation has to be confirmed by a person.',
			facts: [],
			trigger: {
				kind: 'workflow',
				detail: 'cancel_service: a cancellation is confirmed by a person.',
				nextStep: `Confirm the cancellation of account ${acct.id} with the caller; offers were already presented.`
			}
		};
	}
};

export function runSkill(intentId: string, ctx: SkillContext): SkillResult {
	const skill = skills[intentId];
	if (!skill) {
		return {
			say: 'I am not able to do that myself.',
			facts: [],
			trigger: { kind: 'agent_limit', detail: `No skill handles the intent "${intentId}".` }
		};
	}
	return skill(ctx);
}
