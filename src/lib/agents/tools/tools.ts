import type { Account, Charge, Dataset, Plan } from '../dataset';

// Tools run real logic over the call's own copy of the dataset, so a plan change in one call never
// leaks into another. Every call returns a plain-language `result` that is safe to show, speak and
// store (no PINs), plus structured `data` for the skill that called it.

export type ToolOutcome<T = unknown> = { ok: boolean; result: string; data?: T };

export type ToolName =
	| 'identity.verify'
	| 'billing.balance'
	| 'billing.listCharges'
	| 'billing.explainCharge'
	| 'billing.flagDispute'
	| 'support.outage'
	| 'support.troubleshoot'
	| 'support.openTicket'
	| 'sales.listPlans'
	| 'sales.comparePlans'
	| 'sales.quoteUpgrade'
	| 'sales.changePlan'
	| 'retention.offers'
	| 'retention.cancel';

export const money = (n: number) => `$${n.toFixed(2)}`;

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const digitsOf = (s: string) => s.replace(/\D/g, '');

/** The one answer to a failed verification, whatever failed: unknown account, phone or PIN. */
export const VERIFY_FAILED = 'Those account details and PIN could not be verified.';

/** Charges are duplicates when amount and description match within this many days. */
const DUPLICATE_WINDOW_DAYS = 7;

const TROUBLESHOOTING: { match: RegExp; steps: string[] }[] = [
	{
		match: /router|home internet/i,
		steps: [
			'unplug the router for 30 seconds and plug it back in',
			'check that the power and internet lights are solid, not blinking',
			'move the router away from walls and other electronics'
		]
	},
	{
		match: /hotspot/i,
		steps: [
			'turn the hotspot off and on again',
			'check that hotspot is included in your plan and has allowance left',
			'forget the hotspot network on your laptop and reconnect'
		]
	},
	{
		match: /iphone|ipad|apple/i,
		steps: [
			'restart the phone by holding the side button and a volume button',
			'turn Airplane Mode on for 10 seconds, then off',
			'go to Settings, General, Transfer or Reset, Reset Network Settings'
		]
	},
	{
		match: /pixel|galaxy|moto|android|samsung/i,
		steps: [
			'restart the phone by holding the power button',
			'turn Airplane mode on for 10 seconds, then off',
			'go to Settings, System, Reset options, Reset Wi-Fi, mobile and Bluetooth'
		]
	},
	{
		match: /./,
		steps: [
			'restart the device',
			'toggle Airplane mode on and off',
			'remove and reinsert the SIM card'
		]
	}
];

export class Tools {
	readonly dataset: Dataset;
	#tickets = 0;
	#disputes = 0;

	constructor(dataset: Dataset) {
		// Each call works on its own copy: tools mutate (plan changes, disputes).
		this.dataset = structuredClone(dataset);
	}

	account(id: string): Account | undefined {
		return this.dataset.accounts.find((a) => norm(a.id) === norm(id));
	}

	plan(idOrName: string): Plan | undefined {
		const n = norm(idOrName);
		return this.dataset.plans.find((p) => norm(p.id) === n || norm(p.name) === n);
	}

	/** The account a caller names by account id or phone number, if any. */
	identify(args: { accountId?: string; phone?: string }): Account | undefined {
		if (args.accountId) return this.account(args.accountId);
		const phone = digitsOf(args.phone ?? '').slice(-10);
		if (phone.length < 7) return undefined;
		return this.dataset.accounts.find((a) => digitsOf(a.phone).endsWith(phone));
	}

	/**
	 * Checks a PIN against the account named by id or phone. Only a secret verifies: a zip, a name or
	 * a phone number is something others can know. The failure reads the same whether the account
	 * exists or not, and never names the account a phone number belongs to.
	 */
	verify(args: { accountId?: string; phone?: string; pin: string }): ToolOutcome<{
		account: Account;
		by: 'pin';
	}> {
		const account = this.identify(args);
		const pin = digitsOf(args.pin);
		if (account && pin.length > 0 && pin === digitsOf(account.pin)) {
			return {
				ok: true,
				result: `Verified ${account.name} on account ${account.id} by PIN.`,
				data: { account, by: 'pin' }
			};
		}
		return { ok: false, result: VERIFY_FAILED };
	}

	balance(accountId: string): ToolOutcome<{ balance: number; dueDate: string; status: string }> {
		const a = this.account(accountId);
		if (!a) return { ok: false, result: `Account ${accountId} was not found.` };
		const status = a.status === 'active' ? '' : ` The account is ${a.status}.`;
		return {
			ok: true,
			result: `Balance ${money(a.balance)}, due ${a.dueDate}.${status}`,
			data: { balance: a.balance, dueDate: a.dueDate, status: a.status }
		};
	}

	listCharges(accountId: string): ToolOutcome<Charge[]> {
		const a = this.account(accountId);
		if (!a) return { ok: false, result: `Account ${accountId} was not found.` };
		if (a.charges.length === 0)
			return { ok: true, result: 'No charges on this account.', data: [] };
		const list = a.charges
			.map((c) => `${money(c.amount)} on ${c.date} for ${c.description}`)
			.join('; ');
		return { ok: true, result: `Recent charges: ${list}.`, data: a.charges };
	}

