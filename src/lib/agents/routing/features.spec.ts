import { describe, expect, it } from 'vitest';
import { featurize, inverseDocumentFrequency, reweigh, tokenize } from './features';

const norm = (v: { value: Float32Array }) => Math.hypot(...v.value);
const cosine = (a: ReturnType<typeof featurize>, b: ReturnType<typeof featurize>) => {
	const m = new Map<number, number>();
	a.index.forEach((i, k) => m.set(i, a.value[k]!));
	let s = 0;
	b.index.forEach((i, k) => (s += (m.get(i) ?? 0) * b.value[k]!));
	return s;
};

describe('features', () => {
	it('tokenizes to lower case with every digit as 0', () => {
		expect(tokenize("My bill's $65.40, due 12/8!")).toEqual([
			'my',
			"bill's",
			'00',
			'00',
			'due',
			'00',
			'0'
		]);
	});

	it('reads no topic into "please" and fillers, but keeps greetings and thanks', () => {
		const same = (a: string, b: string) =>
			expect(Array.from(featurize(a).index)).toEqual(Array.from(featurize(b).index));
		same('balance please', 'balance');
		same('um my bill uh', 'my bill');
		expect(featurize('hello').index.length).toBeGreaterThan(featurize('').index.length);
		expect(featurize('thanks').index.length).toBeGreaterThan(featurize('').index.length);
	});

	it('gives unit vectors, also for an empty utterance', () => {
		expect(norm(featurize('why is my bill so high'))).toBeCloseTo(1, 5);
		expect(norm(featurize(''))).toBeCloseTo(1, 5);
	});

	it('weighs rare features up and common ones down, and stays a unit vector', () => {
		const examples = ['my bill is wrong', 'my phone is broken', 'my data is slow', 'my plan'];
		const vectors = examples.map((t) => featurize(t));
		const idf = inverseDocumentFrequency(vectors, 1 << 17);
		// Every example has "my"; only one has "bill". Weighed, sharing the rare word sets an example
		// further apart from one that shares only the common word.
		const query = featurize('my bill');
		const plain = cosine(query, vectors[0]!) / cosine(query, vectors[1]!);
		const w = (v: (typeof vectors)[number]) => reweigh(v, idf);
		const weighed = cosine(w(query), w(vectors[0]!)) / cosine(w(query), w(vectors[1]!));
		expect(weighed).toBeGreaterThan(plain * 1.5);
		expect(norm(reweigh(query, idf))).toBeCloseTo(1, 5);
	});
});
