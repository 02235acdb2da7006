import { describe, expect, it } from 'vitest';
import { demoCall, demoRouter } from '../../testing/calls';
import { record } from '../../testing/recording';

async function started() {
	const call = demoCall('available');
	await call.start();
	return { call, run: record(call) };
}

describe('TriageDesk', () => {
	it('routes a clear request at once, with the intent it heard', async () => {
		const { call, run } = await started();
		await call.hear('I want to upgrade to unlimited');
		run.said('caller');
		expect(run.handoffTo('sales').intent.id).toBe('sales.upgrade');
	});

	it('offers a person for what it cannot help with, and hands over on yes', async () => {
		const { call, run } = await started();
		await call.hear('can you book me a flight to Paris');
		run.said('caller');
		expect(run.said('agent', 'triage').text).toMatch(/Would you like a person\?$/);
		await call.hear('yes please');
		run.said('caller');
		const pkg = run.handoffTo('human');
		expect(pkg.trigger).toMatchObject({ kind: 'explicit_request' });
	});

	it('takes no for an answer and asks what it can help with instead', async () => {
		const { call, run } = await started();
		await call.hear('tell me a joke');
		await call.hear('no');
		run.skipTo('transcript');
		run.skipTo('transcript');
		run.said('caller');
		expect(run.said('agent', 'triage').text).toMatch(/^All right\./);
		expect(call.owner.id).toBe('triage');
	});

	it('asks once when unsure, then hands an unclear caller to a person', async () => {
		const { call, run } = await started();
		await call.hear('hmm');
		run.said('caller');
		expect(run.said('agent', 'triage').text).toMatch(/\?$/);
		await call.hear('umm');
		run.said('caller');
		expect(run.handoffTo('human').trigger.kind).toBe('low_confidence');
	});

	it('routes what follows a no to the offer of a person, and a "don\'t" inside a request', async () => {
		for (const answer of [
			"no, there's a charge on my bill I don't recognise",
			"there's a charge on my bill and I don't know what it's for"
		]) {
			const { call, run } = await started();
			await call.hear('can you book me a flight to Paris');
			await call.hear(answer);
			run.skipTo('handoff');
			expect(call.record.hops[0]).toMatchObject({ to: 'billing', trigger: 'out_of_scope' });
			expect(call.owner.id).toBe('billing');
		}
	});

	it('takes "no thanks" as declining, not as a topic', async () => {
		const { call } = await started();
		await call.hear('can you book me a flight to Paris');
		await call.hear('no thanks');
		expect(call.owner.id).toBe('triage');
		expect(call.record.transcript.at(-1)!.text).toMatch(/^All right\./);
	});

	it('routes a short answer to its question even when it alone would seem off-topic', async () => {
		const router = demoRouter();
		// On its own the answer fails the out-of-scope gate; read with the question's turn it is clear.
		expect(router.route('the bill and a late fee').personaId).toBeNull();
		const { call, run } = await started();
		await call.hear('something is wrong');
		await call.hear('the bill and a late fee');
		run.skipTo('handoff');
		expect(call.record.hops[0]).toMatchObject({ to: 'billing', trigger: 'out_of_scope' });
	});

	it('does not route an answer about something else', async () => {
		const { call } = await started();
		await call.hear('something is wrong');
		await call.hear('can you book me a table for two tonight');
		expect(call.record.hops).toEqual([]);
		expect(call.record.transcript.at(-1)!.text).toMatch(/Would you like a person\?$/);
	});

	it('asks a caller who does not know who to talk to, instead of handing them to a person', async () => {
		const { call } = await started();
		await call.hear("I don't know who to talk to");
		expect(call.record.hops).toEqual([]);
		expect(call.record.transcript.at(-1)!.text).toMatch(/^Just to be sure/);
		await call.hear("there's a charge on my bill");
		expect(call.owner.id).toBe('billing');
	});

	it('does not end the call on "I\'m done with you guys"', async () => {
		const { call } = await started();
		await call.hear("I'm done with you guys");
		expect(call.state).not.toBe('ended');
		await call.hear('cancel everything');
		expect(call.owner.id).toBe('retention');
	});
});