	/** Charges on the account that repeat another with the same amount and description. */
	duplicates(account: Account): Charge[] {
		const out: Charge[] = [];
		const sorted = [...account.charges].sort((x, y) => x.date.localeCompare(y.date));
		for (let i = 0; i < sorted.length; i++) {
			for (let j = 0; j < i; j++) {
				const a = sorted[j]!;
				const b = sorted[i]!;
				const days = Math.abs(Date.parse(b.date) - Date.parse(a.date)) / 86_400_000;
				if (
					a.amount === b.amount &&
					norm(a.description) === norm(b.description) &&
					days <= DUPLICATE_WINDOW_DAYS
				) {
					out.push(b);
					break;
				}
			}
		}
		return out;
	}

	explainCharge(args: {
		accountId: string;
		amount?: number;
		date?: string;
		chargeId?: string;
	}): ToolOutcome<{ charge: Charge; kind: string }> {
		const a = this.account(args.accountId);
		if (!a) return { ok: false, result: `Account ${args.accountId} was not found.` };
		let candidates = a.charges;
		if (args.chargeId) candidates = candidates.filter((c) => norm(c.id) === norm(args.chargeId!));
		if (args.amount !== undefined)
			candidates = candidates.filter((c) => Math.abs(c.amount - args.amount!) < 0.005);
		if (args.date) {
			const byDate = candidates.filter((c) => sameDay(c.date, args.date!));
			if (byDate.length > 0) candidates = byDate;
		}
		const dups = this.duplicates(a);
		// With nothing to go on, explain the charge most likely to have prompted the call.
		const charge =
			candidates.length === 1 || args.amount !== undefined || args.chargeId
				? (dups.find((d) => candidates.includes(d)) ?? candidates[0])
				: (dups[0] ?? unusual(a, candidates));
		if (!charge) {
			const what = args.amount !== undefined ? `of ${money(args.amount)}` : 'matching that';
			return { ok: false, result: `No charge ${what} is on account ${a.id}.` };
		}
		const plan = this.dataset.plans.find((p) => p.id === a.planId);
		let kind = 'one-time';
		let why = `a one-time charge for ${charge.description}`;
		if (dups.includes(charge)) {
			kind = 'duplicate';
			why = `a duplicate: the same ${charge.description} charge of ${money(charge.amount)} was already billed`;
		} else if (/annual|yearly|renewal/i.test(charge.description)) {
			kind = 'annual_renewal';
			why = `the annual renewal of your ${
				charge.description
					.replace(/\s*annual\s*renewal\s*/i, ' ')
					.trim()
					.toLowerCase() || 'service'
			}`;
		} else if (/monthly/i.test(charge.description) || (plan && charge.amount === plan.monthly)) {
			kind = 'monthly_plan';
			why = `your monthly ${plan?.name ?? ''} plan charge`.replace(/\s+/g, ' ');
		} else if (/fee/i.test(charge.description)) {
			kind = 'fee';
			why = `a ${charge.description.toLowerCase()}`;
		}
		return {
			ok: true,
			result: `The ${money(charge.amount)} charge on ${charge.date} (${charge.id}) is ${why}.`,
			data: { charge, kind }
		};
	}

	flagDispute(args: {
		accountId: string;
		chargeId: string;
		reason: string;
	}): ToolOutcome<{ disputeId: string }> {
		const a = this.account(args.accountId);
		const c = a?.charges.find((x) => norm(x.id) === norm(args.chargeId));
		if (!a || !c)
			return { ok: false, result: `Charge ${args.chargeId} was not found on the account.` };
		const disputeId = `DSP-${String(++this.#disputes).padStart(4, '0')}`;
		return {
			ok: true,
			result: `Dispute ${disputeId} opened for the ${money(c.amount)} charge on ${c.date} (${c.id}); a credit is reviewed within 3 business days.`,
			data: { disputeId }
		};
	}

	outage(zip: string): ToolOutcome<{ outages: Dataset['outages'] }> {
		const outages = this.dataset.outages.filter((o) => o.zip === zip.trim());
		if (outages.length === 0) {
			return { ok: true, result: `No known outage in zip ${zip}.`, data: { outages } };
		}
		const o = outages[0]!;
		return {
			ok: true,
			result: `Outage in zip ${zip}: ${o.description}, since ${o.since}, expected fixed by ${o.eta}.`,
			data: { outages }
		};
	}

	troubleshoot(device: string): ToolOutcome<{ steps: string[] }> {
		const steps = TROUBLESHOOTING.find((t) => t.match.test(device))!.steps;
		return { ok: true, result: `Steps for the ${device}: ${steps.join('; ')}.`, data: { steps } };
	}

	openTicket(args: {
		accountId?: string;
		device?: string;
		issue: string;
	}): ToolOutcome<{ ticketId: string }> {
		const ticketId = `TCK-${String(++this.#tickets).padStart(4, '0')}`;
		const on = args.device ? ` for the ${args.device}` : '';
		return {
			ok: true,
			result: `Ticket ${ticketId} opened${on}: ${args.issue}.`,
			data: { ticketId }
		};
	}

