import { describe, expect, it } from 'vitest';
import { SpeechSegmenter } from './segmenter';

// Frames carry their own index as every sample, so the test can see exactly which frames a turn kept.
const frame = (i: number) => new Float32Array(512).fill(i);
const run = (s: SpeechSegmenter, probs: number[]) =>
	probs.flatMap((p, i) => s.push(p, frame(i)).map((e) => ({ ...e, at: i })));

describe('SpeechSegmenter', () => {
	it('keeps the turn with a little audio from before it, and ends it after the silence', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 64, endSilenceMs: 400 });
		const probs = [0, 0, 0, 0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, ...Array(14).fill(0)];
		const events = run(s, probs);
		expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
		const end = events[1] as { audio: Float32Array; at: number };
		const kept = [...new Set(end.audio)];
		expect(kept[0]).toBe(2); // two frames (64 ms) of lead-in
		expect(events[0]).toMatchObject({ atMs: 128, lagMs: 32 }); // known one frame after it began
		expect(kept).toContain(9);
		expect(end.at).toBe(4 + 6 + 11); // the 12th silent frame (384 ms ≈ 400 ms) ends it
		expect((events[1] as { silenceMs: number }).silenceMs).toBe(384);
	});

	it('drops a blip as a misfire, and starts the next turn clean', () => {
		const s = new SpeechSegmenter({ preSpeechPadMs: 0 });
		const events = run(s, [
			0.9,
			0.9,
			...Array(13).fill(0),
			...Array(6).fill(0.9),
			...Array(13).fill(0)
		]);
		expect(events.map((e) => e.type)).toEqual([
			'speech_start',
			'misfire',
			'speech_start',
			'speech_end'
		]);
		const end = events[3] as { audio: Float32Array };
		expect(Math.min(...end.audio)).toBe(15);
	});

	it('cuts an endless turn at the maximum, so a stuck VAD cannot hold the call', () => {
		const s = new SpeechSegmenter({ maxTurnMs: 320, preSpeechPadMs: 0 });
		const events = run(s, Array(25).fill(0.9));
		expect(events.filter((e) => e.type === 'speech_end').length).toBe(2);
	});
});
