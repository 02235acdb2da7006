import { describe, expect, it } from 'vitest';
import { demoCall } from '../../testing/calls';
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
});
