import { describe, expect, it } from 'vitest';
import type { SparseVector } from './features';
import { NeighbourIndex } from './neighbours';

const vec = (entries: [number, number][]): SparseVector => {
	const norm = Math.hypot(...entries.map(([, v]) => v));
	return {
		index: Int32Array.from(entries.map(([i]) => i)),
		value: Float32Array.from(entries.map(([, v]) => v / norm))
	};
};

// Three examples in an 8-dimensional space: two of class 0, one of class 1.
const examples = [
	vec([[0, 1]]),
	vec([
		[0, 1],
		[1, 1]
	]),
	vec([
		[2, 3],
		[3, 4]
	])
];
const index = new NeighbourIndex({
	vectors: examples,
	labels: [0, 0, 1],
	classes: 2,
	dimension: 8
});

describe('NeighbourIndex', () => {
	it('gives the highest cosine per class', () => {
		const best = index.maxCosineByClass(vec([[1, 1]]));
		expect(best[0]).toBeCloseTo(Math.SQRT1_2, 6);
		expect(best[1]).toBe(0);
	});

	it('sums over shared features', () => {
		const best = index.maxCosineByClass(
			vec([
				[0, 1],
				[3, 1]
			])
		);
		expect(best[0]).toBeCloseTo(Math.SQRT1_2, 6); // to [1, 0, 0, 0]
		expect(best[1]).toBeCloseTo(0.8 * Math.SQRT1_2, 6); // to [0, 0, 0.6, 0.8]
	});

	it('finds an identical example at cosine 1, unless it is left out', () => {
		expect(index.maxCosineByClass(examples[2]!)[1]).toBeCloseTo(1, 6);
		expect(index.maxCosineByClass(examples[2]!, 2)[1]).toBe(0);
		expect(index.maxCosineByClass(examples[1]!, 1)[0]).toBeCloseTo(Math.SQRT1_2, 6);
	});

	it('leaves no state behind between queries', () => {
		const q = vec([
			[0, 2],
			[2, 1]
		]);
		const first = Array.from(index.maxCosineByClass(q));
		index.maxCosineByClass(
			vec([
				[0, 1],
				[1, 1],
				[2, 1],
				[3, 1]
			])
		);
		expect(Array.from(index.maxCosineByClass(q))).toEqual(first);
	});
});
