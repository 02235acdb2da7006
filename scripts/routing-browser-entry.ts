// Bundled by bench-routing.ts and run inside Chromium: the same classifier code, timed in a browser.
import { OUT_OF_SCOPE, TextClassifier, type Example } from '../src/lib/agents/routing/classifier';

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
	// A page that is not cross-origin isolated gets a coarse clock (0.1 ms), so each utterance is
	// timed over 20 repetitions and the mean is kept.
	for (const p of probes) {
		const s = performance.now();
		for (let i = 0; i < 20; i++) clf.predict(p);
		latencies.push((performance.now() - s) / 20);
	}
	return { trainMs, latencies };
};

export { OUT_OF_SCOPE };
