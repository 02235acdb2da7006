import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { vocabularyOf } from './vocabulary';
import { extractEntities } from './entities';
import { findSecrets, redact, scrub } from './redact';
import { parseLabelledSet, score } from './redact-eval';
import { runCall } from '../../testing/calls';

const SET = parseLabelledSet(
	readFileSync(new URL('../data/pii-utterances.jsonl', import.meta.url), 'utf8')
);
const KINDS = ['card', 'cvv', 'pin', 'national_id', 'password', 'bank_account'] as const;

describe('redaction on the labelled set', () => {
	it('has every secret kind and at least as many harmless utterances, with a held-out part', () => {
		expect(SET.length).toBeGreaterThanOrEqual(300);
		const harmless = SET.filter((i) => i.secrets.length === 0).length;
		expect(harmless).toBeGreaterThanOrEqual(SET.length - harmless);
		expect(SET.filter((i) => i.split === 'heldout').length).toBeGreaterThanOrEqual(SET.length / 5);
		for (const k of KINDS) expect(SET.some((i) => i.secrets.some((s) => s.kind === k))).toBe(true);
		expect(new Set(SET.map((i) => i.id)).size).toBe(SET.length);
	});

	it.each(['dev', 'heldout'] as const)(
		'removes every secret and changes at most 2 %% of harmless utterances (%s part)',
		(split) => {
			const s = score(SET.filter((i) => i.split === split));
			expect(s.misses).toEqual([]);
			for (const k of KINDS) expect(s.recall[k]?.recall ?? 1).toBe(1);
			expect(s.falsePositives.rate).toBeLessThanOrEqual(0.02);
		}
	);

	it('leaves the harmless numbers said next to a secret as they were', () => {
		expect(score(SET).collateral.ids).toEqual([]);
	});

	it('rejects a labelled span that is not where it says', () => {
		const line = JSON.stringify({
			id: 'x',
			split: 'dev',
			category: 'pin',
			text: 'my pin is 4821',
			secrets: [{ kind: 'pin', text: '4821', start: 3 }],
			keep: []
		});
		expect(() => parseLabelledSet(line)).toThrow(/not at 3/);
		expect(() => parseLabelledSet('{"id": 1}')).toThrow(/line 1/);
	});
});

describe('redaction: the failures found by probing', () => {
	// Each case below leaked (or was mangled) before redaction read cues and shapes.
	it.each([
		['4111 1111 1111 1111 12 26 737', ['4111', '737']],
		['my card is 4111,1111,1111,1111', ['4111']],
		['my iban is DE89 3704 0044 0532 0130 00', ['3704', '0532']],
		['three digit code is 555', ['555']],
		["1357, that's my pin", ['1357']],
		['P I N 4821', ['4821']],
		['my password is correct horse battery staple', ['staple', 'horse']],
		['passcode is dragonfly', ['dragonfly']],
		["sunshine99, that's my password", ['sunshine99']]
	])('removes the secret in %j', (text, leaks) => {
		const out = redact(text).text;
		for (const leak of leaks) expect(out).not.toContain(leak);
	});

	it.each([
		'order 4410023981 never arrived',
		'security update 2024 broke my phone',
		'call me back at 1530',
		'my IMEI is 356938035643809',
		'my number is (312) 555 0178'
	])('leaves %j as it was', (text) => {
		expect(redact(text).text).toBe(text);
	});

	it('keeps what comes before a passcode said with its digits', () => {
		expect(redact('503-555-0142, passcode 2468').text).toBe('503-555-0142, passcode [PIN removed]');
		expect(redact('BSD-20858, passcode 1111').text).toBe('BSD-20858, passcode [PIN removed]');
		expect(redact('sorry, my passcode is 4403').text).toBe('sorry, my passcode is [PIN removed]');
		expect(redact('repair C B 2041, access code 7391').text).toBe(
			'repair C B 2041, access code [PIN removed]'
		);
		// A password said before its cue is still one.
		expect(redact('hunter2, that is my password').text).toBe(
			'[password removed], that is my password'
		);
	});

	it('keeps the account id said after a PIN', () => {
		expect(redact('pin is 4821 account AC-10021').text).toBe(
			'pin is [PIN removed] account AC-10021'
		);
	});

	it('never takes an IBAN for the account id, nor a PIN next to one for part of it', () => {
		const iban = extractEntities(
			'my account is DE89 3704 0044 0532 0130 00',
			vocabularyOf(demoFlow, demoDataset)
		);
		expect(iban.entities.filter((e) => e.type === 'account_id')).toEqual([]);
		const pin = extractEntities(
			'pin is 4821 account AC-10021',
			vocabularyOf(demoFlow, demoDataset)
		);
		expect(pin.entities).toContainEqual({ type: 'account_id', value: 'AC-10021' });
		expect(pin.pin).toBe('4821');
		expect(extractEntities("1357, that's my pin").pin).toBe('1357');
	});

	it('keeps the last four digits of a card and counts what it removed', () => {
		const r = redact('card 4111 1111 1111 1111 cvv 737 pin 4821');
		expect(r.text).toBe('card [card ending 1111] cvv [CVV removed] pin [PIN removed]');
		expect(r.cardLast4).toEqual(['1111']);
		expect(r.removed).toEqual({ card: 1, cvv: 1, pin: 1 });
	});
});

