import { describe, expect, it } from 'vitest';
import { demoCall, demoRouter } from '../../testing/calls';
import { demoDataset, demoFlow } from '../demo';
import { Session } from '../session';
import { asSentence } from './human-desk';
import { record } from '../../testing/recording';

describe('HumanDesk: the human line of a call, as a human link drives it', () => {
	it('waits for the human link, which accepts, and the caller is with a person', async () => {
		const call = demoCall('external');
		await call.start();
		const run = record(call);
		await call.hear('let me talk to a person');
		const pkg = run.skipTo('handoff').package;
		expect(pkg.to.kind).toBe('human');
		expect(call.state).toBe('on_hold');
		expect(call.human.waiting).toBe(pkg);
		call.human.accepted('Dana');
		expect(run.skipTo('owner').personaId).toBe('human');
		expect(run.said('system').text).toBe("You're now connected with Dana.");
		expect(call.state).toBe('with_human');
		expect(call.human.waiting).toBeUndefined();
	});

	it('offers only the fallbacks the flow lists, in its words', async () => {
		const flow = { ...demoFlow, human: { timeoutSeconds: 20, fallbacks: ['callback' as const] } };
		const call = new Session({
			flow,
			dataset: demoDataset,
			router: demoRouter(),
			human: 'external'
		});
		await call.start();
		await call.hear('let me talk to a person');
		const run = record(call);
		await call.human.declined('No one picked up in time.');
		expect(run.next('fallback_offer').options).toEqual(['callback']);
		expect(run.said('agent', 'triage').text).toBe(
			"No one picked up in time. You can ask for a callback. Everything you've told us is saved."
		);
	});

	it('offers queue, callback or the AI when no one can take the call, and takes the choice by voice', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('let me talk to a person');
		const run = record(call);
		await call.human.declined('No one picked up in time.');
		expect(run.next('fallback_offer').options).toEqual(['queue', 'callback', 'ai']);
		expect(run.said('agent', 'triage').text).toMatch(/^No one picked up in time\. You can wait/);
		expect(call.awaitingFallback).toBe(true);
		await call.hear('I will wait in the queue');
		run.said('caller');
		expect(run.said('agent', 'triage').text).toMatch(/in the queue/);
		expect(call.state).toBe('queued');
		// Rung through from the queue: the call is with a person, not left in the queue.
		call.human.accepted();
		call.end();
		expect(run.skipTo('ended').outcome).toBe('human');
	});

	it('a callback ends the call with the number it will ring, and says what the request carries', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('what is my balance');
		await call.hear('AC-10021 pin 4821');
		await call.hear('let me talk to a person');
		await call.human.declined('No one is available right now.');
		const run = record(call);
		await call.chooseFallback('callback');
		expect(run.said('agent').text).toMatch(/^We'll call you back at \S+/);
		expect(run.next('ended').outcome).toBe('callback');
		const request = call.human.callback();
		expect(request).toMatchObject({ callId: call.record.callId, name: expect.any(String) });
		expect(request.summary).toBe(call.packages.at(-1)!.summary);
	});

	it('with the team unreachable, offers only a callback or the AI, says so, and keeps the callback for later', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('my number is 415-555-0134, let me talk to a person');
		const run = record(call);
		await call.human.declined('We cannot reach our team from here right now.', {
			unreachable: true
		});
		expect(run.next('fallback_offer').options).toEqual(['callback', 'ai']);
		expect(run.said('agent', 'triage').text).toMatch(
			/^We cannot reach our team from here right now\. You can ask for a callback, which we'll pass on as soon as we can reach them, or keep going with me/
		);
		// There is no queue to wait in: asking for it (by voice or by button) is answered, not taken.
		await call.hear('I will wait in the queue');
		run.said('caller');
		expect(run.said('agent', 'triage').text).toMatch(/there is no queue to wait in/);
		await call.chooseFallback('queue');
		expect(call.state).toBe('on_hold');
		expect(call.awaitingFallback).toBe(true);
		await call.hear('call me back please');
		run.said('caller');
		expect(run.said('agent', 'triage').text).toMatch(
			/^Your callback request is kept on this device and goes to our team as soon as we can reach them\. We'll call you back at 415-555-0134/
		);
		expect(run.skipTo('ended').outcome).toBe('callback');
	});

	it('a later decline in the same call, with the team reachable again, offers the queue again', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('let me talk to a person');
		await call.human.declined('We cannot reach our team from here right now.', {
			unreachable: true
		});
		await call.chooseFallback('ai');
		await call.hear('let me talk to a person');
		const run = record(call);
		await call.human.declined('No one is available right now.');
		expect(run.skipTo('fallback_offer').options).toEqual(['queue', 'callback', 'ai']);
	});

	it('a dropped line returns the caller to the AI that had them, with everything kept', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('what is my balance');
		await call.hear('let me talk to a person');
		call.human.accepted('Dana');
		const run = record(call);
		await call.human.lost();
		expect(run.next('owner').personaId).toBe('billing');
		expect(run.said('system').text).toBe('The line to the specialist dropped.');
		expect(run.said('agent', 'billing').text).toMatch(/^I'm back with you/);
	});

	// Regression: the operator's private note ("Customer upset - be gentle") was read aloud to the
	// caller by the persona taking the call back.
	it('keeps the operator’s note for the team: in the record and the package, never said', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('let me talk to a person');
		call.human.accepted();
		const run = record(call);
		const note = 'Customer upset - be gentle';
		await call.human.handBack({ to: 'support', notes: [note] });
		const pkg = run.skipTo('handoff').package;
		expect(pkg).toMatchObject({ trigger: { kind: 'handback' }, notes: [note] });
		expect(call.record.notes).toEqual([note]);
		run.skipTo('owner');
		const opening = run.said('agent', 'support').text;
		expect(opening).toMatch(/How can I help from here\?$/);
		// Nothing the caller hears or reads carries the note or its words, streamed or whole.
		const words = run.events.flatMap((e) =>
			e.type === 'transcript' ? [e.entry.text] : e.type === 'agent_chunk' ? [e.text] : []
		);
		expect(words.join(' ')).not.toMatch(/upset|gentle/i);
	});

	it('says the operator’s line for the caller, in the receiving persona’s voice', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('let me talk to a person');
		call.human.accepted();
		const run = record(call);
		await call.human.handBack({
			to: 'billing',
			notes: ['Waived the late fee; caller was annoyed'],
			callerLine: '  I waived the   late fee for you '
		});
		run.skipTo('owner');
		const said = run.said('agent', 'billing').text;
		expect(said).toContain('I waived the late fee for you. How can I help from here?');
		expect(said).not.toContain('annoyed');
		expect(call.packages.at(-1)?.notes).toEqual(['Waived the late fee; caller was annoyed']);
	});

	it('keeps no empty note and adds no caller line when none was written', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('let me talk to a person');
		call.human.accepted();
		const run = record(call);
		await call.human.handBack({ to: 'billing', notes: ['  '], callerLine: ' ' });
		expect(run.skipTo('handoff').package.notes).toEqual([]);
		run.skipTo('owner');
		expect(run.said('agent', 'billing').text).not.toMatch(/\s\./);
	});

	it('shows the person’s typed line to the caller while they have the call, and only then', async () => {
		const call = demoCall('external');
		await call.start();
		await call.hear('let me talk to a person');
		call.human.said('Are you still there?');
		expect(call.record.transcript.some((t) => t.role === 'human')).toBe(false);
		call.human.accepted('Dana');
		const run = record(call);
		call.human.said('  Hi, I have your details here.  ');
		expect(run.said('human', 'human')).toMatchObject({ text: 'Hi, I have your details here.' });
		call.human.said('   ');
		expect(call.record.transcript.filter((t) => t.role === 'human')).toHaveLength(1);
	});

	it('records the human link’s timings in the audit log', async () => {
		const call = demoCall('external');
		await call.start();
		call.human.timing({ handoffId: 'h1', packageOnConsoleMs: 42 });
		expect(call.audit.at(-1)).toMatchObject({
			type: 'human_timing',
			handoffId: 'h1',
			packageOnConsoleMs: 42
		});
	});
});

describe('asSentence: the operator’s line for the caller, as one sentence', () => {
	it('trims, joins spaces and ends with a full stop unless it already ends a sentence', () => {
		expect(asSentence('  your refund  is on its way ')).toBe('your refund is on its way.');
		expect(asSentence('All sorted!')).toBe('All sorted!');
		expect(asSentence('Anything else?')).toBe('Anything else?');
		expect(asSentence(' \n ')).toBe('');
	});
});
