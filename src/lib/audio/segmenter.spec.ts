import { describe, expect, it } from 'vitest';
import { SpeechSegmenter, type SegmentEvent } from './segmenter';

// Frames carry their own index as every sample, so the test can see exactly which frames a turn kept.
const frame = (i: number) => new Float32Array(512).fill(i);
const run = (s: SpeechSegmenter, probs: number[], from = 0) =>
	probs.flatMap((p, i) => s.push(p, frame(from + i)).map((e) => ({ ...e, at: from + i })));
const types = (events: SegmentEvent[]) => events.map((e) => e.type);
const kept = (audio: Float32Array) => [...new Set(audio)];
const speech = (frames: number) => Array<number>(frames).fill(0.9);
const silence = (frames: number) => Array<number>(frames).fill(0);

describe('SpeechSegmenter', () => {
	it('keeps the turn with a little audio from before it, and ends it after the silence', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 64, endSilenceMs: 400 });
		const events = run(s, [...silence(4), ...speech(6), ...silence(14)]);
		expect(types(events)).toEqual(['speech_start', 'pause', 'speech_end']);
		const end = events[2] as Extract<SegmentEvent, { type: 'speech_end' }> & { at: number };
		expect(kept(end.audio)[0]).toBe(2); // two frames (64 ms) of lead-in
		expect(events[0]).toMatchObject({ atMs: 128, lagMs: 32, turn: 1 }); // known one frame after it began
		expect(kept(end.audio)).toContain(9);
		expect(end.at).toBe(4 + 6 + 11); // the 12th silent frame (384 ms ≈ 400 ms) ends it
		expect(end.silenceMs).toBe(384);
		expect(end.turn).toBe(1);
	});

	it('times the silence from when the sound faded, not from when the VAD let go of it', () => {
		// Six loud frames, then two the VAD still calls speech although the sound has faded to
		// a whisper of room noise, then silence.
		const loud = new Float32Array(512).fill(0.3);
		const faded = new Float32Array(512).fill(0.003);
		const probs = [...speech(8), ...silence(14)];
		const frames = [...Array(6).fill(loud), faded, faded, ...Array(14).fill(faded)];
		const at = (s: SpeechSegmenter) =>
			probs.flatMap((p, i) => s.push(p, frames[i]!).map((e) => ({ ...e, at: i })));
		const plain = at(new SpeechSegmenter({ preSpeechPadMs: 0, quietTailMs: 0 }));
		const timed = at(new SpeechSegmenter({ preSpeechPadMs: 0 }));
		const pause = (events: typeof plain) => events.find((e) => e.type === 'pause')!;
		const end = (events: typeof plain) =>
			events.find((e) => e.type === 'speech_end') as Extract<SegmentEvent, { type: 'speech_end' }>;
		// 64 ms of the VAD's speech was already quiet: the guess starts two frames sooner, and
		// the turn's end is placed where the sound stopped (at most `quietTailMs` back).
		expect(pause(timed).at).toBe(pause(plain).at - 2);
		expect(end(plain).endMs).toBe(8 * 32);
		expect(end(timed).endMs).toBe(6 * 32);
		// The audio is not cut: every frame of the turn up to its end is kept.
		expect(end(timed).audio.length).toBeGreaterThanOrEqual(8 * 512);
		// A word's soft last sound (a fricative at −20 dB) is still the word.
		const soft = new Float32Array(512).fill(0.03);
		const kept = [...Array(6).fill(loud), soft, soft, ...Array(14).fill(faded)];
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		const events = probs.flatMap((p, i) => s.push(p, kept[i]!));
		expect(end(events.map((e) => ({ ...e, at: 0 }))).endMs).toBe(8 * 32);
	});

	it('reports a pause once per silence, with the audio so far, before the turn ends', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		const events = run(s, [...speech(10), ...silence(14)]);
		const pauses = events.filter((e) => e.type === 'pause');
		expect(pauses).toHaveLength(1);
		const pause = pauses[0] as Extract<SegmentEvent, { type: 'pause' }> & { at: number };
		// 120 ms is 3.75 frames: the 4th silent frame (128 ms), as the end rounds to the nearest frame.
		expect(pause.at).toBe(10 + 3);
		expect(pause.silenceMs).toBe(128);
		expect(pause.turn).toBe(1);
		expect(kept(pause.audio)).toEqual([...Array(14).keys()]); // every frame up to the pause
		// The pause's audio is its own: the turn's end does not change it.
		expect(events.at(-1)).toMatchObject({ type: 'speech_end', turn: 1 });
		expect(pause.audio.length).toBe(14 * 512);
	});

	it('keeps one turn when speech resumes after a pause, and ends it after the full silence', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		const events = run(s, [...speech(10), ...silence(8), ...speech(10), ...silence(14)]);
		expect(types(events)).toEqual([
			'speech_start',
			'pause',
			'speech_resume',
			'pause',
			'speech_end'
		]);
		expect(new Set(events.map((e) => e.turn))).toEqual(new Set([1]));
		const end = events.at(-1) as Extract<SegmentEvent, { type: 'speech_end' }> & { at: number };
		// One turn with both stretches of speech and the silence between them.
		expect(kept(end.audio)).toEqual([...Array(end.at + 1).keys()]);
		expect(end.at).toBe(28 + 11);
		expect(end).toMatchObject({ startMs: 0, endMs: 28 * 32 });
	});

	it('does not report a pause after a blip too short to be speech', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		expect(types(run(s, [...speech(2), ...silence(14)]))).toEqual(['speech_start', 'misfire']);
	});

	it('drops a blip as a misfire, and starts the next turn clean', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		const events = run(s, [...speech(2), ...silence(13), ...speech(6), ...silence(13)]);
		expect(types(events)).toEqual([
			'speech_start',
			'misfire',
			'speech_start',
			'pause',
			'speech_end'
		]);
		const end = events[4] as Extract<SegmentEvent, { type: 'speech_end' }>;
		expect(Math.min(...end.audio)).toBe(15);
		expect(end.turn).toBe(2);
	});

	it('cuts an endless turn at the maximum, so a stuck VAD cannot hold the call', () => {
		const s = new SpeechSegmenter({ maxTurnMs: 320, preSpeechPadMs: 0 });
		const events = run(s, speech(25));
		expect(events.filter((e) => e.type === 'speech_end').length).toBe(2);
		expect(events.filter((e) => e.type === 'pause')).toHaveLength(0);
		// A turn cut during a pause still reports that pause first.
		const t = new SpeechSegmenter({ maxTurnMs: 640, preSpeechPadMs: 0 });
		expect(types(run(t, [...speech(10), ...silence(10)]))).toEqual([
			'speech_start',
			'pause',
			'speech_end'
		]);
	});

	it('ends a turn on request, or holds it through a longer silence', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		const first = run(s, [...speech(10), ...silence(6)]);
		expect(types(first)).toEqual(['speech_start', 'pause']);
		expect(s.endTurn(2)).toBeNull(); // not the turn being spoken
		expect(s.endTurn(1)).toMatchObject({ type: 'speech_end', turn: 1, silenceMs: 192 });
		expect(s.turn).toBeNull();
		expect(s.endTurn(1)).toBeNull();
		// Speech right after is a new turn.
		const second = run(s, [...speech(10), ...silence(6)], 16);
		expect(second[0]).toMatchObject({ type: 'speech_start', turn: 2 });
		expect(s.holdSilence(2, 700)).toBeNull();
		// 400 ms would have ended it at the 12th silent frame; held to 700 ms it ends at the 22nd.
		const held = run(s, silence(20), 32);
		expect(types(held)).toEqual(['speech_end']);
		expect(held[0]).toMatchObject({ at: 32 + 15, silenceMs: 704 });
		// Holding for less than the silence already passed ends the turn at once.
		run(s, [...speech(10), ...silence(9)], 52);
		expect(s.holdSilence(3, 250)).toMatchObject({ type: 'speech_end', turn: 3, silenceMs: 288 });
	});

	it('forgets a held silence when speech resumes', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		run(s, [...speech(10), ...silence(6)]);
		s.holdSilence(1, 1000);
		const events = run(s, [...silence(2), ...speech(5), ...silence(14)], 16);
		expect(types(events)).toEqual(['speech_resume', 'pause', 'speech_end']);
		expect(events.at(-1)!.at).toBe(16 + 7 + 11);
	});

	it('validates its options', () => {
		expect(() => new SpeechSegmenter({ pauseMs: 400 })).toThrow(/pauseMs must be below/);
		expect(() => new SpeechSegmenter({ pauseMs: 10 })).toThrow(/one frame/);
		expect(() => new SpeechSegmenter({ preSpeechPadMs: -1 })).toThrow(/negative/);
		expect(() => new SpeechSegmenter({ endSilenceMs: 5000 })).toThrow(/unresponsive/);
		expect(new SpeechSegmenter().options).toMatchObject({ pauseMs: 120, endSilenceMs: 400 });
	});
});
