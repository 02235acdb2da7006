import { describe, expect, it } from 'vitest';
import { holds, Scope } from './scope';
import { Tables } from './tables';

const scope = (text: string) =>
	new Scope(
		new Tables([], {}),
		{ text, plan: { features: ['unlimited talk and text', '5 GB data'] }, name: 'Basic' },
		new Map()
	);

describe('a `named` condition', () => {
	it("holds when the caller's words this turn name the value or an item of it", () => {
		const named = { path: 'plan.features', named: true };
		expect(holds(named, scope('will I still have data?'))).toBe(true);
		expect(holds(named, scope('will I lose my hotspot?'))).toBe(false);
		expect(holds({ path: 'plan.features', named: false }, scope('will I lose my hotspot?'))).toBe(
			true
		);
		expect(holds({ path: 'name', named: true }, scope('is that the basic one?'))).toBe(true);
		// Nothing there is named by nothing.
		expect(holds({ path: 'missing', named: true }, scope('data'))).toBe(false);
	});
});
