import { describe, expect, it } from 'vitest';
import {
	bytesBetween,
	replyLatencies,
	soundRuns,
	speechSegments,
	sumBetween
} from './bench-start-logic';

/** 10 ms frames from a pattern: '#' loud, '.' quiet. */
const frames = (pattern: string): [number, number][] =>
	[...pattern].map((c, i) => [(i + 1) * 10, c === '#' ? 0.2 : 0.001]);

describe('speechSegments', () => {
	it('ends speech at the last loud frame once 300 ms of quiet follow', () => {
		const f = frames('.....' + '#'.repeat(50) + '.'.repeat(40));
		expect(speechSegments(f)).toEqual([{ start: 50, end: 550 }]);
	});

	it('keeps a pause shorter than 300 ms inside one segment', () => {
		const f = frames('#'.repeat(20) + '.'.repeat(25) + '#'.repeat(20) + '.'.repeat(40));
		expect(speechSegments(f)).toEqual([{ start: 10, end: 650 }]);
	});

	it('splits on a 300 ms pause, drops blips and a segment still open at the end', () => {
		const f = frames(
			'#'.repeat(20) + '.'.repeat(35) + '##' + '.'.repeat(35) + '#'.repeat(20) + '.'.repeat(10)
		);
		expect(speechSegments(f)).toEqual([{ start: 10, end: 200 }]);
	});
});

describe('replyLatencies', () => {
	it('takes the first reply after the end of speech and before the next turn', () => {
		const speech = [
			{ start: 0, end: 1000 },
			{ start: 5000, end: 6000 },
			{ start: 9000, end: 9500 }
		];
		const replies = [
			{ start: 800, end: 2000 }, // began before the caller stopped: not an answer
			{ start: 1700, end: 3000 },
			{ start: 9600, end: 9900 }
		];
		expect(replyLatencies(speech, replies).map((l) => l.ms)).toEqual([700, null, 100]);
	});
});

describe('soundRuns', () => {
	it('joins sentences played back to back into one reply', () => {
		const runs = soundRuns([
			{ at: 1000, ms: 500 },
			{ at: 0, ms: 400 },
			{ at: 1500, ms: 500 },
			{ at: 3000, ms: 100 }
		]);
		expect(runs).toEqual([
			{ start: 0, end: 400 },
			{ start: 1000, end: 2000 },
			{ start: 3000, end: 3100 }
		]);
	});
});

describe('byte accounting', () => {
	const finished = [
		{ at: 10, requestId: 'a', bytes: 100 },
		{ at: 20, requestId: 'b', bytes: 50 },
		{ at: 20, requestId: 'b', bytes: 50 },
		{ at: 30, requestId: 'c', bytes: 7 }
	];
	it('counts each request once, inside the window', () => {
		expect(bytesBetween(finished)).toBe(157);
		expect(bytesBetween(finished, 15, 30)).toBe(50);
	});
	it('sums every piece for dataReceived', () => {
		expect(sumBetween(finished, 0, 25)).toBe(200);
	});
});
