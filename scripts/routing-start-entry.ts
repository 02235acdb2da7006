// Bundled by bench-routing-start.ts and run inside Chromium: the caller page's way to its routing
// model (IndexedDB, the build's model, a worker), and a first turn routed while it loads.
import type { Flow } from '../src/lib/agents/flow';
import { Router } from '../src/lib/agents/routing/router';
import { routingModelKey } from '../src/lib/agents/routing/routing-model';
import {
	fillRouter,
	indexedDbModels,
	prebuiltModels,
	workerTraining
} from '../src/lib/workers/routing-model';

export type StartResult = {
	source: string;
	readyMs: number;
	/** From the moment the first turn arrived to its routing decision. */
	waitMs: number;
	/** The longest main-thread task from page start until the model was in place. */
	longestTaskMs: number;
};

declare global {
	interface Window {
		batonRoutingStart: (input: {
			flow: Flow;
			turnAt: number;
			text: string;
		}) => Promise<StartResult>;
		batonTrainHere: (input: { flow: Flow; text: string }) => number;
	}
}

window.batonRoutingStart = async ({ flow, turnAt, text }) => {
	let longestTaskMs = 0;
	const observer = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) longestTaskMs = Math.max(longestTaskMs, e.duration);
	});
	observer.observe({ type: 'longtask', buffered: true });
	const t0 = performance.now();
	const router = Router.deferred(flow);
	const store = indexedDbModels();
	const ready = fillRouter(router, flow, {
		...store,
		...prebuiltModels(''),
		...workerTraining(() => new Worker('/routing.worker.js', { type: 'module' }))
	});
	await new Promise((r) => setTimeout(r, turnAt));
	router.route(text);
	const waitMs = performance.now() - (t0 + turnAt);
	const r = await ready;
	// Let the long-task observer report, and the model reach IndexedDB for the next visit.
	const key = routingModelKey(flow);
	for (let i = 0; i < 100 && !(await store.cached!(key)); i++) {
		await new Promise((res) => setTimeout(res, 20));
	}
	await new Promise((res) => setTimeout(res, 50));
	observer.disconnect();
	return { source: r.source, readyMs: r.ms, waitMs, longestTaskMs };
};

window.batonTrainHere = ({ flow, text }) => {
	const t0 = performance.now();
	Router.deferred(flow).route(text);
	return performance.now() - t0;
};
