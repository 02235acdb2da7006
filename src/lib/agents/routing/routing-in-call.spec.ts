import { describe, expect, it } from 'vitest';
import { runCall } from '../../testing/calls';

describe('routing in a call', () => {
	it('routes a clear case at once', async () => {
		const s = await runCall(['why is my bill so high this month']);
		expect(s.owner.id).toBe('billing');
		expect(
			s.record.transcript.filter((t) => t.role === 'agent' && t.personaId === 'triage')
		).toHaveLength(2);
	});

	it('asks one clarifying question naming the top two options, then routes the answer', async () => {
		const s = await runCall(['something is wrong']);
		expect(s.owner.id).toBe('triage');
		const question = s.record.transcript.at(-1)!.text;
		expect(question).toMatch(
			/^Just to be sure I get you to the right place: is this about .+, or about .+\?$/
		);
		await s.hear('the first one');
		expect(s.owner.id).not.toBe('triage');
		// The first option is named by the intent the caller's words point to.
		expect(
			s.owner.intents.some((i) => question.toLowerCase().includes(i.label.toLowerCase()))
		).toBe(true);
		expect(s.record.hops[0]).toMatchObject({ from: 'triage', trigger: 'out_of_scope' });
	});

	it('routes an answer in the caller’s own words after the question', async () => {
		const s = await runCall(['something is wrong', 'my phone has no signal']);
		expect(s.owner.id).toBe('support');
	});

	it('hands to a person after a second low-confidence turn', async () => {
		const s = await runCall(['something is wrong', 'hmm, not sure']);
		expect(s.record.hops.at(-1)).toMatchObject({ to: 'human', trigger: 'low_confidence' });
	});

	it('answers honestly when nothing in the flow fits, and offers a person', async () => {
		const s = await runCall(['can you book me a table for two tonight']);
		expect(s.owner.id).toBe('triage');
		expect(s.record.transcript.at(-1)!.text).toMatch(
			/isn't something I can help with.*Would you like a person\?/
		);
		await s.hear('yes please');
		expect(s.record.hops.at(-1)).toMatchObject({ to: 'human', trigger: 'explicit_request' });
	});

	it('moves the call when a specialist hears another persona’s topic, carrying what was settled', async () => {
		const s = await runCall([
			'what is my balance',
			'AC-10024 pin 5566',
			'I am thinking about switching carriers, it is too expensive'
		]);
		expect(s.record.hops.at(-1)).toMatchObject({
			from: 'billing',
			to: 'retention',
			trigger: 'out_of_scope'
		});
		const pkg = s.packages.at(-1)!;
		expect(pkg.resolved.join()).toContain('you have nothing to pay');
		expect(pkg.caller).toMatchObject({ verified: true, accountId: 'AC-10024' });
		// The receiving persona does not ask for identity again.
		expect(s.record.transcript.at(-1)!.text).not.toMatch(/account number|PIN/);
	});

	it('keeps what the caller called about when their answer is a reason the steps go on with', async () => {
		// "It's too expensive", asked whether an offer would help, leans to "finding a better deal";
		// it is the reason cancellation goes on to cheaper plans, and the person who confirms the
		// cancellation reads that the caller called about cancelling.
		const s = await runCall([
			'I want to cancel my service',
			'AC-10022 pin 7310',
			"it's too expensive",
			'no, I just want to cancel'
		]);
		expect(s.record.transcript.map((t) => t.text).join('\n')).toMatch(/cheaper plan/);
		const pkg = s.packages.at(-1)!;
		expect(pkg.to.kind).toBe('human');
		expect(pkg.intent.id).toBe('retention.cancel');
		expect(pkg.summary).toMatch(/called about cancelling their service/);
	});
});
