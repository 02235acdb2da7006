import { describe, expect, it } from 'vitest';
import { redact } from './redact';
import { runCall } from '../testing/calls';

const SECRETS = [
	'4111111111111111',
	'4111 1111 1111 1111',
	'5500-0000-0000-0004',
	'123-45-6789',
	'4821',
	'737'
];

describe('redaction', () => {
	it.each([
		['my card is 4111 1111 1111 1111', '[card ending 1111]'],
		['card 5500-0000-0000-0004 please', '[card ending 0004]'],
		['four one one one one one one one one one one one one one one one', '[card ending 1111]'],
		['the cvv is 737', '[CVV removed]'],
		['my pin is 4821', '[PIN removed]'],
		['PIN number is four eight two one', '[PIN removed]'],
		['ssn 123-45-6789', '[ID number removed]'],
		['my social security number is 123456789', '[ID number removed]'],
		['password is hunter2', '[password removed]']
	])('removes secrets: %s', (text, label) => {
		const r = redact(text);
		expect(r.text).toContain(label);
		expect(r.text.replace(/\D/g, '').length).toBeLessThanOrEqual(4);
	});

	it('keeps ordinary numbers', () => {
		expect(redact('my zip is 94107 and the charge was $49 on 2026-11-03').text).toBe(
			'my zip is 94107 and the charge was $49 on 2026-11-03'
		);
	});

	it('no secret reaches the package, its transcript, or the audit log', async () => {
		const s = await runCall([
			'what is my balance, account AC-10021 pin 4821',
			'my card is 4111 1111 1111 1111 and the cvv is 737, ssn 123-45-6789'
		]);
		// Ids and timestamps are random digits that may contain "737" by chance: drop them first.
		const everything = JSON.stringify({
			packages: s.packages,
			audit: s.audit,
			transcript: s.record.transcript
		})
			.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
			.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
			.replace(/"ms":[\d.]+/g, '"ms":0');
		for (const secret of SECRETS) expect(everything).not.toContain(secret);
		expect(everything).not.toMatch(/four one one one/);
		const pkg = s.packages.at(-1)!;
		expect(pkg.trigger.kind).toBe('sensitive_topic');
		expect(pkg.entities).toContainEqual(
			expect.objectContaining({ type: 'card_last4', value: '1111' })
		);
	});
});
