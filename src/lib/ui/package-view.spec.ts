import { describe, expect, it } from 'vitest';
import type { ContextPackage } from '$lib/agents/handoff/context-package';
import { demoDataset, demoFlow } from '$lib/agents/demo';
import { demoCall } from '$lib/testing/calls';
import {
	clock,
	headerLine,
	holdStart,
	recordsInQuestion,
	sentences,
	story,
	type Records
} from './package-view';

const records: Records = { flow: demoFlow, data: demoDataset };
const at = '2026-11-26T10:00:00.000Z';

function pkg(over: Partial<ContextPackage> = {}): ContextPackage {
	return {
		v: 1,
		handoffId: 'h1',
		callId: 'c1',
		createdAt: at,
		from: { personaId: 'billing', kind: 'ai' },
		to: { personaId: 'human', kind: 'human' },
		caller: {
			name: 'James Carter',
			accountId: 'AC-10022',
			verified: true,
			verifiedBy: 'pin',
			language: 'en',
			channel: 'text'
		},
		intent: { id: 'billing.dispute', label: 'Disputing a charge', confidence: 0.9 },
		trigger: { kind: 'explicit_request', detail: 'Caller asked for a person.' },
		summary: 'James Carter called about disputing a charge.',
		entities: [],
		actions: [],
		resolved: [],
		sentiment: { label: 'frustrated', score: -0.5 },
		nextStep: 'Pick up where the assistant left off.',
		hops: [],
		transcript: [],
		notes: [],
		...over
	};
}

describe('headerLine: who, the account, what they want, what is done, mood', () => {
	it('reads the verified caller’s plan, balance and due date from the company’s records', () => {
		const parts = headerLine(pkg(), records);
		const byLabel = Object.fromEntries(parts.map((p) => [p.label, p.value]));
		expect(byLabel.caller).toBe('James Carter · AC-10022, verified by PIN');
		expect(byLabel.plan).toBe('Unlimited');
		expect(byLabel.balance).toBe('$130.00');
		expect(byLabel['due date']).toBe('Dec 1');
		expect(byLabel.wants).toBe('disputing a charge');
		const balance = pkg({
			intent: { id: 'billing.balance', label: 'Your balance and due date', confidence: 1 }
		});
		expect(headerLine(balance, records).find((p) => p.label === 'wants')?.value).toBe(
			'their balance and due date'
		);
		expect(byLabel.done).toBe('nothing yet');
		expect(parts.find((p) => p.label === 'mood')).toEqual({
			label: 'mood',
			value: 'frustrated',
			tone: 'warn'
		});
		// Never the secret.
		expect(parts.map((p) => p.value).join(' ')).not.toContain('7310');
	});

	it('an unverified caller with no records: what the package says, and no invented facts', () => {
		const parts = headerLine(
			pkg({ caller: { verified: false, language: 'en', channel: 'voice' }, actions: [] }),
			records
		);
		expect(parts[0]).toMatchObject({ value: 'Name not given, not verified', tone: 'warn' });
		expect(parts.map((p) => p.label)).not.toContain('plan');
	});

	it('lists what was done by tool, without the verification', () => {
		const parts = headerLine(
			pkg({
				actions: [
					{ tool: 'identity.verify', args: {}, ok: true, result: 'Verified.' },
					{ tool: 'billing.flagDispute', args: {}, ok: true, result: 'Dispute DSP-1 opened.' },
					{ tool: 'support.outage', args: {}, ok: false, result: 'Failed.' }
				]
			}),
			records
		);
		expect(parts.find((p) => p.label === 'done')?.value).toBe('flag dispute ✓, outage ✗');
	});
});

describe('recordsInQuestion: the rows an operator checks, as small tables', () => {
	it('shows the caller’s charges with the repeat the flow’s own rule finds, their outage and devices', () => {
		const tables = recordsInQuestion(pkg(), records);
		const charges = tables.find((t) => t.id === 'charges')!;
		expect(charges.rows.map((r) => r.key)).toEqual(['CH-5101', 'CH-5102']);
		expect(charges.rows[1]).toMatchObject({ inQuestion: true, flag: 'repeats CH-5101' });
		expect(charges.rows[0]!.flag).toBe('');
		expect(charges.columns.map((c) => c.label)).toEqual(['id', 'date', 'amount', 'description']);
		expect(charges.rows[1]!.cells).toEqual([
			'CH-5102',
			'Nov 2',
			'$65.00',
			'Unlimited plan monthly'
		]);
		// The outage at the account's zip code.
		expect(tables.find((t) => t.id === 'outages')?.rows).toMatchObject([
			{ key: 'OUT-1', inQuestion: true, flag: 'at their zip' }
		]);
		expect(tables.find((t) => t.id === 'devices')?.rows.map((r) => r.key)).toEqual([
			'Pixel 8',
			'home hotspot'
		]);
	});

	it('does not flag a monthly charge a month after the last as a repeat', () => {
		const tables = recordsInQuestion(
			pkg({ caller: { ...pkg().caller, accountId: 'AC-10025', name: 'Grace Kim' } }),
			records
		);
		const charges = tables.find((t) => t.id === 'charges')!;
		expect(charges.rows).toHaveLength(3);
		expect(charges.rows.every((r) => r.flag === '')).toBe(true);
	});

	it('marks a charge the call named as in question, and never shows another account’s rows', () => {
		const tables = recordsInQuestion(
			pkg({
				caller: { ...pkg().caller, accountId: 'AC-10021', name: 'Maria Lopez' },
				summary: 'The $49.00 charge on 2026-11-03 (CH-5002) is the annual renewal. Also CH-5101.'
			}),
			records
		);
		const charges = tables.find((t) => t.id === 'charges')!;
		expect(charges.rows.map((r) => [r.key, r.inQuestion, r.flag])).toEqual([
			['CH-5001', false, ''],
			['CH-5002', true, 'named in the call']
		]);
		expect(tables.flatMap((t) => t.rows.map((r) => r.key))).not.toContain('CH-5101');
	});

	it('an unverified caller gets only what the call itself named in public tables', () => {
		const tables = recordsInQuestion(
			pkg({
				caller: { verified: false, language: 'en', channel: 'text' },
				entities: [{ type: 'zip', value: '11201', turn: 1 }]
			}),
			records
		);
		expect(tables.map((t) => t.id)).toEqual(['outages']);
		expect(tables[0]!.rows[0]!.cells).toContain('Home internet outage in Brooklyn Heights');
	});

	it('says so over the rows of an account the caller named but did not prove', () => {
		const tables = recordsInQuestion(
			pkg({ caller: { accountId: 'AC-10022', verified: false, language: 'en', channel: 'text' } }),
			records
		);
		expect(tables.find((t) => t.id === 'charges')?.title).toBe('charges (account not verified)');
		expect(tables.find((t) => t.id === 'outages')?.title).toBe('outages');
	});

	it('with no records to read, there is no table', () => {
		expect(recordsInQuestion(pkg(), undefined)).toEqual([]);
	});
});

