import {
	OUT_OF_SCOPE,
	TextClassifier,
	defaultTrainOptions,
	type Example,
	type SerializedClassifier,
	type TrainOptions
} from './classifier';
import type { Flow } from '../flow';
import { BatonError } from '../../errors';

// A flow's routing model, kept off the call's critical path. Training is deterministic: the same
// examples and options give the same model, so a model is named by a hash of exactly what it is
// trained from (the personas' intents and examples, the out-of-scope examples, the training
// options and this code's version), never by the flow's id. A model trained once, in a worker, at
// build time or on an earlier visit, is used again for as long as that content is unchanged, and a
// flow edited or loaded at run time gets a key of its own.

/** Bump when a change to features or training makes an older model a different model. */
export const ROUTING_MODEL_VERSION = 2;

/** The examples a flow's classifier trains from: labelled by intent, or by persona without intents. */
export function trainingExamples(flow: Flow): Example[] {
	const examples: Example[] = [];
	for (const p of flow.personas) {
		if (p.intents.length > 0) {
			for (const i of p.intents)
				for (const text of i.examples) examples.push({ text, label: i.id });
		} else {
			for (const text of p.examples) examples.push({ text, label: p.id });
		}
	}
	for (const text of flow.outOfScope) examples.push({ text, label: OUT_OF_SCOPE });
	return examples;
}

/**
 * The name of the model a flow trains to: 32 hex digits over the training examples, the options
 * and the model version. Two flows that differ only in what routing never reads (greetings,
 * tools, voices) share a model.
 */
export function routingModelKey(flow: Flow, options: Partial<TrainOptions> = {}): string {
	return modelKeyOf(trainingExamples(flow), options);
}

export function modelKeyOf(
	examples: readonly Example[],
	options: Partial<TrainOptions> = {}
): string {
	const content = JSON.stringify({
		version: ROUTING_MODEL_VERSION,
		options: { ...defaultTrainOptions, ...options },
		examples: examples.map((e) => [e.label, e.text])
	});
	return hash128(content);
}

/** cyrb128: four 32-bit multiply-xor lanes mixed at the end. A content key, not a security measure. */
function hash128(s: string): string {
	let h1 = 1779033703;
	let h2 = 3144134277;
	let h3 = 1013904242;
	let h4 = 2773480762;
	for (let i = 0; i < s.length; i++) {
		const k = s.charCodeAt(i);
		h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
		h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
		h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
		h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
	}
	h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
	h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
	h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
	h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
	h1 ^= h2 ^ h3 ^ h4;
	h2 ^= h1;
	h3 ^= h1;
	h4 ^= h1;
	return [h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}

/** A model file or cache entry that is not a model of the expected content. */
export class RoutingModelError extends BatonError {
	constructor(message: string) {
		super({ code: 'routing_model_invalid', message, retryable: false });
		this.name = 'RoutingModelError';
	}
}

/** A stored model: the key it was trained for and the model. */
export type StoredRoutingModel = { key: string; model: SerializedClassifier };

/**
 * Checks that `stored` is a model for `key` and loads it. Throws `RoutingModelError` naming what
 * is wrong (another key, another format, a damaged file), so a bad cache entry or file is
 * replaced, never used.
 */
export function classifierFrom(stored: unknown, key: string): TextClassifier {
	const s = stored as Partial<StoredRoutingModel> | null;
	if (!s || typeof s !== 'object' || typeof s.key !== 'string' || !s.model) {
		throw new RoutingModelError('not a routing model: expected {"key", "model"}');
	}
	if (s.key !== key) {
		throw new RoutingModelError(`the model is for key ${s.key}, not ${key}`);
	}
	try {
		return TextClassifier.deserialize(s.model);
	} catch (e) {
		throw new RoutingModelError(`the model for ${key} is damaged: ${(e as Error).message}`);
	}
}

/** Where a model came from, for the page's timings and the benchmark. */
export type ModelSource = 'cache' | 'prebuilt' | 'trained';

export type ModelSources = {
	/** A model kept by an earlier visit (IndexedDB in the page). */
	cached?: (key: string) => Promise<unknown>;
	/** Keeps a model for the next visit. Failures are reported, never thrown. */
	keep?: (stored: StoredRoutingModel) => Promise<void>;
	/** A model built with the app for its deployed flow; null when there is none for this key. */
	prebuilt?: (key: string) => Promise<unknown>;
	/** Trains the model (in a worker in the page). */
	train: (examples: Example[], options: Partial<TrainOptions>) => Promise<SerializedClassifier>;
	/** A source failed or held a bad model; the next one is tried. */
	onProblem?: (source: ModelSource, error: unknown) => void;
};

/**
 * The flow's classifier from the cheapest source that has it: kept by an earlier visit, built with
 * the app, or trained now. A trained or prebuilt model is kept for next time.
 */
export async function loadRoutingModel(
	flow: Flow,
	sources: ModelSources,
	options: Partial<TrainOptions> = {}
): Promise<{ classifier: TextClassifier; source: ModelSource; key: string }> {
	const examples = trainingExamples(flow);
	const key = modelKeyOf(examples, options);
	const attempt = async (source: ModelSource, get?: (key: string) => Promise<unknown>) => {
		if (!get) return null;
		try {
			const stored = await get(key);
			if (stored == null) return null;
			return { classifier: classifierFrom(stored, key), stored: stored as StoredRoutingModel };
		} catch (e) {
			sources.onProblem?.(source, e);
			return null;
		}
	};
	const keep = (stored: StoredRoutingModel) =>
		sources.keep?.(stored).catch((e) => sources.onProblem?.('cache', e));

	const cached = await attempt('cache', sources.cached);
	if (cached) return { classifier: cached.classifier, source: 'cache', key };
	const prebuilt = await attempt('prebuilt', sources.prebuilt);
	if (prebuilt) {
		void keep(prebuilt.stored);
		return { classifier: prebuilt.classifier, source: 'prebuilt', key };
	}
	const model = await sources.train(examples, options);
	void keep({ key, model });
	return { classifier: TextClassifier.deserialize(model), source: 'trained', key };
}
