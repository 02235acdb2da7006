import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../agents/demo';
import { demoRouter } from './calls';
import {
	callerCloses,
	checkCall,
	expectedFindings,
	genericFindings,
	meaning,
	parseDialogueCalls,
	runDialogueCall,
	sentences,
	type CallRun,
	type Check,
	type RunAction,
	type RunLine
} from './dialogue-checks';

// The checker of the conversation test set, on hand-made transcripts: each slip it exists for is
// flagged, and a clean call passes. A checker that cannot fail would pass every call.

type Said = [who: string, text: string];

/** A call from lines: "caller" starts a turn; any other name is the persona speaking. */
function transcript(
	said: Said[],
	extra: {
		actions?: (Omit<RunAction, 'ok' | 'result'> & { ok?: boolean })[];
		handoffs?: CallRun['handoffs'];
		owners?: string[];
	} = {}
): CallRun {
	let turn = 0;
	const lines: RunLine[] = said.map(([who, text]) => {
		if (who === 'caller') return { role: 'caller', text, turn: ++turn };
		if (who === 'system') return { role: 'system', text, turn };
		return { role: 'agent', personaId: who, text, turn };
	});
	return {
		id: 'hand-made',
		lines,
		actions: (extra.actions ?? []).map((a) => ({ ok: true, result: 'done', ...a })),
		handoffs: extra.handoffs ?? [],
		owners: extra.owners ?? ['triage', 'billing'],
		outcome: 'resolved'
	};
}

const kinds = (run: CallRun) => genericFindings(run, demoFlow).map((f) => f.kind);

const DISPUTE = { tool: 'billing.flagDispute', args: { chargeId: 'CH-5102', reason: 'duplicate' } };

/** A clean dispute call, as a good agent does it. */
const clean: Said[] = [
	['triage', 'Thanks for calling Northwind Mobile. I am Ava. How can I help you today?'],
	['caller', 'i was charged twice'],
	['triage', 'Let me get you to Ben in billing.'],
	['billing', 'Hi, this is Ben from billing. Could I have your account number and PIN?'],
	['caller', 'account AC-10022 pin 7310'],
	[
		'billing',
		'Thanks, James. The second sixty-five dollar charge, on November 2nd, repeats the first. Shall I open a dispute for it?'
	],
	['caller', 'yes please'],
	[
		'billing',
		'Done: dispute D S P 0 0 0 1 is open, and the credit is reviewed within 3 business days. Anything else?'
	],
	['caller', 'no thats all thanks'],
	['billing', 'Thanks for calling, James. Take care, goodbye!']
];

