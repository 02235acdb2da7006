import {
	defaultFeatureOptions,
	featurize,
	type FeatureOptions,
	type SparseVector
} from './features';

// A multinomial logistic regression over hashed n-gram features, trained in the browser from the
// flow's examples in well under a second. Probabilities are calibrated with a temperature fitted on
// a held-out slice of the examples, so a confidence threshold means the same across flows.

/** The label that stands for "no persona fits". */
export const OUT_OF_SCOPE = '__oos__';

export type Example = { text: string; label: string };

export type Prediction = {
	/** The best in-scope label, or null when the text is out of scope. */
	label: string | null;
	/** Calibrated probability of `label` (or of out-of-scope when label is null). */
	confidence: number;
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
	/** Below this top probability an utterance is out of scope even without an OOS class. */
	threshold: number;
	seed: number;
};

export const defaultTrainOptions: TrainOptions = {
	features: defaultFeatureOptions,
	epochs: 12,
	learningRate: 5,
	l2: 1e-6,
	calibrationShare: 0.1,
	threshold: 0.5,
	seed: 7
};

/** A serializable snapshot of a trained model. Weights are int8 with one scale per class. */
export type SerializedClassifier = {
	format: 'baton-linear-v1';
	labels: string[];
	features: FeatureOptions;
	temperature: number;
	threshold: number;
	scales: number[];
	bias: number[];
	weights: string; // base64 of Int8Array [feature][class]
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
	readonly #model: Weights;
	readonly #oos: number;

	private constructor(options: {
		labels: string[];
		features: FeatureOptions;
		model: Weights;
		temperature: number;
		threshold: number;
	}) {
		this.labels = options.labels;
		this.features = options.features;
		this.#model = options.model;
		this.temperature = options.temperature;
		this.threshold = options.threshold;
		this.#oos = options.labels.indexOf(OUT_OF_SCOPE);
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
		const data = examples.map((e) => ({
			x: featurize(e.text, opts.features),
			y: index.get(e.label)!
		}));
		let temperature = 1;
		if (opts.calibrationShare > 0 && data.length >= 50) {
			const shuffled = shuffle([...data], mulberry32(opts.seed + 1));
			const cut = Math.floor(shuffled.length * opts.calibrationShare);
			const probe = fit(shuffled.slice(cut), labels.length, opts);
			temperature = fitTemperature(probe, shuffled.slice(0, cut));
		}
		const model = fit(data, labels.length, opts);
		return new TextClassifier({
			labels,
			features: opts.features,
			model,
			temperature,
			threshold: opts.threshold
		});
	}

	/** Calibrated probabilities for every label, in `labels` order. */
	probabilities(text: string): Float64Array {
		const z = new Float64Array(this.labels.length);
		logits(this.#model, featurize(text, this.features), z);
		softmaxInPlace(z, this.temperature);
		return z;
	}

	predict(text: string): Prediction {
		const p = this.probabilities(text);
		const alternatives: { label: string; p: number }[] = [];
		for (let c = 0; c < p.length; c++) {
			if (c !== this.#oos) alternatives.push({ label: this.labels[c]!, p: p[c]! });
		}
		alternatives.sort((a, b) => b.p - a.p);
		const best = alternatives[0]!;
		const oosP = this.#oos >= 0 ? p[this.#oos]! : 0;
		if (oosP > best.p || best.p < this.threshold) {
			return { label: null, confidence: Math.max(oosP, 1 - best.p), alternatives };
		}
		return { label: best.label, confidence: best.p, alternatives };
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
			format: 'baton-linear-v1',
			labels: [...this.labels],
			features: this.features,
			temperature: this.temperature,
			threshold: this.threshold,
			scales,
			bias: [...b],
			weights: toBase64(new Uint8Array(q.buffer))
		};
	}

	static deserialize(s: SerializedClassifier): TextClassifier {
		if (s.format !== 'baton-linear-v1') {
			throw new Error(
				`Unknown classifier format "${String(s.format)}": retrain it with this version.`
			);
		}
		const C = s.labels.length;
		const q = new Int8Array(fromBase64(s.weights).buffer);
		const w = new Float32Array(q.length);
		for (let j = 0; j < q.length; j++) w[j] = q[j]! * s.scales[j % C]!;
		return new TextClassifier({
			labels: s.labels,
			features: s.features,
			model: { w, b: Float32Array.from(s.bias), classes: C },
			temperature: s.temperature,
			threshold: s.threshold
		});
	}
}

function toBase64(bytes: Uint8Array): string {
	let s = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(s);
}

function fromBase64(s: string): Uint8Array {
	const bin = atob(s);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}
