import { describe, expect, it } from 'vitest';
import { runCall } from '../../testing/calls';
import { saidNo, saidYes } from './skills';
import { asksForWhatWasOffered, picksAnOption } from './steps';

const lastAgent = (s: Awaited<ReturnType<typeof runCall>>) =>
	s.record.transcript.filter((t) => t.role === 'agent').at(-1)!.text;

describe('skills', () => {
	it('asks who is calling before reading an account, then answers from the dataset', async () => {
		const s = await runCall(['what is my balance']);
		expect(lastAgent(s)).toMatch(/account number|phone number/i);
		expect(s.awaiting).toBe('identity');
		await s.hear('AC-10021 pin 4821');
		expect(lastAgent(s)).toContain('Your balance is $94, due ');
		expect(s.record.verified?.accountId).toBe('AC-10021');
		expect(s.record.resolved.join(' ')).toContain('you have $94 to pay by');
	});

	it('checks an outage by zip code without verifying anyone', async () => {
		const s = await runCall(['is there an outage in my area', '60614']);
		expect(lastAgent(s)).toMatch(/Tower maintenance/);
		expect(s.record.verified).toBeUndefined();
	});

	it('changes a plan only after the caller confirms it', async () => {
		const s = await runCall(['I want to upgrade to unlimited', 'AC-10021 pin 4821']);
		expect(s.awaiting).toBe('confirm');
		expect(s.record.actions.some((a) => a.tool === 'sales.changePlan')).toBe(false);
		await s.hear('yes');
		expect(s.record.actions.find((a) => a.tool === 'sales.changePlan')).toMatchObject({ ok: true });
	});

	it('never asks the same question word for word to a turn that gave nothing', async () => {
		const s = await runCall([
			'what is my balance',
			'why do you need that',
			'I really just want to know'
		]);
		const asks = s.record.transcript.filter((t) => t.role === 'agent' && t.personaId === 'billing');
		const [first, second, third] = asks.map((t) => t.text);
		// The same facts are asked for, in other words each time, and the third offers a person.
		expect(first).toMatch(/^.*To look at your account I need your account number/);
		// Asked again in fewer words, named by the slots' labels, not the long ask read out twice.
		expect(second).toBe(
			'Sorry, I still need the account number or phone number, and your account PIN to go on.'
		);
		expect(third).toMatch(/^Without the account number .* I can't open the account; .*person/);
		// An answer that gives something is answered plainly, not as a repeat.
		await s.hear('my account is AC-10021');
		expect(lastAgent(s)).toBe('To look at your account I need your account PIN.');
	});

	it('reads yes and no the way callers say them', () => {
		expect(['yes', 'yeah sure', 'yep, go ahead'].every(saidYes)).toBe(true);
		expect(['no', 'nope', "no that's all"].every(saidNo)).toBe(true);
		expect(saidYes('no')).toBe(false);
		// "Yeah" that goes on to say it did not help is a no to "did that fix it?".
		for (const t of ['yeah i tried all that its still doing it', "ok did that, didn't help"]) {
			expect(saidYes(t), t).toBe(false);
			expect(saidNo(t), t).toBe(true);
		}
		expect(saidYes('yes it works now')).toBe(true);
	});
});

describe('asking for what was offered', () => {
	it('takes a request for the very thing offered as a yes, and nothing else as one', () => {
		const ticket = 'Shall I open a ticket so a technician follows up?';
		expect(asksForWhatWasOffered(ticket, 'can you open a ticket? my account is AC-10023')).toBe(
			true
		);
		expect(asksForWhatWasOffered(ticket, 'please open a ticket')).toBe(true);
		expect(asksForWhatWasOffered(ticket, "don't open a ticket")).toBe(false);
		expect(asksForWhatWasOffered(ticket, 'is there an outage')).toBe(false);
		const plan = 'Would you like me to switch you to Unlimited Plus?';
		expect(asksForWhatWasOffered(plan, 'yes switch me to unlimited plus')).toBe(true);
		expect(asksForWhatWasOffered(plan, 'switch me to the basic plan instead')).toBe(false);
		expect(asksForWhatWasOffered(undefined, 'open a ticket')).toBe(false);
	});

	it('opens the ticket when the caller asks for it in answer to the offer', async () => {
		const s = await runCall(['my Galaxy S23 keeps restarting']);
		expect(lastAgent(s)).toMatch(/Did that fix it\?/);
		// Who the caller is, given to "Did that fix it?", answers nothing: the question stands.
		await s.hear('AC-10023 pin 2290');
		expect(lastAgent(s)).toBe('Thanks, I have your details. Is it working now?');
		await s.hear('still not working');
		expect(lastAgent(s)).toMatch(/Shall I open a ticket/);
		await s.hear('can you open a ticket please');
		expect(lastAgent(s)).toMatch(/Ticket \S+ opened/);
		// Asked for before the offer: opened without asking.
		const early = await runCall(['my Galaxy S23 keeps restarting AC-10023 pin 2290']);
		expect(lastAgent(early)).toMatch(/Did that fix it\?/);
		await early.hear('no, can you open a ticket');
		expect(lastAgent(early)).toMatch(/Ticket \S+ opened/);
	});
});

describe('picksAnOption', () => {
	const offers =
		'Before you go: I can offer 20% off Standard for 12 months ($36 a month), or a move to Basic at $25 a month, or a free month of service. Would any of those help?';
	it('takes naming one of the options listed before the question as choosing it', () => {
		expect(picksAnOption(offers, 'hmm, the free month then')).toBe(true);
		expect(picksAnOption(offers, 'I guess the move to basic')).toBe(true);
	});
	it('picks nothing with words every option shares, a negation, or no list', () => {
		expect(picksAnOption(offers, 'what about a month')).toBe(false);
		expect(picksAnOption(offers, 'not the free month, no')).toBe(false);
		expect(picksAnOption('Would you like me to dispute it for you?', 'the free month')).toBe(false);
		expect(picksAnOption(undefined, 'the free month')).toBe(false);
	});
});
