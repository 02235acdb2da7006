import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { demoFlow } from '../agents/demo';
import { TextClassifier } from '../agents/routing/classifier';
import { Router } from '../agents/routing/router';
import { routingModelKey, trainingExamples } from '../agents/routing/routing-model';
import { serve, WorkerClient, type Endpoint } from './protocol';
import { fillRouter, indexedDbModels } from './routing-model';
import { routingHandlers, type RoutingMethods } from './routing-service';

const examples = trainingExamples(demoFlow);
const model = TextClassifier.train(examples).serialize();

describe('the routing worker’s handlers', () => {
	it('train the flow’s model across a message port', async () => {
		const ch = new MessageChannel();
		serve(ch.port2 as unknown as Endpoint, routingHandlers);
		const client = new WorkerClient<RoutingMethods>(ch.port1 as unknown as Endpoint);
		try {
			const r = await client.call('train', { examples, options: {} });
			expect(r.ms).toBeGreaterThan(0);
			const clf = TextClassifier.deserialize(r.model);
			expect(clf.predict('why is my bill so high this month').label).toBe('billing.charge');
		} finally {
			client.close();
			ch.port1.close();
			ch.port2.close();
		}
	});
});

describe('indexedDbModels', () => {
	it('keeps a model under its key and only the four newest', async () => {
		const store = indexedDbModels();
		expect(await store.cached!('nothing-here')).toBeNull();
		for (let i = 0; i < 6; i++) await store.keep!({ key: `k${i}`, model });
		expect(await store.cached!('k0')).toBeNull();
		expect(await store.cached!('k1')).toBeNull();
		const kept = (await store.cached!('k5')) as { key: string; model: typeof model };
		expect(kept.key).toBe('k5');
		expect(TextClassifier.deserialize(kept.model).labels).toEqual(model.labels);
	});
});

describe('fillRouter', () => {
	const key = routingModelKey(demoFlow);

	it('gives a deferred router the model, so its first turn trains nothing', async () => {
		const router = Router.deferred(demoFlow);
		const ready = await fillRouter(router, demoFlow, {
			cached: async () => ({ key, model }),
			train: async () => {
				throw new Error('no training expected');
			}
		});
		expect(ready).toMatchObject({ source: 'cache', key });
		expect(router.isTrained).toBe(true);
		expect(router.route('my phone has no signal').personaId).toBe('support');
	});

	it('says when a turn came first and the router trained on the spot', async () => {
		const router = Router.deferred(demoFlow);
		router.route('hello');
		const ready = await fillRouter(router, demoFlow, { train: async () => model });
		expect(ready.source).toBe('main-thread');
	});

	it('never rejects: without a worker the router trains at its first turn', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const router = Router.deferred(demoFlow);
		const ready = await fillRouter(router, demoFlow, {
			train: async () => {
				throw new Error('workers are off');
			}
		});
		expect(ready.source).toBe('main-thread');
		expect(router.isTrained).toBe(false);
		expect(router.route('I want to cancel my service').personaId).toBe('retention');
		expect(warn).toHaveBeenCalledWith(
			expect.stringMatching(/train in the page/),
			expect.any(Error)
		);
		warn.mockRestore();
	});
});