describe('the generic checks', () => {
	it('pass a clean call', () => {
		const run = transcript(clean, { actions: [{ ...DISPUTE, turn: 3 }] });
		expect(genericFindings(run, demoFlow)).toEqual([]);
	});

	it('flag a second dispute for the same charge, not one for another charge', () => {
		const twice = transcript(
			[
				...clean.slice(0, 8),
				['caller', 'which one is the duplicate and when do i get my money back'],
				['billing', 'Dispute opened for the charge on November 2nd. Shall I open one more?'],
				['caller', 'yes']
			],
			{
				actions: [
					{ ...DISPUTE, turn: 3 },
					{ ...DISPUTE, turn: 5 }
				]
			}
		);
		expect(kinds(twice)).toContain('duplicate-action');
		const other = transcript(clean, {
			actions: [
				{ ...DISPUTE, turn: 3 },
				{ tool: 'billing.flagDispute', args: { chargeId: 'CH-5802' }, turn: 3 }
			]
		});
		expect(kinds(other)).not.toContain('duplicate-action');
		// Reading tools may run as often as needed.
		const reads = transcript(clean, {
			actions: [
				{ tool: 'billing.balance', args: { accountId: 'AC-10022' }, turn: 2 },
				{ tool: 'billing.balance', args: { accountId: 'AC-10022' }, turn: 3 }
			]
		});
		expect(kinds(reads)).toEqual([]);
	});

	it('flag a change made without a yes to a question just asked', () => {
		// Acted the moment the caller verified.
		expect(kinds(transcript(clean, { actions: [{ ...DISPUTE, turn: 2 }] }))).toContain('no-yes');
		// "Anything else?" then "yes please" is not a yes to a dispute.
		const anythingElse = transcript(
			[
				['billing', 'Your balance is one hundred thirty dollars. Anything else?'],
				['caller', 'yes please']
			],
			{ actions: [{ ...DISPUTE, turn: 1 }] }
		);
		expect(kinds(anythingElse)).toContain('no-yes');
		// Asked, but the caller said no.
		const no = transcript(clean.slice(0, 6).concat([['caller', 'no dont']]), {
			actions: [{ ...DISPUTE, turn: 3 }]
		});
		expect(kinds(no)).toContain('no-yes');
		// Spoken yeses count: "uh yeah go ahead".
		const spoken = transcript(clean.slice(0, 6).concat([['caller', 'uh yeah go ahead']]), {
			actions: [{ ...DISPUTE, turn: 3 }]
		});
		expect(kinds(spoken)).toEqual([]);
		// Asking for the very thing offered is a yes; asking for something else, or not to, is not.
		const asked = (words: string) =>
			kinds(
				transcript(clean.slice(0, 6).concat([['caller', words]]), {
					actions: [{ ...DISPUTE, turn: 3 }]
				})
			);
		expect(asked('can you open a dispute on it')).toEqual([]);
		expect(asked("no, don't open a dispute")).toContain('no-yes');
		expect(asked('can you check my balance')).toContain('no-yes');
	});

	it('flag a line or a question said word for word twice, not a repeated "anything else?"', () => {
		const line = transcript([
			['support', 'Which device is giving you trouble?'],
			['caller', '60614'],
			['support', 'Which device is giving you trouble?']
		]);
		expect(kinds(line)).toEqual(['repeat']);
		const question = transcript([
			['support', 'Which device is giving you trouble?'],
			['caller', '60614'],
			['support', 'Sorry, I need this first. Which device is giving you trouble?']
		]);
		expect(kinds(question)).toEqual(['repeat']);
		const stock = transcript([
			['billing', 'Your balance is ninety-four dollars. Anything else?'],
			['caller', 'and the forty nine dollar charge'],
			['billing', 'That is your yearly device protection. Anything else?']
		]);
		expect(kinds(stock)).toEqual([]);
	});

	it('flag a receiving persona that repeats the last answer word for word, not a recap in a goodbye', () => {
		const answer =
			'The second sixty-five dollar charge, on November 2nd, repeats the one on November 1st.';
		const proof = transcript([
			['billing', `${answer} Anything else?`],
			['caller', 'i want to upgrade'],
			['sales', `Hello, Sofia from plans and upgrades. I see that ${answer.toLowerCase()}`]
		]);
		expect(kinds(proof)).toEqual(['repeat']);
		const short = transcript([
			['billing', `${answer} Anything else?`],
			['caller', 'i want to upgrade'],
			['sales', 'Hello, Sofia from plans and upgrades. I see Ben sorted out the double charge.']
		]);
		expect(kinds(short)).toEqual([]);
		const recap = transcript([
			['billing', `${answer} Anything else?`],
			['caller', 'no thats all bye'],
			['billing', `To recap: ${answer} Goodbye!`]
		]);
		expect(kinds(recap)).toEqual([]);
	});

	it('flag raw ISO dates and times and zero cents, not spoken ones or real cents', () => {
		for (const raw of [
			'Your balance is $94, due on 2026-12-05.',
			'Outage since 2026-11-24T09:15:00Z.',
			'Expected fixed by 18:00Z.',
			'The Standard plan is $45.00 a month.'
		])
			expect(kinds(transcript([['billing', raw]])), raw).toEqual(['raw-format']);
		for (const fine of [
			'Your balance is $94, due December 5th.',
			'Since 6 this morning, expected fixed by 6 tonight.',
			'The call to Mexico was $12.50.'
		])
			expect(kinds(transcript([['billing', fine]])), fine).toEqual([]);
	});

	it('flag tool ids, trigger kinds and unfilled templates said to the caller', () => {
		for (const text of [
			'I ran billing.flagDispute for you.',
			'Handing off: agent_limit.',
			'Your dispute {row.id} is open.',
			'Your balance is undefined.'
		])
			expect(kinds(transcript([['billing', text]])), text).toEqual(['internal-id']);
		expect(kinds(transcript([['billing', 'Your billing balance is ready.']]))).toEqual([]);
	});

	it('flag the key of a company record said to the caller, not their account or a new number', () => {
		const said = (text: string) =>
			genericFindings(transcript([['billing', text]]), demoFlow, demoDataset).map((f) => f.kind);
		expect(said('The $65 charge on November 2nd (CH-5102) is a duplicate.')).toEqual([
			'internal-id'
		]);
		expect(said('That is outage out-1 in Lincoln Park.')).toEqual(['internal-id']);
		expect(said('Thanks, account AC-10022 is verified.')).toEqual([]);
		expect(said('Your dispute number is DSP-0001.')).toEqual([]);
	});

	it('flag a persona taking over with a run-on proof of context, and a summary written to the caller', () => {
		const handoffs = [
			{ from: 'billing', to: 'sales', turn: 1, summary: 'Caller wants to upgrade.' }
		];
		const runOn = transcript(
			[
				['billing', 'Anything else?'],
				['caller', 'i want to upgrade'],
				[
					'sales',
					"Hello, Sofia from plans and upgrades. I can see you're Maria Lopez and you're already verified, you're on the Standard plan and your balance is $94, due December 5th, and the $49 charge on November 3rd is the annual renewal of your device protection, and you want to upgrade."
				]
			],
			{ handoffs }
		);
		expect(kinds(runOn)).toEqual(['intro']);
		const twoSentences = transcript(
			[
				['billing', 'Anything else?'],
				['caller', 'i want to upgrade'],
				[
					'sales',
					"Hello, Sofia from plans and upgrades. I can see you're Maria Lopez and verified. I understand this is about changing or upgrading your plan. Which plan would you like?"
				]
			],
			{ handoffs }
		);
		expect(kinds(twoSentences)).toEqual(['intro']);
		const short = transcript(
			[
				['billing', 'Anything else?'],
				['caller', 'i want to upgrade'],
				[
					'sales',
					"Hello, Sofia from plans here. Maria, I can see you'd like more than Standard. Which plan? Let's try Unlimited at sixty-five dollars a month: unlimited data, fifteen gigabytes of hotspot and HD streaming, twenty dollars more than you pay now, starting today if you like."
				]
			],
			{ handoffs }
		);
		expect(kinds(short)).toEqual([]);
		short.handoffs[0]!.summary = 'Caller called about changing or upgrading your plan.';
		expect(kinds(short)).toEqual(['summary']);
		short.handoffs[0]!.summary = 'One. Two. Three. Four.';
		expect(kinds(short)).toEqual(['summary']);
	});

	it('flag a persona introducing itself twice', () => {
		const twice = transcript([
			['billing', 'Hi, this is Ben from billing. What can I do?'],
			['caller', 'upgrade me'],
			['sales', 'Hello, Sofia from plans and upgrades.'],
			['caller', 'no, back to the bill'],
			['billing', 'Hi, this is Ben from billing. I see you were with Sofia.']
		]);
		expect(kinds(twice)).toEqual(['intro']);
		const once = transcript([
			['billing', 'Hi, this is Ben from billing. What can I do?'],
			['caller', 'upgrade me'],
			['sales', 'Hello, Sofia from plans and upgrades.'],
			['caller', 'no, back to the bill'],
			['billing', 'Ben again. Where were we with the bill?']
		]);
		expect(kinds(once)).toEqual([]);
	});

	it('flag a closing that is not heard: another question, no goodbye, a transfer', () => {
		const question = transcript([
			['billing', 'Your balance is ninety-four dollars. Anything else?'],
			['caller', "no that's all thanks"],
			['billing', 'Sure, what else can I help you with?']
		]);
		expect(kinds(question)).toEqual(['closing']);
		const silent = transcript([
			['billing', 'Anything else?'],
			['caller', 'thanks bye']
		]);
		expect(kinds(silent)).toEqual(['closing']);
		const plainNo = transcript([
			['billing', 'Dispute opened. Anything else?'],
			['caller', 'no thanks'],
			['billing', 'Sure, what else can I help you with?']
		]);
		expect(kinds(plainNo)).toEqual(['closing']);
		const handed = transcript(
			[
				['billing', 'Anything else?'],
				['caller', "no that's all, thanks"],
				['billing', 'Goodbye!'],
				['support', 'There is an outage in your area.']
			],
			{ handoffs: [{ from: 'billing', to: 'support', turn: 1 }] }
		);
		expect(kinds(handed)).toEqual(['closing']);
		const longRecap = transcript([
			['billing', 'Anything else?'],
			['caller', 'nope im good'],
			[
				'billing',
				'To recap: your balance is ninety-four dollars. It is due December 5th. Your plan is Standard. You have an iPhone 14. Thanks for calling, bye!'
			]
		]);
		expect(kinds(longRecap)).toEqual(['closing']);
		const kind = transcript([
			['billing', 'Anything else?'],
			['caller', 'nope im good'],
			['billing', 'Thanks for calling Northwind Mobile. Have a good day!']
		]);
		expect(kinds(kind)).toEqual([]);
	});

	it('tell a closing from a turn that goes on', () => {
		for (const t of ['no thats all', 'thanks bye', "no that's it have a good one", 'im all set'])
			expect(callerCloses(t), t).toBe(true);
		for (const t of ['yes please', "that's all fine but what about my data", 'no thanks', 'ok'])
			expect(callerCloses(t), t).toBe(false);
		// A plain no closes when it answers "anything else?", not when it declines an offer.
		expect(callerCloses('no thanks', 'Done. Anything else?')).toBe(true);
		expect(
			callerCloses('nope', 'Your balance is $94. Is there anything else I can help with?')
		).toBe(true);
		expect(callerCloses('no thanks', 'Shall I open a ticket?')).toBe(false);
		expect(callerCloses('no but my data is slow', 'Anything else?')).toBe(false);
	});
});

