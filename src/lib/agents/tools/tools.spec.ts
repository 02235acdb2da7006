import { describe, expect, it } from 'vitest';
import { demoDataset } from '../demo';
import { Tools } from './tools';

describe('Tools over the dataset', () => {
	const tools = () => new Tools(structuredClone(demoDataset));

	it('verifies only with the right PIN', () => {
		const t = tools();
		expect(t.verify({ accountId: 'AC-10021', pin: '4821' }).ok).toBe(true);
		expect(t.verify({ accountId: 'AC-10021', pin: '1111' }).ok).toBe(false);
		expect(t.verify({ phone: '415-555-0134', pin: '4821' }).ok).toBe(true);
	});

	it('reads a balance with its due date, and says when an account is unknown', () => {
		const t = tools();
		const r = t.balance('AC-10021');
		expect(r).toMatchObject({ ok: true, data: { balance: 94, dueDate: '2026-12-05' } });
		expect(r.result).toContain('$94.00');
		expect(t.balance('AC-00000').ok).toBe(false);
	});

	it('reports an outage at a zip code, and none where there is none', () => {
		const t = tools();
		expect(t.outage('60614')).toMatchObject({ ok: true, data: { outages: [{ zip: '60614' }] } });
		expect(t.outage('94107').data?.outages).toEqual([]);
	});

	it('changes a plan on the account it runs over, and refuses an unknown plan', () => {
		const t = tools();
		expect(t.changePlan('AC-10021', 'unlimited').ok).toBe(true);
		expect(t.account('AC-10021')?.planId).toBe('unlimited');
		expect(t.changePlan('AC-10021', 'no-such-plan').ok).toBe(false);
	});

	it('compares two plans by name', () => {
		const r = tools().comparePlans('Basic', 'Unlimited');
		expect(r.ok).toBe(true);
		expect(r.data?.a.name).toBe('Basic');
		expect(r.data?.b.name).toBe('Unlimited');
	});
});
