import { describe, expect, it } from 'vitest';
import { newCallRecord } from '../call-record';
import { demoFlow } from '../demo';
import { runCall } from '../../testing/calls';
import { buildContextPackage, narration, opening, teamOf } from './handoff';
import { parseContextPackage } from './context-package';

const persona = (id: string) => demoFlow.personas.find((p) => p.id === id)!;

describe('the handoff engine', () => {
	it('builds a valid package from the record, with every earlier hop and this one', async () => {
		const s = await runCall(['my phone has no signal', 'what plans do you have']);
		const pkg = s.packages.at(-1)!;
		expect(parseContextPackage(structuredClone(pkg))).toEqual(pkg);
		expect(pkg.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['triage>support', 'support>sales']);
		expect(pkg.transcript.length).toBe(s.record.transcript.length - 2);
	});

	it('never lets a secret into the package, even one written into the record by hand', () => {
		const record = newCallRecord({
			callId: 'c1',
			channel: 'voice',
			language: 'en',
			owner: 'triage',
			at: '2026-01-01T00:00:00.000Z'
		});
		record.transcript.push({
			role: 'caller',
			text: 'my card number is 4111 1111 1111 1111',
			at: '2026-01-01T00:00:01.000Z'
		});
		const pkg = buildContextPackage({
			record,
			flow: demoFlow,
			from: persona('triage'),
			to: persona('human'),
			trigger: { kind: 'sensitive_topic', detail: 'payment' },
			now: new Date('2026-01-01T00:00:02.000Z')
		});
		expect(JSON.stringify(pkg)).not.toContain('4111 1111 1111 1111');
		expect(pkg.caller).toMatchObject({ verified: false, channel: 'voice' });
		expect(pkg.nextStep).toBe('Handle the sensitive matter per policy.');
	});

	it('names the team the flow gives a persona, or its id', () => {
		expect(teamOf(persona('support'))).toBe('technical support');
		expect(teamOf({ ...persona('support'), team: undefined })).toBe('support');
		expect(narration(persona('sales'), { kind: 'out_of_scope', detail: '' })).toBe(
			'Connecting you to Sofia in plans and upgrades.'
		);
		expect(narration(persona('human'), { kind: 'sensitive_topic', detail: '' })).toMatch(
			/person should handle/
		);
	});

	it('opens with what the package holds, and asks for none of it', async () => {
		const s = await runCall([
			'what is my balance',
			'AC-10021 pin 4821',
			'I want to upgrade my plan'
		]);
		const pkg = s.packages.at(-1)!;
		const words = opening(persona('sales'), pkg, "you're on the Standard plan");
		expect(words).toContain("you're Maria Lopez and you're already verified");
		expect(words).toContain("you're on the Standard plan");
		expect(words).not.toMatch(/account number|your PIN|\?$/);
	});
});