describe('the per-call checks', () => {
	const run = transcript(clean, {
		actions: [{ ...DISPUTE, turn: 3 }],
		owners: ['triage', 'billing']
	});
	const fails = (c: Check) => expectedFindings(run, [c]).map((f) => f.kind);

	it('pass what the call did, in words a person would use', () => {
		for (const c of [
			{ reaches: 'billing' },
			{ never: 'support' },
			{ says: '@amount:65', after: 2 },
			{ says: '@date:2026-11-02', after: 2 },
			{ says: '@timespan', after: 3 },
			{ says: '@closing', after: 4, by: 'billing' },
			{ not: 'outside what I can' },
			{ action: 'billing.flagDispute', with: { chargeId: 'CH-5102' }, times: 1 },
			{ action: 'billing.flagDispute', by: 2, times: 0 },
			{ rephrased: 3 },
			{ outcome: 'resolved' }
		] satisfies Check[])
			expect(fails(c), JSON.stringify(c)).toEqual([]);
	});

	it('fail what the call did not do', () => {
		for (const [c, kind] of [
			[{ reaches: 'support' }, 'reaches'],
			[{ never: 'billing' }, 'never'],
			[{ says: '@amount:49', after: 2 }, 'says'],
			[{ says: '@timespan', after: 2 }, 'says'],
			[{ says: '@closing', after: 4, by: 'support' }, 'says'],
			[{ not: 'dispute', after: 3 }, 'not'],
			[{ action: 'billing.flagDispute', with: { chargeId: 'CH-5101' } }, 'action'],
			[{ action: 'billing.flagDispute', by: 3, times: 0 }, 'action'],
			[{ action: 'sales.changePlan' }, 'action'],
			[{ outcome: 'human' }, 'outcome']
		] as [Check, string][])
			expect(fails(c), JSON.stringify(c)).toEqual([kind]);
		const again = transcript([
			['caller', 'my phone keeps freezing'],
			['support', 'Which device is giving you trouble? I can walk you through it.'],
			['caller', '60614'],
			['support', 'Sorry. Which device is giving you trouble? I can walk you through it.']
		]);
		expect(expectedFindings(again, [{ rephrased: 2 }]).map((f) => f.kind)).toEqual(['rephrased']);
	});

	it('read amounts and dates as they are said', () => {
		const amount = meaning('@amount:65');
		for (const s of ['$65', 'sixty-five dollars', 'sixty five dollars', '65 dollars', '$65.00'])
			expect(amount.test(s), s).toBe(true);
		for (const s of ['$650', '$6.50', '$65.50', 'sixty dollars', 'one hundred sixty-five dollars'])
			expect(amount.test(s), s).toBe(false);
		expect(meaning('@amount:5').test('sixty-five dollars')).toBe(false);
		expect(meaning('@amount:20').test('one hundred twenty dollars')).toBe(false);
		expect(meaning('@amount:65').test('the second sixty-five dollar charge')).toBe(true);
		const cents = meaning('@amount:12.5');
		for (const s of ['$12.50', 'twelve fifty', 'twelve dollars and fifty cents'])
			expect(cents.test(s), s).toBe(true);
		const date = meaning('@date:2026-11-02');
		for (const s of ['November 2nd', 'Nov 2', 'november second', 'the second of November'])
			expect(date.test(s), s).toBe(true);
		for (const s of ['2026-11-02', 'November 22nd', 'December 2nd'])
			expect(date.test(s), s).toBe(false);
		// The calls take place on Tuesday November 24th: a near day may be said by its name.
		for (const s of ['due Saturday', 'due November 28th'])
			expect(meaning('@date:2026-11-28').test(s), s).toBe(true);
		expect(meaning('@date:2026-11-25').test('expected fixed by tomorrow')).toBe(true);
		expect(meaning('@date:2026-12-08').test('due Tuesday')).toBe(false);
		for (const s of [
			'within 3 business days',
			'in two to three days',
			'on your next bill',
			'24 hours'
		])
			expect(meaning('@timespan').test(s), s).toBe(true);
		for (const s of ['by 6 tonight', 'around 3 pm', 'tomorrow', 'in about two hours'])
			expect(meaning('@eta').test(s), s).toBe(true);
		expect(meaning('@eta').test('Tower maintenance in Lincoln Park.')).toBe(false);
		expect(() => meaning('@nonsense')).toThrow(/unknown macro/);
		expect(sentences('The $49.00 charge is yours. Shall I? Yes!')).toEqual([
			'The $49.00 charge is yours.',
			'Shall I?',
			'Yes!'
		]);
	});

	it('checkCall applies both the generic checks and the call’s own', () => {
		const bad = transcript(clean.slice(0, 7).concat([['billing', 'Opened on 2026-11-02.']]), {
			actions: [{ ...DISPUTE, turn: 3 }]
		});
		const found = checkCall(bad, { expect: [{ says: '@timespan', after: 3 }] }, demoFlow);
		expect(found.map((f) => f.kind).sort()).toEqual(['raw-format', 'says']);
	});
});

