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
		// Everything up to the handoff, ending with the line said as the call is handed over; the
		// receiving persona's greeting comes after.
		expect(pkg.transcript.length).toBe(s.record.transcript.length - 1);
		expect(pkg.transcript.at(-1)).toMatchObject({
			role: 'agent',
			personaId: 'support',
			text: s.record.transcript.at(-2)!.text
		});
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
		// A caller going back to someone they have already spoken with hears so.
		expect(
			narration(persona('billing'), { kind: 'out_of_scope', detail: '' }, { back: true })
		).toBe('Passing you back to Ben in billing.');
	});

	it('opens with one sentence from the package: verified, what was done, what they want', async () => {
		const s = await runCall([
			'what is my balance',
			'AC-10021 pin 4821',
			'I want to upgrade my plan'
		]);
		const pkg = s.packages.at(-1)!;
		const words = opening(persona('sales'), pkg, "you're on the Standard plan");
		expect(words).toMatch(
			/^Hello, Sofia from plans and upgrades\. Maria, I can see you're verified/
		);
		// The balance was said by billing in other words ("Your balance is $94, due …"): its
		// figures were heard, so it is not said again.
		expect(words).not.toContain('$94');
		expect(words).toContain("you're calling about changing or upgrading your plan.");
		// What was done and not yet heard is the proof of context.
		const unheard = {
			...pkg,
			transcript: pkg.transcript.filter((t) => t.role !== 'agent' || !t.text.includes('$94'))
		};
		expect(opening(persona('sales'), unheard)).toContain('you have $94 to pay by');
		expect(words).not.toMatch(/account number|your PIN|\?$/);
		// One sentence after the greeting, and not billing's answer word for word.
		expect(
			words
				.replace(persona('sales').greeting!, '')
				.trim()
				.split(/(?<=[.!?])\s+/)
		).toHaveLength(1);
		const billingSaid = s.record.transcript
			.filter((t) => t.personaId === 'billing')
			.map((t) => t.text);
		for (const line of billingSaid) expect(words).not.toContain(line);
	});

	it('names what is known of the caller when nothing was settled yet', async () => {
		const s = await runCall(['I want to upgrade my plan', 'AC-10021 pin 4821']);
		const pkg = {
			...s.packages.at(-1)!,
			resolved: [],
			caller: { ...s.packages.at(-1)!.caller, verified: true, name: 'Maria Lopez' }
		};
		expect(opening(persona('billing'), pkg, "you're on the Standard plan")).toBe(
			"Hi, this is Ben from billing. Maria, I can see you're verified and you're on the Standard plan; you're calling about changing or upgrading your plan."
		);
	});

	it('keeps the proof of context short: a long fact loses "verified", then what follows its comma', async () => {
		const s = await runCall([
			'what is my balance',
			'AC-10021 pin 4821',
			'I want to upgrade my plan'
		]);
		const long =
			'your check-up and cleaning is booked with Dr. Tomas Lindqvist on Saturday, December 12 at 9:00 am, booking number VISIT-0009';
		const pkg = { ...s.packages.at(-1)!, resolved: [long] };
		const words = opening(persona('sales'), pkg).replace(persona('sales').greeting!, '').trim();
		expect(words).toBe(
			"Maria, I can see your check-up and cleaning is booked with Dr. Tomas Lindqvist on Saturday; you're calling about changing or upgrading your plan."
		);
		expect(words.split(/\s+/).length).toBeLessThanOrEqual(28);
	});

	it('introduces a persona once per call: coming back to it, it goes straight on', async () => {
		// Regression: Ben said "Hi, this is Ben from billing." again when the call came back to him.
		const s = await runCall([
			'what is my balance',
			'AC-10021 pin 4821',
			'I want to upgrade my plan',
			'what is this charge on my bill'
		]);
		const intros = s.record.transcript.filter((t) => t.text.includes('this is Ben from billing'));
		expect(intros).toHaveLength(1);
		// Nor does it repeat what sales's opening already told the caller: it names the request.
		const back = s.record.transcript.filter((t) => t.personaId === 'billing').at(-1)!;
		expect(back.text).toMatch(/^I understand you're calling about a charge on your bill\./);
		expect(back.text).not.toMatch(/verified/);
	});

	it('says the plan the caller is on, never the one they asked for', async () => {
		// Regression: sales greeted a caller who asked to upgrade to Unlimited Plus as being on it.
		const s = await runCall([
			'what is my balance',
			'AC-10021 pin 4821',
			'I want to upgrade to Unlimited Plus'
		]);
		const sales = s.record.transcript.filter((t) => t.personaId === 'sales').map((t) => t.text);
		expect(sales.join(' ')).not.toMatch(/you're on (the )?Unlimited Plus/i);
		const pkg = { ...s.packages.at(-1)!, resolved: [] };
		const known = demoFlow.phrases.known!;
		expect(known).toContain('{caller.');
		expect(opening(persona('sales'), pkg, "you're on the Standard plan")).toContain(
			"you're on the Standard plan"
		);
	});

	it('writes the summary about the caller, for the team', async () => {
		const s = await runCall([
			'what is my balance',
			'AC-10021 pin 4821',
			'I want to upgrade my plan'
		]);
		const summary = s.packages.at(-1)!.summary;
		expect(summary).toContain('called about changing or upgrading their plan');
		expect(summary).not.toMatch(/\byour?\b/i);
	});
});
