import { describe, expect, it } from 'vitest';
import { OUT_OF_SCOPE, TextClassifier, thresholdForRecall, type Example } from './classifier';

const billing = [
	'what is this charge on my bill',
	'why is my bill so high this month',
	'I was charged twice for the same thing',
	'how much do I owe you',
	'when is my payment due',
	'explain this fee on my statement',
	'can I pay my bill by card',
	'there is a late fee I do not understand',
	'my bill went up',
	'refund the extra charge',
	'set up autopay for my bill',
	'what was my last payment'
];
const support = [
	'my phone has no signal',
	'the internet is down at home',
	'calls keep dropping',
	'my phone will not turn on',
	'mobile data is really slow',
	'my router keeps disconnecting',
	'I cannot send text messages',
	'voicemail does not work',
	'the wifi keeps cutting out',
	'no service in my area',
	'my sim card is not recognised',
	'the line is crackling on calls'
];
const outOfScope = [
	'what is the weather tomorrow',
	'tell me a joke',
	'who won the game last night',
	'book a flight to paris',
	'play some music',
	'a recipe for pasta',
	'how tall is the eiffel tower',
	'translate hello into spanish',
	'set an alarm for seven',
	'what is the capital of peru',
	'recommend a good movie',
	'how do I bake bread'
];
// Two phrasings of each, so there are enough examples (≥ 50) to hold some out and calibrate.
const examples: Example[] = ['', 'hi, '].flatMap((opener) => [
	...billing.map((text) => ({ text: opener + text, label: 'billing' })),
	...support.map((text) => ({ text: opener + text, label: 'support' })),
	...outOfScope.map((text) => ({ text: opener + text, label: OUT_OF_SCOPE }))
]);

describe('TextClassifier', () => {
	const clf = TextClassifier.train(examples, { calibrationShare: 0.3 });

	it('scores a near-duplicate of a training example as more in scope than an unseen topic', () => {
		const near = clf.scores('why is my bill so high this month?');
		const far = clf.scores('what time does the zoo open on sundays');
		expect(near.nearestInLabel).toBeGreaterThan(0.9);
		expect(far.nearest).toBeLessThan(near.nearest);
		expect(far.inScope).toBeLessThan(near.inScope);
		expect(clf.predict('why is my bill so high this month?').label).toBe('billing');
	});

	it('calibrates a threshold at train time and keeps an explicit one', () => {
		expect(clf.calibratedThreshold).not.toBeNull();
		expect(clf.threshold).toBe(clf.calibratedThreshold);
		expect(clf.calibratedThreshold).toBeGreaterThanOrEqual(0);
		expect(clf.calibratedThreshold).toBeLessThanOrEqual(1);
		const fixed = TextClassifier.train(examples, { threshold: 0.25 });
		expect(fixed.threshold).toBe(0.25);
		const small = TextClassifier.train(examples.slice(0, 30));
		expect(small.calibratedThreshold).toBeNull();
		expect(small.threshold).toBe(0);
	});

	it('decides the same after a round trip through serialize', () => {
		const back = TextClassifier.deserialize(JSON.parse(JSON.stringify(clf.serialize())));
		for (const t of ['my bill is wrong', 'the signal is gone', 'sing me a song']) {
			const a = clf.predict(t);
			const b = back.predict(t);
			expect(b.label).toBe(a.label);
			expect(b.inScope).toBeCloseTo(a.inScope, 1);
		}
	});

	it('keeps every weight byte through its base64, whatever the length, and refuses a damaged one', () => {
		// 2^4 features × 2 labels = 32 bytes and × 3 = 48: both paddings and none.
		for (const labels of [
			['billing', 'support'],
			['billing', 'support', OUT_OF_SCOPE]
		]) {
			const small = TextClassifier.train(
				examples.filter((e) => labels.includes(e.label)),
				{ features: { ...clf.features, bits: 4 } }
			);
			const s = small.serialize();
			const again = TextClassifier.deserialize(s).serialize();
			expect(again.weights).toBe(s.weights);
			expect(() =>
				TextClassifier.deserialize({ ...s, weights: s.weights.replace(/^./, '!') })
			).toThrow(/not base64/);
		}
	});
});

describe('thresholdForRecall', () => {
	const oos = (inScope: number, p = 0.9, q = 0.1) => ({ inScope, p, oos: q, isOos: true });
	it('rejects just enough out-of-scope rows', () => {
		const rows = [
			oos(0.1),
			oos(0.2),
			oos(0.3),
			oos(0.9),
			{ inScope: 0.5, p: 1, oos: 0, isOos: false }
		];
		const t = thresholdForRecall(rows, 0.75);
		expect(t).toBeGreaterThan(0.3);
		expect(t).toBeLessThan(0.31);
	});
	it('counts rows the out-of-scope class already wins', () => {
		expect(thresholdForRecall([oos(0.8, 0.2, 0.7), oos(0.9)], 0.5)).toBe(0);
	});
});