describe('reading the set', () => {
	const line = (o: object) =>
		JSON.stringify({ id: 'a', about: 'x', tags: [], turns: ['hi'], expect: [], ...o });

	it('reads good lines and skips blank ones', async () => {
		const calls = await parseDialogueCalls(`${line({})}\n\n${line({ id: 'b' })}\n`);
		expect(calls.map((c) => c.id)).toEqual(['a', 'b']);
	});

	it('names every bad line, a repeated id and a turn the call does not have', async () => {
		const text = [
			line({ expect: [{ sounds: 'nice' }] }),
			'{not json',
			line({ id: 'c', expect: [{ says: '(' }] }),
			line({ id: 'd', expect: [{ says: 'x', after: 4 }] }),
			line({ id: 'd' }),
			line({ id: 'e', turns: ['x'.repeat(2001)] }),
			line({ id: 'f', turns: [] })
		].join('\n');
		const error = await parseDialogueCalls(text).catch((e: Error) => e.message);
		expect(error).toMatch(/line 1 /);
		expect(error).toMatch(/line 2 is not valid JSON/);
		expect(error).toMatch(/line 3 .*regular expression/);
		expect(error).toMatch(/names turn 4, but the call has 1 turns/);
		expect(error).toMatch(/"d" is used twice/);
		expect(error).toMatch(/line 6 .*at most 2000 characters/);
		expect(error).toMatch(/line 7 /);
	});
});

describe('running a call through the simulator', () => {
	it('numbers turns as the caller takes them and puts each action in the turn it ran', async () => {
		const env = { flow: demoFlow, dataset: demoDataset, router: demoRouter() };
		const run = await runDialogueCall(
			{ id: 'turns', turns: ["what's my balance", 'account AC-10021 pin 4821'] },
			env
		);
		expect(run.lines[0]).toMatchObject({ role: 'agent', personaId: 'triage', turn: 0 });
		expect(run.lines.filter((l) => l.role === 'caller').map((l) => l.turn)).toEqual([1, 2]);
		// Nothing can be looked up before the PIN is given in turn 2.
		expect(run.actions.length).toBeGreaterThan(0);
		expect(run.actions.every((a) => a.turn === 2)).toBe(true);
		expect(run.owners).toContain('billing');
	});
});