describe('story: what happened, each sentence once', () => {
	it('says the dispute sentence once, though the summary, settled and actions all hold it', () => {
		const dispute =
			'Dispute DSP-1 opened for the $65.00 charge on 2026-11-02 (CH-5102); a credit is reviewed within 3 business days.';
		const lines = story(
			pkg({
				summary: `James Carter called about disputing a charge. ${dispute}`,
				resolved: [dispute],
				actions: [{ tool: 'billing.flagDispute', args: {}, ok: true, result: dispute }]
			})
		);
		const all = lines.map((l) => l.text).join(' ');
		expect(all.split('Dispute DSP-1 opened').length - 1).toBe(1);
		expect(lines.map((l) => l.kind)).toEqual(['summary', 'action']);
		expect(lines[1]).toMatchObject({ text: 'flag dispute', ok: true });
		// A verification that worked is the header's, with the tries that failed before it; a
		// caller who never got verified has the failed tries in the story.
		const tries = [
			{ tool: 'identity.verify', args: {}, ok: false, result: 'Could not verify.' },
			{ tool: 'identity.verify', args: {}, ok: true, result: 'Verified James.' }
		];
		expect(story(pkg({ actions: tries }), records).map((l) => l.text)).toEqual([
			'James Carter called about disputing a charge.'
		]);
		const header = headerLine(pkg({ actions: tries }), records);
		expect(header.find((p) => p.label === 'caller')?.value).toBe(
			'James Carter · AC-10022, verified by PIN after 1 failed try'
		);
		expect(header.find((p) => p.label === 'done')?.value).toBe('nothing yet');
		const failed = story(
			pkg({
				caller: { ...pkg().caller, verified: false },
				actions: [tries[0]!]
			}),
			records
		);
		expect(failed.map((l) => l.text)).toEqual([
			'James Carter called about disputing a charge.',
			'verify: Could not verify.'
		]);
	});

	it('leaves to the actions the facts the summary cuts short, and drops a settled fact said above', () => {
		const outage =
			'There is an outage in zip 60614 since 6 this morning. It is expected to be fixed by 6 tonight.';
		const lines = story(
			pkg({
				caller: { ...pkg().caller, verified: false },
				summary:
					'The caller (not verified) called about a network outage. There is an outage in zip 60614 since 6 this morning. They asked to speak to a person.',
				resolved: [
					'zip 60614 has an outage expected fixed by 6 tonight',
					'you declined a callback'
				],
				actions: [{ tool: 'support.outage', args: {}, ok: true, result: outage }]
			}),
			records
		);
		expect(lines).toEqual([
			{
				kind: 'summary',
				text: 'The caller (not verified) called about a network outage. They asked to speak to a person.'
			},
			// Worded for the team, not for the caller.
			{ kind: 'settled', text: 'they declined a callback' },
			{ kind: 'action', text: `outage: ${outage}`, ok: true }
		]);
	});

	it('splits sentences after a full stop, not inside an amount', () => {
		expect(sentences('It was $65.00 on Nov 2. Then a refund! Done?')).toEqual([
			'It was $65.00 on Nov 2.',
			'Then a refund!',
			'Done?'
		]);
	});
});

describe('time on hold', () => {
	it('counts from the handoff, or from the arrival when the sender’s clock runs ahead', () => {
		const received = Date.parse(at) + 2000;
		expect(holdStart(pkg(), received)).toBe(Date.parse(at));
		expect(holdStart(pkg({ createdAt: '2026-11-26T10:05:00.000Z' }), received)).toBe(received);
		expect(clock(0)).toBe('0:00');
		expect(clock(65_400)).toBe('1:05');
		expect(clock(3_723_000)).toBe('1:02:03');
	});
});

describe('with a real call’s package', () => {
	it('the duplicate charge is marked on a package the demo flow builds', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('I was charged twice, account AC-10022 pin 7310');
		await call.hear('Let me talk to a real person please');
		const last = call.packages.at(-1)!;
		expect(last.to.kind).toBe('human');
		const charges = recordsInQuestion(last, records).find((t) => t.id === 'charges')!;
		expect(charges.rows.find((r) => r.flag)).toMatchObject({ key: 'CH-5102', inQuestion: true });
		const text = story(last)
			.map((l) => l.text)
			.join(' ');
		for (const s of sentences(text)) expect(text.split(s).length - 1).toBe(1);
	});
});
