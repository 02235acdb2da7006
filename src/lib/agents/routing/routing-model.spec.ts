import { describe, expect, it, vi } from 'vitest';
import { demoFlow } from '../demo';
import type { Flow } from '../flow';
import { TextClassifier } from './classifier';
import {
	classifierFrom,
	loadRoutingModel,
	routingModelKey,
	trainingExamples,
	type ModelSources,
	type StoredRoutingModel
} from './routing-model';
import { Router } from './router';

const edited = (change: (f: Flow) => void): Flow => {
	const f = structuredClone(demoFlow);
	change(f);
	return f;
};

describe('routingModelKey', () => {
	const key = routingModelKey(demoFlow);

	it('names a model by what it trains from', () => {
		expect(key).toMatch(/^[0-9a-f]{32}$/);
		expect(routingModelKey(structuredClone(demoFlow))).toBe(key);
		// What routing never reads does not change the model.
		expect(routingModelKey(edited((f) => (f.personas[0]!.greeting = 'Hello there.')))).toBe(key);
	});

	it('changes with an example, an intent, an out-of-scope example or an option', () => {
		const billing = (f: Flow) => f.personas.find((p) => p.id === 'billing')!;
		const keys = [
			routingModelKey(edited((f) => billing(f).intents[0]!.examples.push('my bill is purple'))),
			routingModelKey(edited((f) => (billing(f).intents[0]!.id = 'billing.renamed'))),
			routingModelKey(edited((f) => f.outOfScope.push('what is a haiku'))),
			routingModelKey(demoFlow, { epochs: 3 })
		];
		expect(new Set([key, ...keys]).size).toBe(5);
	});
});

describe('loadRoutingModel', () => {
	const examples = trainingExamples(demoFlow);
	const key = routingModelKey(demoFlow);
	const model = TextClassifier.train(examples).serialize();
	const stored: StoredRoutingModel = { key, model };
	const train = vi.fn(async () => model);

	function sources(more: Partial<ModelSources> = {}) {
		const kept: StoredRoutingModel[] = [];
		const problems: string[] = [];
		const s: ModelSources = {
			keep: async (m) => void kept.push(m),
			train,
			onProblem: (source, e) => problems.push(`${source}: ${(e as Error).message}`),
			...more
		};
		return { s, kept, problems };
	}

	it('takes a model this browser kept, and trains nothing', async () => {
		train.mockClear();
		const { s, kept } = sources({ cached: async () => stored, prebuilt: async () => stored });
		const r = await loadRoutingModel(demoFlow, s);
		expect(r).toMatchObject({ source: 'cache', key });
		expect(train).not.toHaveBeenCalled();
		expect(kept).toEqual([]);
	});

	it('takes the build’s model next, and keeps it for the next visit', async () => {
		train.mockClear();
		const { s, kept } = sources({ cached: async () => null, prebuilt: async () => stored });
		expect((await loadRoutingModel(demoFlow, s)).source).toBe('prebuilt');
		expect(train).not.toHaveBeenCalled();
		await vi.waitFor(() => expect(kept.map((k) => k.key)).toEqual([key]));
	});

	it('trains when nothing has the model, with the flow’s examples, and keeps what it trained', async () => {
		train.mockClear();
		const { s, kept } = sources({ cached: async () => null, prebuilt: async () => null });
		const r = await loadRoutingModel(demoFlow, s);
		expect(r.source).toBe('trained');
		expect(train).toHaveBeenCalledWith(examples, {});
		await vi.waitFor(() => expect(kept).toHaveLength(1));
		// The router over it decides as one trained in place (its weights are int8, so the
		// confidences agree to about a hundredth).
		const here = Router.train(demoFlow);
		const there = Router.fromClassifier(demoFlow, r.classifier);
		for (const t of ['why is my bill so high', 'my phone has no signal', 'tell me a joke']) {
			const [a, b] = [here.route(t), there.route(t)];
			expect(b.personaId).toBe(a.personaId);
			expect(b.intent?.id).toBe(a.intent?.id);
			expect(b.confidence).toBeCloseTo(a.confidence, 1);
		}
	});

	it('passes over a model for another flow or a damaged one, says why, and replaces it', async () => {
		for (const bad of [
			{ key: 'f'.repeat(32), model },
			{ key, model: { ...model, weights: '***' } },
			{ key, model: { ...model, format: 'baton-linear-v1' } },
			'not a model'
		]) {
			train.mockClear();
			const { s, kept, problems } = sources({ cached: async () => bad });
			expect((await loadRoutingModel(demoFlow, s)).source).toBe('trained');
			expect(problems[0]).toMatch(/^cache: /);
			await vi.waitFor(() => expect(kept.map((k) => k.key)).toEqual([key]));
		}
	});

	it('goes on when a source fails or keeping fails', async () => {
		const { s, problems } = sources({
			cached: async () => {
				throw new Error('storage is off');
			},
			keep: async () => {
				throw new Error('quota');
			},
			prebuilt: async () => stored
		});
		expect((await loadRoutingModel(demoFlow, s)).source).toBe('prebuilt');
		await vi.waitFor(() => expect(problems).toEqual(['cache: storage is off', 'cache: quota']));
	});
});

describe('classifierFrom', () => {
	it('names what is wrong with a stored model', () => {
		expect(() => classifierFrom({ model: {} }, 'k')).toThrow(/expected \{"key", "model"\}/);
		expect(() => classifierFrom({ key: 'a', model: {} }, 'b')).toThrow(/for key a, not b/);
		expect(() => classifierFrom({ key: 'a', model: { format: 'x' } }, 'a')).toThrow(/damaged/);
	});
});