describe('redaction, any wording', () => {
	const digitWords = [
		'zero',
		'one',
		'two',
		'three',
		'four',
		'five',
		'six',
		'seven',
		'eight',
		'nine'
	];
	const card = fc
		.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 })
		.map((d) => {
			// The 16th digit makes it Luhn-valid, as every real card number is.
			const body = [4, ...d.slice(1)];
			let sum = 0;
			body.forEach((n, i) => {
				let x = (body.length - i) % 2 === 1 ? n * 2 : n;
				if (x > 9) x -= 9;
				sum += x;
			});
			return [...body, (10 - (sum % 10)) % 10].join('');
		});
	const written = (digits: string) =>
		fc.constantFrom(' ', '-', ', ', '.', '').map((sep) => digits.match(/.{1,4}/g)!.join(sep));
	const spoken = (digits: string) => [...digits].map((d) => digitWords[Number(d)]).join(' ');

	it('removes a card however it is grouped or said, and keeps its last four', () => {
		fc.assert(
			fc.property(
				card.chain((c) => fc.tuple(fc.constant(c), fc.oneof(written(c), fc.constant(spoken(c))))),
				fc.constantFrom('my card is ', 'charge ', 'the number is ', '', 'visa '),
				fc.constantFrom('', ' please', ' thanks', ', exp 12/26'),
				([digits, said], before, after) => {
					const r = redact(before + said + after);
					expect(r.text).not.toContain(digits.slice(0, 6));
					expect(r.text).not.toMatch(/\b(one|two|three|four|five|six|seven|eight|nine)\b/);
					expect(r.cardLast4).toEqual([digits.slice(-4)]);
				}
			)
		);
	});

	it('removes a PIN whatever cue comes before or after it', () => {
		fc.assert(
			fc.property(
				fc.stringMatching(/^\d{4,6}$/),
				fc.constantFrom(
					(p: string) => `my pin is ${p}`,
					(p: string) => `${p}, that's my pin`,
					(p: string) => `${p} is my PIN`,
					(p: string) => `pin number ${p} for account AC-10021`,
					(p: string) => `account AC-10022, pin ${p}`,
					(p: string) => `the pin, uh, it's ${[...p].join(' ')}`
				),
				(pin, say) => {
					const text = say(pin);
					const out = redact(text).text;
					expect(out).toContain('[PIN removed]');
					expect(out.replace(/AC-1002\d/, '')).not.toMatch(/\d/);
				}
			)
		);
	});

	it('is stable: scrubbing twice changes nothing more, and nothing throws', () => {
		for (const i of SET) {
			const once = scrub(i.text);
			expect(scrub(once)).toBe(once);
		}
		fc.assert(
			fc.property(fc.string({ maxLength: 120 }), (s) => {
				const once = scrub(s);
				expect(scrub(once)).toBe(once);
				for (const x of findSecrets(s)) expect(x.end).toBeGreaterThan(x.start);
			}),
			{ numRuns: 2000 }
		);
	});

	it("leaves the agents' own words alone", () => {
		for (const text of [
			'Could you tell me your PIN?',
			'Thanks, your PIN is verified.',
			'Your password has been reset.',
			'The balance on AC-10021 is $94.00, due 2026-12-05; the phone on file is 415-555-0134.',
			'Take the payment over a secure line; the card number was removed from the record.'
		]) {
			expect(scrub(text)).toBe(text);
		}
	});
});

describe('redaction in a call', () => {
	const SECRETS = [
		'4111111111111111',
		'4111 1111 1111 1111',
		'5500-0000-0000-0004',
		'123-45-6789',
		'4821',
		'737',
		'DE89',
		'3704',
		'hunter2'
	];

	it('no secret reaches the package, its transcript, or the audit log', async () => {
		const s = await runCall([
			'what is my balance, account AC-10021 pin 4821',
			'my password is hunter2 and my iban is DE89 3704 0044 0532 0130 00',
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
		const pkg = s.packages.at(-1)!;
		expect(pkg.trigger.kind).toBe('sensitive_topic');
		expect(pkg.entities).toContainEqual(
			expect.objectContaining({ type: 'card_last4', value: '1111' })
		);
		expect(pkg.entities).toContainEqual(
			expect.objectContaining({ type: 'account_id', value: 'AC-10021' })
		);
		expect(pkg.entities.filter((e) => e.type === 'account_id')).toHaveLength(1);
	});

	it('still hears a spoken card', async () => {
		const s = await runCall([
			'four one one one one one one one one one one one one one one one is my card'
		]);
		expect(JSON.stringify(s.record.transcript)).not.toMatch(/four one one one/);
	});
});
