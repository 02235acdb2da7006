import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { DisclosureCheck } from './disclosure';

describe('the disclosure check on amounts said for the ear', () => {
	const data = structuredClone(demoDataset);
	const other = data.accounts!.find((a) => a.id === 'AC-10022')!;
	other.balance = 1130;
	const check = new DisclosureCheck(demoFlow, data);
	const toMaria = { verified: 'AC-10021', callerSaid: [] };
	const of = (text: string) => check.leaks(text, toMaria).map((l) => l.accountId);

	it('sees another account’s balance however its thousands are written', () => {
		expect(of('That account owes $1,130.')).toContain('AC-10022');
		expect(of('That account owes $1130.')).toContain('AC-10022');
		expect(of('That account owes 1,130 dollars.')).toContain('AC-10022');
	});

	it('does not take a larger amount for a small balance that starts it', () => {
		const small = structuredClone(demoDataset);
		small.accounts!.find((a) => a.id === 'AC-10022')!.balance = 1;
		const c = new DisclosureCheck(demoFlow, small);
		expect(c.leaks('The router costs $1,100.', toMaria).map((l) => l.accountId)).not.toContain(
			'AC-10022'
		);
	});
});
