import {
	defaultFeatureOptions,
	featurize,
	inverseDocumentFrequency,
	reweigh,
	type FeatureOptions,
	type SparseVector
} from './features';
import { NeighbourIndex } from './neighbours';

// A multinomial logistic regression over hashed n-gram features, trained in the browser from the
// flow's examples in well under a second. Probabilities are calibrated with a temperature fitted on
// a held-out slice of the examples, so a confidence threshold means the same across flows.
//
// Whether an utterance is in scope at all is a second question, answered by a combined score: the
// classifier's log-odds of its best label over out-of-scope plus how close the utterance comes to a training example
// (nearest-neighbour cosine, overall and within the predicted label). The linear model alone is
// confidently wrong on unseen topics that share words with a class; nearness catches many of them.
// Each signal is standardised on held-out scores, weighted by a small logistic regression of
// in-scope vs out-of-scope on that held-out slice, and the default threshold is fitted there too,
// so every caller (page, simulator, CLI) gets the same decision without a benchmark run.

/** The label that stands for "no persona fits". */
export const OUT_OF_SCOPE = '__oos__';

export type Example = { text: string; label: string };

export type Prediction = {
	/** The best in-scope label, or null when the text is out of scope. */
	label: string | null;
	/** Calibrated probability of `label` (or, when label is null, how sure it is out of scope). */
	confidence: number;
	/** The combined in-scope score (0..1) compared with the threshold. */
	inScope: number;
	/** In-scope labels, best first, with their probabilities. */
	alternatives: { label: string; p: number }[];
};

export type TrainOptions = {
	features: FeatureOptions;
	epochs: number;
	learningRate: number;
	/** L2 penalty, applied as weight decay per step. */
	l2: number;
	/** Share of examples held out to fit the temperature. 0 skips calibration. */
	calibrationShare: number;
	/**
	 * Below this combined in-scope score an utterance is out of scope. `'calibrated'` takes the
	 * threshold fitted on the held-out slice for `oosRecall`.
	 */
	threshold: number | 'calibrated';
	/**
	 * Share of out-of-scope examples the calibrated threshold should reject. The threshold is a
	 * quantile of about a hundred held-out scores, uncertain by about ±0.035 in recall, so the
	 * default aims a little above the 0.85 it is meant to keep.
	 */
	oosRecall: number;
	/** Folds over the out-of-scope examples outside the held-out slice (each costs one fit). */
	oosFolds: number;
	seed: number;
};

export const defaultTrainOptions: TrainOptions = {
	features: defaultFeatureOptions,
	epochs: 12,
	learningRate: 5,
	l2: 1e-6,
	calibrationShare: 0.1,
	threshold: 'calibrated',
	oosRecall: 0.87,
	oosFolds: 5,
	seed: 7
};

/**
 * A serializable snapshot of a trained model. Weights are int8 with one scale per class; v3 keeps
 * only the non-zero ones (most hashed features never occur in a flow's examples: 98 % of the demo
 * flow's weights are zero), v2 kept them all and is still read.
 */
export type SerializedClassifier = {
	format: 'baton-linear-v3' | 'baton-linear-v2';
	labels: string[];
	features: FeatureOptions;
	temperature: number;
	threshold: number;
	calibratedThreshold: number | null;
	combination: Combination;
	scales: number[];
	bias: number[];
	/**
	 * v3: base64 of the non-zero weights of the [feature][class] matrix in order, each as the
	 * LEB128 gap from the previous one's position and an int8. v2: base64 of the whole int8 matrix.
	 */
	weights: string;
	// The neighbour index is rebuilt from the texts: they are several times smaller than its postings.
	examples: { text: string[]; label: number[] };
};

/** How the in-scope signals are combined: standardised, then a logistic regression. */
export type Combination = { mean: number[]; std: number[]; weights: number[]; bias: number };

/** The signals behind a decision, for benchmarks and debugging. */
export type Scores = {
	/** Calibrated probabilities for every label, in `labels` order. */
	probabilities: Float64Array;
	/** Index of the best in-scope label. */
	top: number;
	/** Probability of `top` and of out-of-scope (0 without an out-of-scope class). */
	p: number;
	oos: number;
	/** Highest cosine to any in-scope training example, and to an example of `top`. */
	nearest: number;
	nearestInLabel: number;
	/** The combined in-scope score, 0..1. */
	inScope: number;
};

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function shuffle<T>(items: T[], rand: () => number): T[] {
	for (let i = items.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[items[i], items[j]] = [items[j]!, items[i]!];
	}
	return items;
}