	listPlans(): ToolOutcome<Plan[]> {
		const list = this.dataset.plans
			.map((p) => `${p.name} at ${money(p.monthly)} a month (${dataOf(p)})`)
			.join('; ');
		return { ok: true, result: `Plans: ${list}.`, data: this.dataset.plans };
	}

	comparePlans(a: string, b: string): ToolOutcome<{ a: Plan; b: Plan }> {
		const pa = this.plan(a);
		const pb = this.plan(b);
		if (!pa || !pb) return { ok: false, result: `Plan ${!pa ? a : b} was not found.` };
		const diff = pb.monthly - pa.monthly;
		return {
			ok: true,
			result: `${pa.name} is ${money(pa.monthly)} a month with ${dataOf(pa)}; ${pb.name} is ${money(pb.monthly)} with ${dataOf(pb)}, ${money(Math.abs(diff))} ${diff >= 0 ? 'more' : 'less'} a month.`,
			data: { a: pa, b: pb }
		};
	}

	quoteUpgrade(
		accountId: string,
		planId: string
	): ToolOutcome<{ from: Plan; to: Plan; difference: number }> {
		const a = this.account(accountId);
		const to = this.plan(planId);
		if (!a) return { ok: false, result: `Account ${accountId} was not found.` };
		if (!to) return { ok: false, result: `Plan ${planId} was not found.` };
		const from = this.dataset.plans.find((p) => p.id === a.planId);
		if (!from)
			return {
				ok: false,
				result: `The account's current plan ${a.planId} is not in the catalogue.`
			};
		if (from.id === to.id)
			return {
				ok: true,
				result: `The account is already on ${to.name}.`,
				data: { from, to, difference: 0 }
			};
		const difference = to.monthly - from.monthly;
		return {
			ok: true,
			result: `Moving from ${from.name} (${money(from.monthly)}) to ${to.name} (${money(to.monthly)}) is ${money(Math.abs(difference))} a month ${difference >= 0 ? 'more' : 'less'}.`,
			data: { from, to, difference }
		};
	}

	changePlan(accountId: string, planId: string): ToolOutcome<{ from: string; to: string }> {
		const a = this.account(accountId);
		const to = this.plan(planId);
		if (!a || !to)
			return {
				ok: false,
				result: `The plan change could not be made: ${!a ? 'account' : 'plan'} not found.`
			};
		if (a.status !== 'active')
			return {
				ok: false,
				result: `Account ${a.id} is ${a.status}; plan changes need an active account.`
			};
		const from = a.planId;
		a.planId = to.id;
		return {
			ok: true,
			result: `Plan changed from ${this.plan(from)?.name ?? from} to ${to.name}, effective today.`,
			data: { from, to: to.id }
		};
	}

	offers(accountId: string): ToolOutcome<{ offers: string[] }> {
		const a = this.account(accountId);
		if (!a) return { ok: false, result: `Account ${accountId} was not found.` };
		const plan = this.dataset.plans.find((p) => p.id === a.planId);
		const offers: string[] = [];
		if (plan && plan.monthly >= 45)
			offers.push(`20% off ${plan.name} for 12 months (${money(plan.monthly * 0.8)} a month)`);
		const cheaper = this.dataset.plans
			.filter((p) => plan && p.monthly < plan.monthly)
			.sort((x, y) => y.monthly - x.monthly)[0];
		if (cheaper) offers.push(`a move to ${cheaper.name} at ${money(cheaper.monthly)} a month`);
		offers.push('a free month of service');
		return {
			ok: true,
			result: `Offers for account ${a.id}: ${offers.join('; ')}.`,
			data: { offers }
		};
	}

	cancel(accountId: string, confirmedByHuman: boolean): ToolOutcome {
		const a = this.account(accountId);
		if (!a) return { ok: false, result: `Account ${accountId} was not found.` };
		if (!confirmedByHuman)
			return { ok: false, result: 'Cancellation must be confirmed by a person.' };
		a.status = 'closed';
		return { ok: true, result: `Account ${a.id} is cancelled.` };
	}
}

function dataOf(p: Plan): string {
	return p.dataGb === null ? 'unlimited data' : `${p.dataGb} GB of data`;
}

function sameDay(chargeDate: string, said: string): boolean {
	const iso = chargeDate.slice(0, 10);
	if (said === iso) return true;
	const d = new Date(iso + 'T00:00:00Z');
	const month = d.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
	return said.toLowerCase() === `${month} ${d.getUTCDate()}`.toLowerCase();
}

/** The charge least like the usual monthly bill: the one a caller most likely asks about. */
function unusual(a: Account, charges: Charge[]): Charge | undefined {
	const nonMonthly = charges.filter((c) => !/monthly/i.test(c.description));
	const pool = nonMonthly.length > 0 ? nonMonthly : charges;
	return (
		[...pool].sort((x, y) => y.date.localeCompare(x.date) || y.amount - x.amount)[0] ?? a.charges[0]
	);
}
