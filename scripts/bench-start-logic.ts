// bench:start's arithmetic, kept apart from the browser so it can be tested: where the caller's
// speech ends (by energy alone, as a listener outside the app would judge it), which agent audio
// answers which turn, and how many bytes crossed the wire in a window.

export type Segment = { start: number; end: number };

/**
 * Speech segments from energy frames (`[time ms at the frame's end, RMS]`): a segment ends at its
 * last loud frame once `quietMs` of quiet follow it; a segment still open when the frames run out
 * is dropped, as are blips shorter than `minMs`.
 */
export function speechSegments(
	frames: readonly (readonly [number, number])[],
	{ threshold = 0.01, quietMs = 300, minMs = 100 } = {}
): Segment[] {
	const out: Segment[] = [];
	let open: Segment | null = null;
	let prev: number | null = null;
	for (const [t, rms] of frames) {
		if (rms > threshold) {
			if (!open) open = { start: prev ?? t, end: t };
			else open.end = t;
		} else if (open && t - open.end >= quietMs) {
			if (open.end - open.start >= minMs) out.push(open);
			open = null;
		}
		prev = t;
	}
	return out;
}

export type Sound = { at: number; ms: number };

/** Sounds played back to back (gaps up to `gapMs`) are one run: one agent reply. */
export function soundRuns(sounds: readonly Sound[], gapMs = 300): Segment[] {
	const runs: Segment[] = [];
	for (const s of [...sounds].sort((a, b) => a.at - b.at)) {
		const last = runs[runs.length - 1];
		if (last && s.at <= last.end + gapMs) last.end = Math.max(last.end, s.at + s.ms);
		else runs.push({ start: s.at, end: s.at + s.ms });
	}
	return runs;
}

export type TurnLatency = { speechEnd: number; replyStart: number | null; ms: number | null };

/**
 * For each caller turn, the first reply that starts after the caller stopped and before they spoke
 * again. Replies already playing when the caller stopped answer an earlier turn, so they are skipped.
 */
export function replyLatencies(
	speech: readonly Segment[],
	replies: readonly Segment[]
): TurnLatency[] {
	return speech.map((s, i) => {
		const next = speech[i + 1]?.start ?? Infinity;
		const reply = replies.find((r) => r.start >= s.end && r.start < next);
		return reply
			? { speechEnd: s.end, replyStart: reply.start, ms: reply.start - s.end }
			: { speechEnd: s.end, replyStart: null, ms: null };
	});
}

export type WireEvent = { at: number; requestId: string; bytes: number };

/** Bytes in events with `from <= at < to`; requests counted once (the last report wins). */
export function bytesBetween(
	events: readonly WireEvent[],
	from = -Infinity,
	to = Infinity
): number {
	const byRequest = new Map<string, number>();
	for (const e of events) if (e.at >= from && e.at < to) byRequest.set(e.requestId, e.bytes);
	let n = 0;
	for (const b of byRequest.values()) n += b;
	return n;
}

/** Sums every event in the window (for `dataReceived`, which reports a request in many pieces). */
export function sumBetween(events: readonly WireEvent[], from = -Infinity, to = Infinity): number {
	let n = 0;
	for (const e of events) if (e.at >= from && e.at < to) n += e.bytes;
	return n;
}

export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