function softmaxInPlace(z: Float64Array, temperature = 1): void {
	let max = -Infinity;
	for (let c = 0; c < z.length; c++) max = Math.max(max, z[c]! / temperature);
	let sum = 0;
	for (let c = 0; c < z.length; c++) {
		const e = Math.exp(z[c]! / temperature - max);
		z[c] = e;
		sum += e;
	}
	for (let c = 0; c < z.length; c++) z[c] = z[c]! / sum;
}

type Weights = { w: Float32Array; b: Float32Array; classes: number };

function logits(model: Weights, x: SparseVector, out: Float64Array): void {
	const C = model.classes;
	for (let c = 0; c < C; c++) out[c] = model.b[c]!;
	for (let k = 0; k < x.index.length; k++) {
		const base = x.index[k]! * C;
		const xv = x.value[k]!;
		for (let c = 0; c < C; c++) out[c] = out[c]! + model.w[base + c]! * xv;
	}
}

function fit(
	data: { x: SparseVector; y: number }[],
	classes: number,
	options: TrainOptions
): Weights {
	const D = 1 << options.features.bits;
	const model: Weights = {
		w: new Float32Array(D * classes),
		b: new Float32Array(classes),
		classes
	};
	const rand = mulberry32(options.seed);
	const order = data.map((_, i) => i);
	const z = new Float64Array(classes);
	const activeClass = new Int32Array(classes);
	const activeErr = new Float64Array(classes);
	let step = 0;
	const total = options.epochs * data.length;
	// Weight decay is applied lazily through a global scale, so a step costs O(nnz), not O(D).
	let scale = 1;
	for (let epoch = 0; epoch < options.epochs; epoch++) {
		shuffle(order, rand);
		for (const i of order) {
			const { x, y } = data[i]!;
			const lr = options.learningRate * (1 - step / total) + 1e-3;
			step++;
			logits(model, x, z);
			// The stored weights are w/scale; logits above used raw w, so correct by scale.
			if (scale !== 1)
				for (let c = 0; c < classes; c++) z[c] = (z[c]! - model.b[c]!) * scale + model.b[c]!;
			softmaxInPlace(z);
			scale *= 1 - lr * options.l2;
			const g = lr / scale;
			// Only classes with a noticeable error are updated: with many labels most probabilities
			// are ~0 after the first epoch, and skipping them keeps training linear in the data.
			let active = 0;
			for (let c = 0; c < classes; c++) {
				const err = z[c]! - (c === y ? 1 : 0);
				model.b[c] = model.b[c]! - lr * err;
				if (Math.abs(err) > 1e-4) {
					activeClass[active] = c;
					activeErr[active] = err;
					active++;
				}
			}
			for (let k = 0; k < x.index.length; k++) {
				const base = x.index[k]! * classes;
				const gx = g * x.value[k]!;
				for (let a = 0; a < active; a++) {
					const idx = base + activeClass[a]!;
					model.w[idx] = model.w[idx]! - gx * activeErr[a]!;
				}
			}
			if (scale < 1e-3) {
				for (let j = 0; j < model.w.length; j++) model.w[j] = model.w[j]! * scale;
				scale = 1;
			}
		}
	}
	if (scale !== 1) for (let j = 0; j < model.w.length; j++) model.w[j] = model.w[j]! * scale;
	return model;
}

/** The temperature that minimises negative log-likelihood on held-out data (golden-section search). */
function fitTemperature(model: Weights, held: { x: SparseVector; y: number }[]): number {
	if (held.length === 0) return 1;
	const z = new Float64Array(model.classes);
	const cached = held.map(({ x, y }) => {
		logits(model, x, z);
		return { z: Float64Array.from(z), y };
	});
	const nll = (t: number) => {
		let s = 0;
		const p = new Float64Array(model.classes);
		for (const { z: zz, y } of cached) {
			p.set(zz);
			softmaxInPlace(p, t);
			s -= Math.log(Math.max(p[y]!, 1e-12));
		}
		return s;
	};
	let lo = 0.05;
	let hi = 10;
	const r = (Math.sqrt(5) - 1) / 2;
	for (let i = 0; i < 40; i++) {
		const a = hi - r * (hi - lo);
		const b = lo + r * (hi - lo);
		if (nll(a) < nll(b)) hi = b;
		else lo = a;
	}
	return (lo + hi) / 2;
}

