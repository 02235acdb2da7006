import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import { personaById } from '../flow';
import { scoreTurn } from '../understanding/sentiment';
import { explicitRequest, frustration, sensitiveTopic, toolFailure } from './triggers';
import { runCall } from '../../testing/calls';

const triage = personaById(demoFlow, 'triage');
const billing = personaById(demoFlow, 'billing');

describe('explicit_request', () => {
	it.each([
		'I want to talk to a real person',
		'can I speak to a human',
		'Representative!',
		'agent',
		'get me a supervisor',
		'transfer me to an operator please',
		'I need to speak with someone',
		"I'd like to talk to a live agent",
		'put me through to a human being'
	])('fires for a person: %s', (text) => {
		expect(explicitRequest(text, demoFlow, triage)?.to).toBe('human');
	});

	it.each([
		['transfer me to billing', 'billing'],
		['can I talk to tech support', 'support'],
		['connect me with sales', 'sales'],
		['billing department please', 'billing']
	])('fires for a department: %s', (text, to) => {
		expect(explicitRequest(text, demoFlow, triage)?.to).toBe(to);
	});

	it.each([
		'my personal hotspot is not working',
		'your agent told me the charge would be removed',
		'I am not a person who complains',
		'is a human going to review my dispute later',
		'what plans do you have',
		'the billing is wrong'
	])('does not fire on a near-miss: %s', (text) => {
		expect(explicitRequest(text, demoFlow, triage)).toBeNull();
	});

	it('does not hand a persona to itself', () => {
		expect(explicitRequest('transfer me to billing', demoFlow, billing)).toBeNull();
	});
});

describe('sensitive_topic', () => {
	const check = (text: string, amounts: number[] = [], cardGiven = false) =>
		sensitiveTopic({ text, amounts, cardGiven, largeAmount: 500 });

	it.each([
		['I will call my lawyer about this', 'legal'],
		['someone did a sim swap on my phone', 'fraud'],
		['my medical alert device needs this line', 'medical'],
		['I want to pay my bill with my credit card', 'payment']
	])('fires for %s', (text, topic) => {
		expect(check(text)?.detail).toContain(topic);
	});

	it('fires on a large amount and on card details', () => {
		expect(check('they charged me', [650])?.detail).toContain('large amount');
		expect(check('here it is', [], true)?.detail).toContain('card');
	});

	it.each([
		'my sim card is not detected',
		'there is an issue with my bill',
		'I want to pursue an upgrade',
		'a courtesy call would be nice'
	])('does not fire on a near-miss: %s', (text) => {
		expect(check(text, [49])).toBeNull();
	});
});

describe('frustration', () => {
	it('fires on anger, distress and repetition', () => {
		const angry = scoreTurn('This is ridiculous, worst service ever, I am furious');
		expect(frustration(angry, angry, -0.5)?.kind).toBe('frustration');
		const distressed = scoreTurn('please help me, this is an emergency and I am scared');
		expect(frustration(distressed, distressed, -0.5)?.detail).toContain('distressed');
		const repeated = scoreTurn('I already told you my phone has no signal', [
			'my phone has no signal at all'
		]);
		expect(repeated.repeated).toBe(true);
		expect(frustration(repeated, repeated, -0.5)).not.toBeNull();
	});

	it.each([
		'I am not angry, just curious about my plan',
		'thanks, that is great',
		'my phone has no signal',
		'is there a fee for that'
	])('does not fire on a near-miss: %s', (text) => {
		const s = scoreTurn(text);
		expect(frustration(s, s, -0.5)).toBeNull();
	});
});

describe('tool_failure', () => {
	it('fires at the threshold and not below it', () => {
		expect(toolFailure(1, 2)).toBeNull();
		expect(toolFailure(2, 2)?.kind).toBe('tool_failure');
	});

	it('hands to a person after repeated failed verification', async () => {
		const s = await runCall([
			'what is my balance',
			'account AC-10021 pin 1111',
			'account AC-10021 pin 2222'
		]);
		expect(s.record.hops.at(-1)).toMatchObject({ to: 'human', trigger: 'tool_failure' });
	});
});

describe('in-call triggers', () => {
	it('workflow: a cancellation is confirmed by a person', async () => {
		const s = await runCall([
			'I want to cancel my service',
			'AC-10023 pin 2290',
			'no thanks, just cancel it'
		]);
		expect(s.record.hops.map((h) => h.trigger)).toEqual(['out_of_scope', 'workflow']);
		expect(s.packages.at(-1)?.to.kind).toBe('human');
	});

	it('agent_limit: disputing a charge that is not a duplicate needs a person, once the caller agrees', async () => {
		const s = await runCall([
			'I want to dispute a charge',
			'account AC-10021 pin 4821, the $49 one'
		]);
		expect(s.record.transcript.at(-1)?.text).toMatch(/needs a person to review it\. Shall I pass/);
		expect(s.record.hops.at(-1)?.to).not.toBe('human');
		await s.hear('yes please');
		expect(s.record.hops.at(-1)).toMatchObject({ to: 'human', trigger: 'agent_limit' });
	});

	it('low_confidence: a second unclear turn goes to a person', async () => {
		const s = await runCall(['hmm', 'stuff']);
		expect(
			s.record.transcript.some((t) => /right place|a little more|catch that/.test(t.text))
		).toBe(true);
		expect(s.record.hops.at(-1)).toMatchObject({ to: 'human', trigger: 'low_confidence' });
	});

	it('out_of_scope: a topic change moves the call with what was settled', async () => {
		const s = await runCall(['what is my balance', 'AC-10021 pin 4821', 'my phone has no signal']);
		const hop = s.record.hops.at(-1)!;
		expect(hop).toMatchObject({ from: 'billing', to: 'support', trigger: 'out_of_scope' });
		expect(s.packages.at(-1)?.resolved.join(' ')).toContain('you have $94 to pay');
	});

	it('handback: the operator returns the caller with notes', async () => {
		const s = await runCall(['let me talk to a person']);
		expect(s.owner.kind).toBe('human');
		await s.human.handBack({ to: 'billing', notes: ['Waived the late fee as a courtesy'] });
		expect(s.owner.id).toBe('billing');
		// The notes travel in the package; they are for the team, never said to the caller.
		expect(s.record.transcript.at(-1)!.text).not.toContain('Waived the late fee');
		expect(s.packages.at(-1)).toMatchObject({
			trigger: { kind: 'handback' },
			notes: ['Waived the late fee as a courtesy']
		});
	});
});
