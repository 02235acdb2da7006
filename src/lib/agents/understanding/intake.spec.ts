import { describe, expect, it } from 'vitest';
import type { AuditBody } from '../audit';
import { newCallRecord } from '../call-record';
import type { TranscriptEntry } from '../handoff/context-package';
import { demoDataset, demoFlow } from '../demo';
import { vocabularyOf } from './vocabulary';
import { takeIn, type IntakeOptions } from './intake';

function desk(continues = false, expecting?: string) {
	const record = newCallRecord({
		callId: 'c1',
		channel: 'text',
		language: 'en',
		owner: 'triage',
		at: '2026-01-01T00:00:00.000Z'
	});
	const pushed: TranscriptEntry[] = [];
	const logged: AuditBody[] = [];
	const pins: string[] = [];
	const options: IntakeOptions = {
		record,
		vocabulary: vocabularyOf(demoFlow, demoDataset),
		push: (e) => {
			record.transcript.push(e);
			pushed.push(e);
		},
		log: (e) => logged.push(e),
		at: () => '2026-01-01T00:00:01.000Z',
		pin: (p) => pins.push(p),
		continues: () => continues,
		expecting: () => expecting
	};
	return { record, pushed, logged, pins, options };
}

describe('takeIn', () => {
	it('stores the words without secrets, keeping a card’s last four digits as a fact', () => {
		const d = desk();
		const turn = takeIn('my card is 4111 1111 1111 1111, cvv 123', d.options);
		expect(d.pushed[0]!.text).not.toMatch(/4111 1111|123/);
		expect(turn.text).toBe(d.pushed[0]!.text);
		expect(turn.cardGiven).toBe(true);
		expect(d.record.entities).toContainEqual({ type: 'card_last4', value: '1111', turn: 0 });
		expect(d.logged).toContainEqual(
			expect.objectContaining({ type: 'caller_turn', turn: 0, redactions: expect.any(Number) })
		);
	});

	it('hands a PIN over for one check and never stores it', () => {
		const d = desk();
		takeIn('AC-10021 pin 4821', d.options);
		expect(d.pins).toEqual(['4821']);
		expect(JSON.stringify(d.record)).not.toContain('4821');
		expect(d.record.entities).toContainEqual({ type: 'account_id', value: 'AC-10021', turn: 0 });
	});

	it('logs a fact said again as a repeat instead of storing it twice', () => {
		const d = desk();
		takeIn('my account is AC-10021', d.options);
		const again = takeIn('I said AC-10021', d.options);
		expect(again.turn).toBe(1);
		expect(d.record.entities.filter((e) => e.value === 'AC-10021')).toHaveLength(1);
		expect(d.logged).toContainEqual({ type: 'repeat', entity: 'account_id', turn: 1 });
	});

	it('scores sentiment into the call, and an answer to a question is not counted as a repeat', () => {
		const d = desk();
		takeIn('this is ridiculous, I am so angry', d.options);
		expect(d.record.sentiment.score).toBeLessThan(0);
		const answering = desk(true);
		takeIn('AC-10021', answering.options);
		const turn = takeIn('AC-10021', answering.options);
		expect(turn.continuing).toBe(true);
		expect(turn.sentiment.repeated).toBe(false);
	});

	it('takes the digits alone as the PIN when the PIN was asked for, or after the account id', () => {
		const asked = desk(true, 'secret');
		const turn = takeIn('4821', asked.options);
		expect(asked.pins).toEqual(['4821']);
		expect(turn.text).toBe('[PIN removed]');
		const withId = desk();
		takeIn('AC-10021 4821', withId.options);
		expect(withId.pins).toEqual(['4821']);
		expect(JSON.stringify(withId.record)).not.toContain('4821');
		// A zip named as one stays a zip; with nothing asked, a lone number is no secret.
		const zip = desk(true, 'secret');
		takeIn('my zip is 94107', zip.options);
		expect(zip.pins).toEqual([]);
		expect(zip.record.entities).toContainEqual({ type: 'zip', value: '94107', turn: 0 });
		const nothingAsked = desk();
		takeIn('4821', nothingAsked.options);
		expect(nothingAsked.pins).toEqual([]);
	});

	it('reads a zip spelled out when a zip was asked for', () => {
		const d = desk(true, 'zip');
		const turn = takeIn('uh one one two zero one', d.options);
		expect(turn.found).toContainEqual({ type: 'zip', value: '11201' });
		expect(takeIn('uh one one two zero one', desk().options).found).toEqual([]);
	});
});
