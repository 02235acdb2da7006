import type { SparseVector } from './features';

// Nearest-neighbour similarity over the training examples' feature vectors. A linear model spreads
// an utterance it has never seen over the closest classes; how close the utterance comes to any
// example it was taught is a separate, complementary sign of whether it is out of scope. Vectors
// are L2-normalised, so a dot product is the cosine, and an inverted index (one posting list per
// hashed feature) touches only the examples that share a feature with the query.

export class NeighbourIndex {
	readonly size: number;
	readonly classes: number;
	readonly #labels: Int32Array;
	/** CSR over features: postings of feature f are `#docs/#values[#start[f] .. #start[f + 1]]`. */
	readonly #start: Int32Array;
	readonly #docs: Int32Array;
	readonly #values: Float32Array;
	// Reused between queries: a query allocates nothing but its result.
	readonly #acc: Float32Array;
	readonly #touched: Int32Array;

	/**
	 * @param vectors L2-normalised sparse vectors, all indices below `dimension`.
	 * @param labels the class of each vector, 0 ≤ label < classes.
	 */
	constructor(options: {
		vectors: readonly SparseVector[];
		labels: ArrayLike<number>;
		classes: number;
		dimension: number;
	}) {
		const { vectors, labels, classes, dimension } = options;
		this.size = vectors.length;
		this.classes = classes;
		this.#labels = Int32Array.from(labels);
		const start = new Int32Array(dimension + 1);
		for (const v of vectors)
			for (let k = 0; k < v.index.length; k++) start[v.index[k]! + 1] = start[v.index[k]! + 1]! + 1;
		for (let f = 0; f < dimension; f++) start[f + 1] = start[f + 1]! + start[f]!;
		const fill = start.slice(0, dimension);
		this.#docs = new Int32Array(start[dimension]!);
		this.#values = new Float32Array(start[dimension]!);
		vectors.forEach((v, d) => {
			for (let k = 0; k < v.index.length; k++) {
				const at = fill[v.index[k]!]!++;
				this.#docs[at] = d;
				this.#values[at] = v.value[k]!;
			}
		});
		this.#start = start;
		this.#acc = new Float32Array(this.size);
		this.#touched = new Int32Array(this.size);
	}

	/**
	 * The highest cosine between `x` and any example of each class (0 where no example shares a
	 * feature). `exclude` leaves one example out, for out-of-fold scores of the examples themselves.
	 */
	maxCosineByClass(x: SparseVector, exclude = -1): Float32Array {
		const acc = this.#acc;
		const touched = this.#touched;
		let n = 0;
		for (let k = 0; k < x.index.length; k++) {
			const f = x.index[k]!;
			const q = x.value[k]!;
			const end = this.#start[f + 1]!;
			for (let j = this.#start[f]!; j < end; j++) {
				const d = this.#docs[j]!;
				if (acc[d] === 0) touched[n++] = d;
				acc[d] = acc[d]! + q * this.#values[j]!;
			}
		}
		const best = new Float32Array(this.classes);
		for (let i = 0; i < n; i++) {
			const d = touched[i]!;
			const s = acc[d]!;
			acc[d] = 0;
			if (d === exclude) continue;
			const c = this.#labels[d]!;
			if (s > best[c]!) best[c] = s;
		}
		return best;
	}
}