export class TextClassifier {
	readonly labels: readonly string[];
	readonly features: FeatureOptions;
	readonly temperature: number;
	threshold: number;
	/**
	 * The threshold fitted on held-out examples for the trained out-of-scope recall; null when
	 * there were too few examples or none out of scope (then only the out-of-scope class rejects).
	 */
	readonly calibratedThreshold: number | null;
	readonly #model: Weights;
	readonly #oos: number;
	readonly #combination: Combination;
	readonly #index: NeighbourIndex;
	readonly #idf: Float32Array;
	readonly #examples: { text: string[]; label: number[] };
	#priors: Float64Array | null = null;

	private constructor(options: {
		labels: string[];
		features: FeatureOptions;
		model: Weights;
		temperature: number;
		threshold: number;
		calibratedThreshold: number | null;
		combination: Combination;
		examples: { text: string[]; label: number[] };
		vectors?: SparseVector[];
	}) {
		this.labels = options.labels;
		this.features = options.features;
		this.#model = options.model;
		this.temperature = options.temperature;
		this.threshold = options.threshold;
		this.calibratedThreshold = options.calibratedThreshold;
		this.#combination = options.combination;
		this.#examples = options.examples;
		this.#oos = options.labels.indexOf(OUT_OF_SCOPE);
		const dimension = 1 << options.features.bits;
		const vectors =
			options.vectors ?? options.examples.text.map((t) => featurize(t, options.features));
		this.#idf = inverseDocumentFrequency(vectors, dimension);
		this.#index = new NeighbourIndex({
			vectors: vectors.map((v) => reweigh(v, this.#idf)),
			labels: options.examples.label,
			classes: options.labels.length,
			dimension
		});
	}

	/** Trains on labelled examples. Examples labelled `OUT_OF_SCOPE` teach what no persona handles. */
	static train(examples: readonly Example[], options: Partial<TrainOptions> = {}): TextClassifier {
		const opts: TrainOptions = { ...defaultTrainOptions, ...options };
		const labels = [...new Set(examples.map((e) => e.label))].sort((a, b) =>
			a === OUT_OF_SCOPE ? 1 : b === OUT_OF_SCOPE ? -1 : a.localeCompare(b)
		);
		if (labels.filter((l) => l !== OUT_OF_SCOPE).length === 0) {
			throw new Error('A classifier needs examples for at least one in-scope label.');
		}
		const index = new Map(labels.map((l, i) => [l, i]));
		const oos = labels.indexOf(OUT_OF_SCOPE);
		const data = examples.map((e, i) => ({
			x: featurize(e.text, opts.features),
			y: index.get(e.label)!,
			i
		}));
		const idf = inverseDocumentFrequency(
			data.map((d) => d.x),
			1 << opts.features.bits
		);
		const neighbours = new NeighbourIndex({
			vectors: data.map((d) => reweigh(d.x, idf)),
			labels: data.map((d) => d.y),
			classes: labels.length,
			dimension: 1 << opts.features.bits
		});
		let temperature = 1;
		let combination: Combination = { mean: [0, 0, 0], std: [1, 1, 1], weights: [1, 1, 1], bias: 0 };
		let calibratedThreshold: number | null = null;
		if (opts.calibrationShare > 0 && data.length >= 50) {
			const shuffled = shuffle([...data], mulberry32(opts.seed + 1));
			const cut = Math.floor(shuffled.length * opts.calibrationShare);
			const slice = shuffled.slice(0, cut);
			const rest = shuffled.slice(cut);
			const probe = fit(rest, labels.length, opts);
			temperature = fitTemperature(probe, slice);
			const heldOut = (model: Weights, d: (typeof data)[number]) => {
				const probabilities = new Float64Array(labels.length);
				logits(model, d.x, probabilities);
				softmaxInPlace(probabilities, temperature);
				const s = signals(probabilities, neighbours.maxCosineByClass(reweigh(d.x, idf), d.i), oos);
				return { ...s, inScope: 0, isOos: d.y === oos, correct: s.top === d.y };
			};
			// A few hundred in-scope rows pin down the means and weights as well as thousands do, and
			// each costs a neighbour query at train time; every out-of-scope row counts.
			const rows = [
				...slice.filter((d) => d.y !== oos).slice(0, IN_SCOPE_ROWS),
				...slice.filter((d) => d.y === oos)
			].map((d) => heldOut(probe, d));
			// A random slice holds too few out-of-scope examples to fit the combination and the
			// threshold on, so every other one is scored out of fold too, by probes that each leave a
			// fifth of them out (with fewer folds each probe knows too few out-of-scope examples, scores
			// them too high, and the threshold rejects more than it should). The first probe stays as it was, so the temperature (and every
			// confidence the flows' thresholds were tuned on) is unchanged. Half the epochs are enough
			// for these probes (on CLINC150 the threshold moves by 0.01) and save a second of training.
			const others = rest.filter((d) => d.y === oos);
			for (let f = 0; f < opts.oosFolds && others.length > 0; f++) {
				const fold = others.filter((_, k) => k % opts.oosFolds === f);
				const skip = new Set(fold.map((d) => d.i));
				const probeF = fit(
					rest.filter((d) => !skip.has(d.i)),
					labels.length,
					{ ...opts, epochs: Math.ceil(opts.epochs / 2) }
				);
				for (const d of fold) rows.push(heldOut(probeF, d));
			}
			if (rows.some((r) => r.isOos) && rows.some((r) => !r.isOos)) {
				combination = fitCombination(rows);
				for (const r of rows) r.inScope = combine(combination, r.features);
				calibratedThreshold = thresholdForRecall(rows, opts.oosRecall);
			}
		}
		const model = fit(data, labels.length, opts);
		return new TextClassifier({
			labels,
			features: opts.features,
			model,
			temperature,
			threshold: opts.threshold === 'calibrated' ? (calibratedThreshold ?? 0) : opts.threshold,
			calibratedThreshold,
			combination,
			examples: { text: examples.map((e) => e.text), label: data.map((d) => d.y) },
			vectors: data.map((d) => d.x)
		});
	}

