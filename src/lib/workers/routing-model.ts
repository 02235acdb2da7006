import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Flow } from '../agents/flow';
import type { Router } from '../agents/routing/router';
import {
	loadRoutingModel,
	type ModelSource,
	type ModelSources,
	type StoredRoutingModel
} from '../agents/routing/routing-model';
import { WorkerClient, type Endpoint } from './protocol';
import type { RoutingMethods } from './routing-service';

// The caller's page gets its routing model without training on the main thread: from IndexedDB
// when this browser has seen the flow before (a returning visitor, a kiosk after its first call),
// else from the model the build made for the deployed flow, else trained in a worker. All of it
// starts when the page loads and runs beside the visitor reading it; the router takes the model
// the moment it arrives. Models are stored under their content key, so a flow loaded or edited at
// run time gets its own, and only the few most recent are kept.

/** Where the build puts prebuilt models: `${assets}/models/routing/${key}.json`. */
export const PREBUILT_DIR = 'models/routing';

/** Models kept per browser: the flows seen most recently. */
const KEEP = 4;

interface RoutingDB extends DBSchema {
	models: {
		key: string;
		value: StoredRoutingModel & { savedAt: number };
		indexes: { savedAt: number };
	};
}

const DB_NAME = 'baton-routing';

function openModels(): Promise<IDBPDatabase<RoutingDB>> {
	return openDB<RoutingDB>(DB_NAME, 1, {
		upgrade(db) {
			db.createObjectStore('models', { keyPath: 'key' }).createIndex('savedAt', 'savedAt');
		}
	});
}

/** IndexedDB as a model store: read by key; write, then drop all but the newest `KEEP`. */
export function indexedDbModels(): Pick<ModelSources, 'cached' | 'keep'> {
	let db: Promise<IDBPDatabase<RoutingDB>> | null = null;
	const open = () => (db ??= openModels());
	return {
		cached: async (key) => (await (await open()).get('models', key)) ?? null,
		keep: async (stored) => {
			const tx = (await open()).transaction('models', 'readwrite');
			await tx.store.put({ ...stored, savedAt: Date.now() });
			const keys = await tx.store.index('savedAt').getAllKeys();
			for (const old of keys.slice(0, Math.max(0, keys.length - KEEP))) await tx.store.delete(old);
			await tx.done;
		}
	};
}

/** The build's model for this key, or null when the build made none (any other flow). */
export function prebuiltModels(assets: string): Pick<ModelSources, 'prebuilt'> {
	return {
		prebuilt: async (key) => {
			const res = await fetch(`${assets}/${PREBUILT_DIR}/${key}.json`);
			if (res.status === 404) return null;
			if (!res.ok) throw new Error(`prebuilt routing model: HTTP ${res.status}`);
			return res.json();
		}
	};
}

/** Training in a routing worker, started on first need and ended once it has answered. */
export function workerTraining(start: () => Worker): Pick<ModelSources, 'train'> {
	return {
		train: async (examples, options) => {
			const worker = start();
			const client = new WorkerClient<RoutingMethods>(worker as unknown as Endpoint);
			worker.addEventListener('error', (e) =>
				client.failAll({
					name: 'RoutingWorkerError',
					message: e.message || 'The routing worker failed to start.',
					code: 'routing_worker_failed'
				})
			);
			try {
				return (await client.call('train', { examples, options })).model;
			} finally {
				client.close();
				worker.terminate();
			}
		}
	};
}

export const startRoutingWorker = () =>
	new Worker(new URL('./routing.worker.ts', import.meta.url), { type: 'module' });

export type RoutingModelReady = { source: ModelSource | 'main-thread'; key: string; ms: number };

/** The page's sources: this browser's IndexedDB, the build's model under `assets`, a worker. */
export function pageModelSources(assets: string): ModelSources {
	return {
		...indexedDbModels(),
		...prebuiltModels(assets),
		...workerTraining(startRoutingWorker)
	};
}

/**
 * Fills a deferred router with the flow's model from the cheapest source, off the main thread.
 * Resolves with where the model came from and how long it took; if a turn needed the router
 * before then, it trained on the spot and the source says 'main-thread'. Never rejects: a source
 * that fails is reported and the next is tried, and the router can always train itself.
 */
export async function fillRouter(
	router: Router,
	flow: Flow,
	sources: ModelSources
): Promise<RoutingModelReady> {
	const t0 = performance.now();
	try {
		const { classifier, source, key } = await loadRoutingModel(flow, {
			onProblem: (from, e) => console.warn(`Routing model (${from}):`, e),
			...sources
		});
		const taken = router.provide(classifier);
		// One decision now, while the caller listens to the greeting: the first is several times
		// slower than the rest (the engine compiles the code on its way), and would fall on the
		// caller's first turn.
		if (taken) classifier.scores('I have a question about my account');
		return { source: taken ? source : 'main-thread', key, ms: performance.now() - t0 };
	} catch (e) {
		// No worker (a browser or policy without one): the router trains at its first turn.
		console.warn('Routing model: the router will train in the page.', e);
		return { source: 'main-thread', key: '', ms: performance.now() - t0 };
	}
}
