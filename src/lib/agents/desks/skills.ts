import { latest, type CallRecord } from '../call-record';
import type { Account, Charge, Dataset } from '../dataset';
import type { FoundEntity } from '../understanding/entities';
import type { Persona } from '../flow';
import type { GuardedOutcome } from '../tools/tool-guard';
import { money, type ToolName, type Tools } from '../tools/tools';
import type { Trigger } from '../routing/triggers';

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

/**
 * Questions whose "yes" runs another skill: the intent a confirmation leads to. The specialist
 * desk asks this, so no intent is named outside the skills.
 */
export const CONFIRMS: Partial<Record<Awaiting, string>> = { confirm_dispute: 'billing.dispute' };

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
	/** Runs a tool through the call's guard: the arguments given are the ones checked and run. */
	call<T = unknown>(tool: ToolName, args: Record<string, unknown>): GuardedOutcome<T>;
	/** Marks a fact as settled; it travels in the package's `resolved`. */
	settle(fact: string): void;
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
 * Makes sure the caller is verified by a secret (the PIN). Returns the account, or a result that
 * asks for exactly the missing facts (never for one the call already has). An account id or phone
 * only says which account to check; a zip, a name or a phone never verifies, so a zip given for an
 * outage check cannot turn into a credential later in the call.
 */
function ensureIdentity(ctx: SkillContext): Account | SkillResult {
	const known = verifiedAccount(ctx);
	if (known) {
		// A caller verified on one account who names another gets no answer about either silently:
		// the other account's holder has to verify for it.
		const other = ctx.turnEntities.find(
			(e) =>
				(e.type === 'account_id' && norm(e.value) !== norm(known.id)) ||
				(e.type === 'phone' && digits(e.value).slice(-10) !== digits(known.phone).slice(-10))
		);
		if (other) {
			return {
				say: `I can only help with the account you verified, ${known.id}. For another account, its holder needs to call and verify with that account's PIN. Anything else on yours?`,
				facts: []
			};
		}
		return known;
	}
	const accountId = latest(ctx.record, 'account_id');
	const phone = latest(ctx.record, 'phone');
	const hasId = accountId !== undefined || phone !== undefined;
	if (hasId && ctx.pin !== undefined) {
		const outcome = ctx.call<{ account: Account }>(
			'identity.verify',
			accountId ? { accountId, pin: ctx.pin } : { phone, pin: ctx.pin }
		);
		ctx.consumePin();
		const acct = verifiedAccount(ctx);
		if (outcome.ok && acct) return acct;
		if (outcome.refused === 'locked') {
			return {
				say: `${outcome.result} A person can check who you are another way.`,
				facts: [],
				trigger: {
					kind: 'agent_limit',
					detail: 'Verification is locked after too many failed attempts.',
					nextStep:
						'Verify the caller another way; the lock-out can be lifted in the console once they are.'
				}
			};
		}
		return {
			say: `${outcome.result} Could you check the account number or phone, and the PIN, and tell me again?`,
			facts: [],
			awaiting: 'identity'
		};
	}
	const missing: string[] = [];
	if (!hasId) missing.push('your account number or the phone number on the account');
	if (ctx.pin === undefined) missing.push('your account PIN');
	return {
		say: `To look at your account I need ${missing.join(', and ')}.`,
		facts: [],
		awaiting: 'identity'
	};
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const digits = (s: string) => s.replace(/\D/g, '');

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
		const r = ctx.call('billing.balance', { accountId: acct.id });
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
		const r = ctx.call<{ charge: Charge; kind: string }>('billing.explainCharge', args);
		if (!r.ok) {
			const list = ctx.call('billing.listCharges', { accountId: acct.id });
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
			const r = ctx.call('billing.explainCharge', {
				accountId: acct.id,
				...(amount !== undefined ? { amount } : {})
			});
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
		const r = ctx.call('billing.flagDispute', {
			accountId: acct.id,
			chargeId: target.id,
			reason: 'duplicate'
		});
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
		if (
			!zip &&
			ctx.pin !== undefined &&
			(latest(ctx.record, 'account_id') || latest(ctx.record, 'phone'))
		) {
			// The caller verified themselves instead: the account's zip is the one to check.
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
		const r = ctx.call<{ outages: Dataset['outages'] }>('support.outage', { zip: at });
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
		if (ctx.memory.ticket && ctx.memory.troubleshot === device && !saidYes(ctx.text)) {
			// One ticket per device per call: saying it still fails again does not open another.
			return {
				say: `Ticket ${String(ctx.memory.ticket)} is already open for the ${device}; a technician will follow up within 24 hours. Anything else?`,
				facts: [`Ticket ${String(ctx.memory.ticket)} opened for the ${device}.`]
			};
		}
		if (ctx.memory.troubleshot === device && !saidYes(ctx.text)) {
			const r = ctx.call<{ ticketId: string }>('support.openTicket', {
				accountId: ctx.record.verified?.accountId ?? null,
				device,
				issue: 'still not working after basic troubleshooting'
			});
			ctx.settle(r.result);
			if (r.ok) ctx.memory.ticket = r.data?.ticketId;
			return { say: `${r.result} A technician will follow up within 24 hours.`, facts: [r.result] };
		}
		if (ctx.memory.troubleshot === device) {
			ctx.settle(`the ${device} works again after troubleshooting`);
			return { say: 'Great, glad it is working again. Anything else?', facts: [] };
		}
		const r = ctx.call<{ steps: string[] }>('support.troubleshoot', { device });
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
			const r = ctx.call('sales.comparePlans', { a: named[0], b: named[1] });
			if (r.ok) ctx.settle(r.result);
			return { say: `${r.result} Would you like a quote to switch?`, facts: [r.result] };
		}
		const r = ctx.call('sales.listPlans', {});
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
				const r = ctx.call('sales.changePlan', { accountId: acct.id, planId: mentioned.id });
				if (r.ok) ctx.settle(r.result);
				return { say: `${r.result} Anything else?`, facts: [r.result] };
			}
			if (saidNo(ctx.text)) {
				return { say: 'No problem, your plan stays as it is. Anything else?', facts: [] };
			}
		}
		const r = ctx.call('sales.quoteUpgrade', { accountId: acct.id, planId: mentioned.id });
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
		const r = ctx.call<{ offers: string[] }>('retention.offers', { accountId: acct.id });
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
