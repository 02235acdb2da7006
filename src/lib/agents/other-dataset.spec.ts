import { describe, expect, it } from 'vitest';
import { parseDataset } from './dataset';
import { demoFlow } from './demo';
import { Session } from './session';
import { demoRouter } from '../testing/calls';

// The flow's data in the tables it declares: ids, phones and plan names in other formats must
// still be recognised, verified and used.
const other = parseDataset(
	{
		plans: [
			{
				id: 'p-start',
				name: 'Starter',
				monthly: 20,
				dataGb: 2,
				features: [],
				allowance: '2 GB of data'
			},
			{
				id: 'p-max',
				name: 'Max',
				monthly: 70,
				dataGb: null,
				features: [],
				allowance: 'unlimited data'
			}
		],
		accounts: [
			{
				id: '88001234',
				name: 'Ola Nordmann',
				phone: '(555) 010-9999',
				zip: '10001',
				pin: '0000',
				planId: 'p-start',
				balance: 12.5,
				dueDate: '2027-01-02',
				status: 'active',
				devices: ['Nokia G42']
			}
		],
		charges: [
			{
				id: 'X1',
				accountId: '88001234',
				date: '2026-12-01',
				amount: 20,
				description: 'Starter monthly'
			},
			{
				id: 'X2',
				accountId: '88001234',
				date: '2026-12-02',
				amount: 20,
				description: 'Starter monthly'
			}
		],
		outages: [
			{
				id: 'O1',
				zip: '10001',
				since: '2026-12-01',
				eta: '2026-12-03',
				description: 'Fiber repair'
			}
		],
		offers: [{ id: 'o1', planId: 'p-start', text: 'a free month of service' }],
		troubleshooting: [{ id: 'any', match: '.', steps: ['restart the device'] }],
		disputes: [],
		tickets: []
	},
	demoFlow
);

async function call(turns: string[]) {
	const s = new Session({
		flow: demoFlow,
		dataset: other,
		router: demoRouter(),
		human: 'available'
	});
	await s.start();
	for (const t of turns) await s.hear(t);
	return s;
}

describe('a dataset written elsewhere', () => {
	it('verifies by phone and PIN (never by zip) and finds the duplicate charge', async () => {
		const s = await call([
			'I think I was charged twice',
			'my number is 555 010 9999 and my zip is 10001',
			'my PIN is 0000'
		]);
		expect(s.record.verified).toMatchObject({ accountId: '88001234', by: 'pin' });
		// The duplicate is found and named; nothing is opened until the caller says yes.
		expect(s.record.transcript.at(-1)!.text).toMatch(/\$20 charge/);
		expect(s.record.actions.map((a) => a.tool)).not.toContain('billing.flagDispute');
		await s.hear('yes please');
		expect(s.record.actions.map((a) => [a.tool, a.ok])).toContainEqual([
			'billing.flagDispute',
			true
		]);
		// Asking again gives the dispute already open, not a second one.
		await s.hear('I was charged twice, please dispute it');
		const disputes = s.record.actions.filter((a) => a.tool === 'billing.flagDispute');
		expect(new Set(disputes.map((d) => d.result.match(/DSP-\d+/)?.[0])).size).toBe(1);
	});

	it('verifies by a numeric account id and PIN, and changes to its own plan names', async () => {
		const s = await call([
			'upgrade me to the Max plan',
			'account 88001234, PIN 0000',
			'yes please'
		]);
		expect(s.record.verified?.accountId).toBe('88001234');
		expect(s.tables.get('accounts', '88001234')?.planId).toBe('p-max');
		expect(s.record.resolved.join(' ')).toContain('your plan is now Max');
	});

	it('checks outages by the verified account zip without asking for it', async () => {
		const s = await call(['my phone has no service', 'account 88001234 pin 0000']);
		const texts = s.record.transcript.map((t) => t.text).join('\n');
		expect(texts).toContain('Fiber repair');
	});
});
