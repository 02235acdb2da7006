import type { AuditEvent } from './audit';

// Call-quality metrics, computed from audit events alone so they can be recomputed from a stored
// log at any time.

export type Metrics = {
	calls: number;
	/** Share of calls with at least one handoff beyond the first routing out of triage. */
	handoffRate: number;
	/** Share of calls with two or more handoffs beyond the first routing. */
	multiTransferRate: number;
	/** Share of calls that reached a person (or a person was requested). */
	humanRate: number;
	packageMs: { p50: number; p95: number; max: number; n: number };
	/** Caller turns that repeated a fact the call already had, per caller turn. */
	repeatRate: number;
	triggers: Record<string, number>;
};

export function percentile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return 0;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[i]!;
}

export function computeMetrics(
	events: readonly AuditEvent[],
	triageId = 'triage',
	humanId = 'human'
): Metrics {
	const calls = new Map<string, { hops: number; human: boolean; turns: number; repeats: number }>();
	const ms: number[] = [];
	const triggers: Record<string, number> = {};
	const call = (id: string) => {
		let c = calls.get(id);
		if (!c) calls.set(id, (c = { hops: 0, human: false, turns: 0, repeats: 0 }));
		return c;
	};
	for (const e of events) {
		const c = call(e.callId);
		if (e.type === 'handoff') {
			if (e.from !== triageId) c.hops++;
			if (e.to === humanId) c.human = true;
			triggers[e.trigger] = (triggers[e.trigger] ?? 0) + 1;
		} else if (e.type === 'package_ready') ms.push(e.ms);
		else if (e.type === 'caller_turn') c.turns++;
		else if (e.type === 'repeat') c.repeats++;
	}
	const all = [...calls.values()];
	const n = all.length || 1;
	const turns = all.reduce((s, c) => s + c.turns, 0) || 1;
	ms.sort((a, b) => a - b);
	return {
		calls: all.length,
		handoffRate: all.filter((c) => c.hops >= 1).length / n,
		multiTransferRate: all.filter((c) => c.hops >= 2).length / n,
		humanRate: all.filter((c) => c.human).length / n,
		packageMs: {
			p50: percentile(ms, 0.5),
			p95: percentile(ms, 0.95),
			max: ms[ms.length - 1] ?? 0,
			n: ms.length
		},
		repeatRate: all.reduce((s, c) => s + c.repeats, 0) / turns,
		triggers
	};
}
