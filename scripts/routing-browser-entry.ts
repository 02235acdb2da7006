// Bundled by bench-routing.ts and run inside Chromium: the same classifier code, timed in a browser.
import { OUT_OF_SCOPE, TextClassifier, type Example } from '../src/lib/agents/classifier';

declare global {
	interface Window {
		batonRoutingBench: (input: { examples: Example[]; probes: string[]; threshold: number }) => {
			trainMs: number;
			latencies: number[];
		};
	}
}

window.batonRoutingBench = ({ examples, probes, threshold }) => {
	const t0 = performance.now();
	const clf = TextClassifier.train(examples, { threshold });
	const trainMs = performance.now() - t0;
	const latencies: number[] = [];
	for (const p of probes) {
		const s = performance.now();
		clf.predict(p);
		latencies.push(performance.now() - s);
	}
	return { trainMs, latencies };
};

export { OUT_OF_SCOPE };
