import { describe, expect, it } from 'vitest';
import { demoFlow } from './demo';
import { handBackTarget, humanOf } from './flow';
import { demoCall } from '../testing/calls';
import { record } from '../testing/recording';

describe('Session', () => {
	it('greets, hears the caller, and hands a clear request to the specialist with its package', async () => {
		const call = demoCall();
		const run = record(call);
		await call.start();
		expect(run.next('owner').personaId).toBe('triage');
		run.said('agent', 'triage');
		await call.hear('what is my balance');
		expect(run.said('caller').text).toBe('what is my balance');
		const pkg = run.handoffTo('billing');
		expect(pkg.intent.id).toBe('billing.balance');
		expect(pkg.trigger.kind).toBe('out_of_scope');
		expect(run.said('agent', 'triage').text).toBe('Connecting you to Ben in billing.');
		expect(run.next('owner').personaId).toBe('billing');
		// The specialist's first words come from the package: it already knows what this is about.
		expect(run.said('agent', 'billing').text).toContain('your balance');
	});

	it('stamps every event with the time it happened, in order', async () => {
		const call = demoCall();
		const run = record(call);
		await call.start();
		await call.hear('my internet is down');
		expect(run.events.length).toBeGreaterThan(5);
		const times = run.events.map((e) => Date.parse(e.at));
		expect(times.every((t) => Number.isFinite(t))).toBe(true);
		expect([...times].sort((a, b) => a - b)).toEqual(times);
	});

	it('keeps secrets out of the transcript while the facts stay', async () => {
		const call = demoCall();
		await call.start();
		const run = record(call);
		await call.hear('my card is 4111 1111 1111 1111 and my account is AC-10021');
		const said = run.said('caller').text;
		expect(said).not.toContain('4111 1111 1111 1111');
		expect(said).toContain('AC-10021');
		expect(call.record.entities).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ type: 'account_id', value: 'AC-10021' }),
				expect.objectContaining({ type: 'card_last4', value: '1111' })
			])
		);
		// A card given over the line is a payment: a person takes it.
		expect(run.skipTo('handoff').package.to.kind).toBe('human');
	});

	it('ignores empty turns and anything said after the call ended', async () => {
		const call = demoCall();
		await call.start();
		const run = record(call);
		await call.hear('   ');
		run.nothingMore();
		call.end();
		expect(run.next('ended').outcome).toBe('abandoned');
		await call.hear('hello?');
		run.nothingMore();
		expect(call.outcome).toBe('abandoned');
	});

	it('a caller who says goodbye ends the call resolved once something was settled', async () => {
		const call = demoCall();
		await call.start();
		await call.hear('what is my balance');
		await call.hear('AC-10021 pin 4821');
		const run = record(call);
		await call.hear('no thanks, goodbye');
		expect(run.said('caller').text).toBe('no thanks, goodbye');
		expect(run.said('agent', 'billing').text).toMatch(/Goodbye!$/);
		expect(run.next('ended').outcome).toBe('resolved');
	});

	it('stops a reply the caller talks over and keeps what was already said', async () => {
		const chunks = ['Your balance ', 'is due ', 'soon.'];
		const call = demoCall();
		call.responder = {
			name: 'interrupted',
			async *reply() {
				for (const c of chunks) {
					if (c === 'is due ') call.interrupt();
					yield c;
				}
			}
		};
		const run = record(call);
		await call.start();
		run.next('owner');
		const line = run.said('agent', 'triage');
		expect(line.text).toBe('Your balance');
		expect(run.all('agent_chunk').map((c) => c.text)).toEqual(['Your balance ']);
	});
});

describe('hand-back target', () => {
	it('goes back to the assistant that handed the call over, else where the flow names', () => {
		expect(handBackTarget(demoFlow, { personaId: 'retention', kind: 'ai' })).toBe('retention');
		expect(handBackTarget(demoFlow, { personaId: 'human', kind: 'human' })).toBe(
			humanOf(demoFlow)!.handBackTo
		);
		expect(handBackTarget(demoFlow)).toBe('billing');
	});
});
