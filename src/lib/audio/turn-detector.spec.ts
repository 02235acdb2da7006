import { describe, expect, it } from 'vitest';
import { BargeIn, isBackchannel } from './barge-in';
import { TurnDetector, type TurnEvent } from './turn-detector';

// Probability traces in the shape Silero v5 produces (32 ms frames): rises over a few frames at
// onset, dips inside words, decays after the last word.
const trace = (spec: [number, number][]) =>
	spec.flatMap(([p, frames]) => Array<number>(frames).fill(p));
const run = (probs: number[], d = new TurnDetector()) =>
	probs.flatMap((p, i) => d.push(p).map((e) => ({ ...e, frame: i })));

describe('end of turn', () => {
	it('ends a turn after 400 ms of silence, not 1.4 s', () => {
		const events = run(
			trace([
				[0.02, 10],
				[0.3, 1],
				[0.9, 30],
				[0.4, 2],
				[0.85, 20],
				[0.1, 20]
			])
		);
		const end = events.find((e) => e.type === 'speech_end') as TurnEvent & { frame: number };
		expect(end).toBeDefined();
		// Speech ended at frame 63; 400 ms = 12.5 frames of 32 ms → the 12th silent frame (384 ms).
		expect(end.frame).toBe(63 + 12 - 1);
		expect(end).toMatchObject({ startMs: 11 * 32, endMs: 63 * 32 });
	});

	it('keeps a turn alive through short pauses between words', () => {
		const events = run(
			trace([
				[0.9, 20],
				[0.1, 8],
				[0.9, 20],
				[0.05, 20]
			])
		);
		expect(events.filter((e) => e.type === 'speech_start')).toHaveLength(1);
		expect(events.filter((e) => e.type === 'speech_end')).toHaveLength(1);
	});

	it('calls a blip a misfire, and the end-of-turn delay is configurable', () => {
		expect(
			run(
				trace([
					[0.9, 2],
					[0.05, 20]
				])
			).map((e) => e.type)
		).toEqual(['speech_start', 'misfire']);
		const slow = run(
			trace([
				[0.9, 20],
				[0.05, 40]
			]),
			new TurnDetector({ endSilenceMs: 800 })
		);
		expect(slow.find((e) => e.type === 'speech_end')!.frame).toBe(20 + 25 - 1);
		expect(() => new TurnDetector({ endSilenceMs: 5000 })).toThrow(/unresponsive/);
		expect(() => new TurnDetector({ negativeSpeechThreshold: 0.6 })).toThrow(/below/);
	});
});

describe('barge-in', () => {
	it('pauses the agent on the first speech frame and cancels on a real interruption', () => {
		const b = new BargeIn();
		expect(b.speechStart(1, true)).toBe('pause');
		expect(b.speechEnd(1, 1500, 'no wait, I meant the other charge')).toBe('cancel');
	});

	it('resumes after a backchannel or a misfire, and ignores speech when the agent is silent', () => {
		const b = new BargeIn();
		let turn = 0;
		for (const word of ['yeah', 'OK', 'mm-hm', 'uh huh', 'right.']) {
			expect(b.speechStart(++turn, true)).toBe('pause');
			expect(b.speechEnd(turn, 400, word)).toBe('resume');
		}
		expect(b.speechStart(++turn, true)).toBe('pause');
		expect(b.misfire(turn)).toBe('resume');
		expect(b.speechStart(++turn, false)).toBe('none');
		expect(b.speechEnd(turn, 1500, 'what about my bill')).toBe('none');
		expect(isBackchannel('yeah but what about my bill')).toBe(false);
		// A short sound with no words (a cough) lets the agent carry on; a long one does not.
		expect(b.speechStart(++turn, true)).toBe('pause');
		expect(b.speechEnd(turn, 500, '')).toBe('resume');
		expect(b.speechStart(++turn, true)).toBe('pause');
		expect(b.speechEnd(turn, 1500, '')).toBe('cancel');
		// A long "yeah…" is a turn, not a backchannel.
		expect(b.speechStart(++turn, true)).toBe('pause');
		expect(b.speechEnd(turn, 2000, 'yeah')).toBe('cancel');
	});

	it('holds an answer while a later turn is open, and lets each turn decide for itself', () => {
		const b = new BargeIn();
		// Turn 1 ended, its words not yet known; the caller speaks again as its answer is due.
		expect(b.speechStart(2, true)).toBe('pause');
		// Turn 1's words arrive: answered as usual, its answer held while turn 2 is open.
		expect(b.speechEnd(1, 1800, 'I have a question about my bill')).toBe('none');
		expect(b.misfire(1)).toBe('none');
		expect(b.paused).toBe(true);
		// Turn 3 begins before turn 2 is known: the agent stays held through both.
		expect(b.speechStart(3, false)).toBe('none');
		// Turn 2 is a request of its own: what was said before is dropped; its answer is held.
		expect(b.speechEnd(2, 1000, 'sorry, stop')).toBe('cancel');
		expect(b.paused).toBe(true);
		// Turn 3 decides last.
		expect(b.speechEnd(3, 1600, 'what is my balance')).toBe('cancel');
		expect(b.paused).toBe(false);
	});

	it('drops a backchannel under a later turn, resumes after a misfire, and resets once', () => {
		const b = new BargeIn();
		expect(b.speechStart(1, true)).toBe('pause');
		expect(b.speechStart(2, true)).toBe('none');
		expect(b.speechEnd(1, 400, 'yeah')).toBe('ignore');
		expect(b.misfire(2)).toBe('resume');
		expect(b.paused).toBe(false);
		// The microphone stopping resumes a held answer once, and only once.
		expect(b.speechStart(3, true)).toBe('pause');
		expect(b.reset()).toBe('resume');
		expect(b.reset()).toBe('none');
		expect(b.speechEnd(3, 1500, 'what about my bill')).toBe('none');
	});

	it('pauses within one 32 ms frame of onset', () => {
		const d = new TurnDetector();
		const b = new BargeIn();
		const onset = trace([
			[0.02, 5],
			[0.7, 5]
		]);
		let pausedAt = -1;
		onset.forEach((p, i) => {
			for (const e of d.push(p))
				if (e.type === 'speech_start' && b.speechStart(1, true) === 'pause') pausedAt = i;
		});
		expect((pausedAt - 5 + 1) * 32).toBeLessThanOrEqual(200);
	});
});
