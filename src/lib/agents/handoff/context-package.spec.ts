import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseContextPackage } from './context-package';
import { ValidationError } from '../../errors';
import { runCall } from '../../testing/calls';

async function validPackage() {
	const s = await runCall([
		'what is my balance',
		'AC-10021 pin 4821',
		'I want to talk to a person'
	]);
	return s.packages.at(-1)!;
}

describe('context package schema', () => {
	it('accepts the packages the handoff engine builds', async () => {
		const pkg = await validPackage();
		expect(parseContextPackage(JSON.parse(JSON.stringify(pkg)))).toEqual(pkg);
		expect(pkg.caller).toMatchObject({
			accountId: 'AC-10021',
			verified: true,
			verifiedBy: 'pin',
			name: 'Maria Lopez'
		});
	});

	it('rejects a malformed package with a ValidationError naming the field', async () => {
		const pkg = await validPackage();
		const bad = { ...pkg, caller: { ...pkg.caller, verified: 'yes' } };
		expect(() => parseContextPackage(bad)).toThrow(ValidationError);
		try {
			parseContextPackage(bad);
		} catch (e) {
			expect((e as ValidationError).issues.join()).toContain('caller.verified');
		}
		expect(() => parseContextPackage({ ...pkg, v: 2 })).toThrow(ValidationError);
		expect(() =>
			parseContextPackage({ ...pkg, intent: { ...pkg.intent, confidence: 1.5 } })
		).toThrow(ValidationError);
		expect(() => parseContextPackage({ ...pkg, extra: 1 })).toThrow(ValidationError);
	});

	it('never throws anything but ValidationError, whatever the input (10,000 generated)', async () => {
		const pkg = await validPackage();
		const keys = Object.keys(pkg);
		// Half arbitrary JSON, half near-valid packages with one field replaced by noise.
		const mutated = fc
			.tuple(fc.constantFrom(...keys), fc.anything())
			.map(([k, val]) => ({ ...pkg, [k]: val }));
		const arbitrary = fc.oneof(fc.anything(), fc.jsonValue(), mutated);
		let accepted = 0;
		fc.assert(
			fc.property(arbitrary, (input) => {
				try {
					parseContextPackage(input);
					accepted++;
				} catch (e) {
					if (!(e instanceof ValidationError)) throw e;
				}
			}),
			{ numRuns: 10_000 }
		);
		// Mutations that happen to keep the value valid are fine; garbage is not accepted.
		expect(accepted).toBeLessThan(10_000);
		// 10,000 validations take about a second alone, far longer beside other suites on two cores.
	}, 30_000);
});