	/** Each label's share of the training examples, in `labels` order: the model's prior. */
	get priors(): Float64Array {
		if (!this.#priors) {
			const counts = new Float64Array(this.labels.length);
			for (const l of this.#examples.label) counts[l] = counts[l]! + 1;
			this.#priors = counts.map((n) => n / Math.max(1, this.#examples.label.length));
		}
		return this.#priors;
	}

	/** Calibrated probabilities for every label, in `labels` order. */
	probabilities(text: string): Float64Array {
		const z = new Float64Array(this.labels.length);
		logits(this.#model, featurize(text, this.features), z);
		softmaxInPlace(z, this.temperature);
		return z;
	}

	/** Every signal behind a decision, including the combined in-scope score. */
	scores(text: string): Scores {
		const x = featurize(text, this.features);
		const z = new Float64Array(this.labels.length);
		logits(this.#model, x, z);
		softmaxInPlace(z, this.temperature);
		const s = signals(z, this.#index.maxCosineByClass(reweigh(x, this.#idf)), this.#oos);
		return {
			probabilities: z,
			top: s.top,
			p: s.p,
			oos: s.oos,
			nearest: s.nearest,
			nearestInLabel: s.nearestInLabel,
			inScope: combine(this.#combination, s.features)
		};
	}

	/** Out of scope: the out-of-scope class beats the best label, or the combined score is low. */
	isOutOfScope(s: Pick<Scores, 'p' | 'oos' | 'inScope'>, threshold = this.threshold): boolean {
		return s.oos > s.p || s.inScope < threshold;
	}

	/**
	 * How sure an out-of-scope decision is: the out-of-scope class's probability, or how far below
	 * the threshold the combined score fell (just below it is a doubt, not a certainty).
	 */
	outOfScopeConfidence(s: Pick<Scores, 'oos' | 'inScope'>): number {
		const below = this.threshold > 0 ? Math.max(0, 1 - s.inScope / this.threshold) : 0;
		return Math.max(s.oos, below);
	}

	predict(text: string): Prediction {
		const s = this.scores(text);
		const p = s.probabilities;
		const alternatives: { label: string; p: number }[] = [];
		for (let c = 0; c < p.length; c++) {
			if (c !== this.#oos) alternatives.push({ label: this.labels[c]!, p: p[c]! });
		}
		alternatives.sort((a, b) => b.p - a.p);
		const best = alternatives[0]!;
		if (this.isOutOfScope(s)) {
			return {
				label: null,
				confidence: this.outOfScopeConfidence(s),
				inScope: s.inScope,
				alternatives
			};
		}
		return { label: best.label, confidence: best.p, inScope: s.inScope, alternatives };
	}

	serialize(): SerializedClassifier {
		const C = this.labels.length;
		const { w, b } = this.#model;
		const scales: number[] = [];
		const q = new Int8Array(w.length);
		for (let c = 0; c < C; c++) {
			let max = 0;
			for (let j = c; j < w.length; j += C) max = Math.max(max, Math.abs(w[j]!));
			const s = max / 127 || 1;
			scales.push(s);
			for (let j = c; j < w.length; j += C) q[j] = Math.round(w[j]! / s);
		}
		return {
			format: 'baton-linear-v3',
			labels: [...this.labels],
			features: this.features,
			temperature: this.temperature,
			threshold: this.threshold,
			calibratedThreshold: this.calibratedThreshold,
			combination: this.#combination,
			scales,
			bias: [...b],
			weights: toBase64(sparseBytes(q)),
			examples: { text: [...this.#examples.text], label: [...this.#examples.label] }
		};
	}

	static deserialize(s: SerializedClassifier): TextClassifier {
		if (s.format !== 'baton-linear-v3' && s.format !== 'baton-linear-v2') {
			throw new Error(
				`Unknown classifier format "${String(s.format)}": retrain it with this version.`
			);
		}
		const C = s.labels.length;
		const bytes = fromBase64(s.weights);
		const w = new Float32Array((1 << s.features.bits) * C);
		if (s.format === 'baton-linear-v2') {
			const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
			if (q.length !== w.length) throw new Error(`expected ${w.length} weights, found ${q.length}`);
			for (let j = 0; j < q.length; j++) w[j] = q[j]! * s.scales[j % C]!;
		} else {
			let j = -1;
			for (let i = 0; i < bytes.length;) {
				let gap = 0;
				let shift = 0;
				let byte: number;
				do {
					byte = bytes[i++]!;
					gap += (byte & 0x7f) * 2 ** shift;
					shift += 7;
				} while (byte & 0x80 && i < bytes.length);
				j += gap;
				if (i >= bytes.length || j >= w.length) throw new Error('the weights are cut short');
				w[j] = ((bytes[i++]! << 24) >> 24) * s.scales[j % C]!;
			}
		}
		return new TextClassifier({
			labels: s.labels,
			features: s.features,
			model: { w, b: Float32Array.from(s.bias), classes: C },
			temperature: s.temperature,
			threshold: s.threshold,
			calibratedThreshold: s.calibratedThreshold,
			combination: s.combination,
			examples: s.examples
		});
	}
}

/** The non-zero int8 weights as (LEB128 gap from the previous one's position, value) pairs. */
function sparseBytes(q: Int8Array): Uint8Array {
	let out = new Uint8Array(1024);
	let o = 0;
	let last = -1;
	for (let j = 0; j < q.length; j++) {
		if (q[j] === 0) continue;
		if (o + 8 > out.length) {
			const grown = new Uint8Array(out.length * 2);
			grown.set(out);
			out = grown;
		}
		let gap = j - last;
		last = j;
		while (gap >= 0x80) {
			out[o++] = (gap & 0x7f) | 0x80;
			gap >>>= 7;
		}
		out[o++] = gap;
		out[o++] = q[j]! & 0xff;
	}
	return out.subarray(0, o);
}

const IN_SCOPE_ROWS = 500;

type Signals = {
	top: number;
	p: number;
	oos: number;
	nearest: number;
	nearestInLabel: number;
	features: number[];
};

function signals(probabilities: Float64Array, nearestByClass: Float32Array, oos: number): Signals {
	let top = -1;
	let p = -1;
	let nearest = 0;
	for (let c = 0; c < probabilities.length; c++) {
		if (c === oos) continue;
		if (probabilities[c]! > p) {
			p = probabilities[c]!;
			top = c;
		}
		nearest = Math.max(nearest, nearestByClass[c]!);
	}
	const q = oos >= 0 ? probabilities[oos]! : 0;
	const nearestInLabel = nearestByClass[top]!;
	// Log-odds rather than p − q: near 1 probabilities saturate, and the difference between a sure
	// and a very sure label is what separates in-scope from out-of-scope there.
	return {
		top,
		p,
		oos: q,
		nearest,
		nearestInLabel,
		features: [Math.log(p + 1e-9) - Math.log(q + 1e-9), nearest, nearestInLabel]
	};
}

function sigmoid(x: number): number {
	return 1 / (1 + Math.exp(-x));
}

function combine(c: Combination, f: readonly number[]): number {
	let z = c.bias;
	for (let k = 0; k < f.length; k++) z += (c.weights[k]! * (f[k]! - c.mean[k]!)) / c.std[k]!;
	return sigmoid(z);
}

/** Logistic regression of in-scope (1) vs out-of-scope (0) on standardised signals. Classes are
 * weighted equally, since out-of-scope examples are a small minority, and a little L2 keeps three
 * weights sane when only a few dozen out-of-scope examples are held out. */
function fitCombination(rows: readonly { features: number[]; isOos: boolean }[]): Combination {
	const K = rows[0]!.features.length;
	const mean = new Array<number>(K).fill(0);
	const std = new Array<number>(K).fill(0);
	for (const r of rows)
		for (let k = 0; k < K; k++) mean[k] = mean[k]! + r.features[k]! / rows.length;
	for (const r of rows)
		for (let k = 0; k < K; k++) std[k] = std[k]! + (r.features[k]! - mean[k]!) ** 2 / rows.length;
	for (let k = 0; k < K; k++) std[k] = Math.sqrt(std[k]!) || 1;
	const z = rows.map((r) => r.features.map((f, k) => (f - mean[k]!) / std[k]!));
	const nOos = rows.filter((r) => r.isOos).length;
	const wOf = (r: { isOos: boolean }) => (r.isOos ? 0.5 / nOos : 0.5 / (rows.length - nOos));
	const weights = new Array<number>(K).fill(0);
	let bias = 0;
	const l2 = 1e-2;
	for (let it = 0; it < 500; it++) {
		const g = new Array<number>(K).fill(0);
		let gb = 0;
		rows.forEach((r, i) => {
			let s = bias;
			for (let k = 0; k < K; k++) s += weights[k]! * z[i]![k]!;
			const err = (sigmoid(s) - (r.isOos ? 0 : 1)) * wOf(r);
			for (let k = 0; k < K; k++) g[k] = g[k]! + err * z[i]![k]!;
			gb += err;
		});
		for (let k = 0; k < K; k++) weights[k] = weights[k]! - (g[k]! + l2 * weights[k]!);
		bias -= gb;
	}
	return { mean, std, weights, bias };
}

/** The lowest threshold that rejects `recall` of the out-of-scope rows: the most in-scope kept. */
export function thresholdForRecall(
	rows: readonly { p: number; oos: number; inScope: number; isOos: boolean }[],
	recall: number
): number {
	const scores = rows
		.filter((r) => r.isOos)
		.map((r) => (r.oos > r.p ? -Infinity : r.inScope))
		.sort((a, b) => a - b);
	const k = Math.ceil(recall * scores.length);
	if (k === 0 || scores[k - 1] === -Infinity) return 0;
	return Math.min(1, scores[k - 1]! + 1e-9);
}

// Base64 by table: the platform's btoa/atob work on binary strings and are slow on megabytes in
// Node (most of a second for a model), where this is a few milliseconds everywhere.
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

function toBase64(bytes: Uint8Array): string {
	const codes = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
	const table = new Uint8Array(64);
	for (let i = 0; i < 64; i++) table[i] = B64.charCodeAt(i);
	let o = 0;
	let i = 0;
	for (; i + 2 < bytes.length; i += 3) {
		const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
		codes[o++] = table[n >>> 18]!;
		codes[o++] = table[(n >>> 12) & 63]!;
		codes[o++] = table[(n >>> 6) & 63]!;
		codes[o++] = table[n & 63]!;
	}
	if (i < bytes.length) {
		const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
		codes[o++] = table[n >>> 18]!;
		codes[o++] = table[(n >>> 12) & 63]!;
		codes[o++] = i + 1 < bytes.length ? table[(n >>> 6) & 63]! : 61; // '='
		codes[o++] = 61;
	}
	// Every code is ASCII, so UTF-8 decoding is exact.
	return new TextDecoder().decode(codes);
}

function fromBase64(s: string): Uint8Array {
	let end = s.length;
	while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
	const out = new Uint8Array(Math.floor((end * 3) / 4));
	let o = 0;
	let acc = 0;
	let bits = 0;
	for (let i = 0; i < end; i++) {
		const c = s.charCodeAt(i);
		const v = c < 128 ? B64_INDEX[c]! : -1;
		if (v < 0) throw new Error(`the weights are not base64 (character ${i})`);
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >>> bits) & 0xff;
		}
	}
	return out.subarray(0, o);
}
