import { describe, expect, it } from 'vitest';
import { SpeechSegmenter } from './segmenter';
import { TurnTaker, type FinalTurn, type TurnTakerEvent } from './turn-taker';

// The policy on a simulated clock: 32 ms VAD frames, and a speech-to-text that answers after a set
// time with the words a test scripts for each call.

const flush = () => new Promise((r) => setTimeout(r, 0));
const speech = (frames: number) => Array<number>(frames).fill(0.9);
const silence = (frames: number) => Array<number>(frames).fill(0);

type Call = {
	audio: Float32Array;
	signal: AbortSignal;
	due: number;
	answer: string | Error;
	done: boolean;
	resolve: (text: string) => void;
	reject: (e: unknown) => void;
};

function call(options: {
	answers: (string | Error)[];
	sttMs?: number;
	hesitationSilenceMs?: number;
}) {
	let now = 0;
	const calls: Call[] = [];
	const turns: (FinalTurn & { at: number })[] = [];
	const events: (TurnTakerEvent & { at: number })[] = [];
	const segmenter = new SpeechSegmenter({ preSpeechPadMs: 0 });
	const taker = new TurnTaker({
		segmenter,
		transcribe: (audio, signal) =>
			new Promise<string>((resolve, reject) => {
				const c: Call = {
					audio,
					signal,
					due: now + (options.sttMs ?? 160),
					answer: options.answers[calls.length] ?? '',
					done: false,
					resolve,
					reject
				};
				calls.push(c);
				signal.addEventListener('abort', () => {
					c.done = true;
					reject(new DOMException('cancelled', 'AbortError'));
				});
			}),
		onTurn: (t) => turns.push({ ...t, at: now }),
		now: () => now,
		options: options.hesitationSilenceMs ? { hesitationSilenceMs: options.hesitationSilenceMs } : {}
	});
	const answerDue = async () => {
		for (const c of calls) {
			if (c.done || c.due > now) continue;
			c.done = true;
			if (c.answer instanceof Error) c.reject(c.answer);
			else c.resolve(c.answer);
		}
		await flush();
	};
	return {
		taker,
		segmenter,
		calls,
		turns,
		events,
		get now() {
			return now;
		},
		async frames(probs: number[]) {
			for (const p of probs) {
				now += 32;
				for (const e of taker.push(p, new Float32Array(512).fill(p)))
					events.push({ ...e, at: now });
				await answerDue();
			}
		}
	};
}

describe('TurnTaker', () => {
	it('ends "I have a question about my bill." at the pause plus the transcription', async () => {
		const c = call({ answers: ['I have a question about my bill.'], sttMs: 160 });
		await c.frames([...speech(60), ...silence(30)]);
		expect(c.turns).toHaveLength(1);
		const t = c.turns[0]!;
		expect(t).toMatchObject({
			turn: 1,
			text: 'I have a question about my bill.',
			by: 'complete',
			speculative: true
		});
		expect(t.endedAt).toBe(60 * 32);
		// 128 ms to the pause, 160 ms to transcribe it: the turn is over at 288 ms, where the fixed
		// 400 ms silence and a transcription after it would have taken 544 ms.
		expect(t.at - t.endedAt).toBe(128 + 160);
		expect(c.calls).toHaveLength(1);
		expect(c.segmenter.turn).toBeNull();
		expect(c.events.map((e) => e.type)).toEqual(['speech_start']);
	});

	it('counts a turn as pending from its end until its words reach onTurn', async () => {
		// The guess at the pause fails: the turn ends on the silence, and is transcribed again.
		const c = call({ answers: [new Error('busy'), 'What is my balance?'], sttMs: 400 });
		await c.frames([...speech(30), ...silence(4)]);
		expect(c.taker.pending).toBe(0);
		await c.frames(silence(16));
		expect(c.segmenter.turn).toBeNull();
		expect(c.turns).toHaveLength(0);
		expect(c.taker.pending).toBe(1);
		await c.frames(silence(20));
		expect(c.turns.map((t) => t.text)).toEqual(['What is my balance?']);
		expect(c.taker.pending).toBe(0);
	});

	it('waits out a short silence after finished words known early, and keeps a caller who goes on', async () => {
		// A quick transcript: the words are finished at 128 + 32 ms, but the turn ends at 300 ms.
		const quick = call({ answers: ['Check my balance.'], sttMs: 30 });
		await quick.frames([...speech(30), ...silence(12)]);
		expect(quick.turns[0]).toMatchObject({ by: 'complete', speculative: true });
		expect(quick.turns[0]!.at - quick.turns[0]!.endedAt).toBe(288);
		// The same words, and the caller goes on after 256 ms (a comma): one turn, not cut there.
		const goesOn = call({
			answers: ['Check my balance.', 'Check my balance. And my last bill.'],
			sttMs: 30
		});
		await goesOn.frames([...speech(30), ...silence(8), ...speech(20), ...silence(12)]);
		expect(goesOn.turns.map((t) => t.text)).toEqual(['Check my balance. And my last bill.']);
		expect(goesOn.turns[0]).toMatchObject({ turn: 1, by: 'complete' });
	});

	it('does not end the turn of a caller who pauses after "and um", and keeps it one turn', async () => {
		const c = call({
			answers: [
				"I'd like to change my plan and um.",
				"I'd like to change my plan and um to the cheaper one."
			]
		});
		await c.frames([...speech(50), ...silence(18)]); // a 576 ms pause: past the usual 400 ms
		expect(c.turns).toHaveLength(0);
		expect(c.segmenter.turn).toBe(1);
		await c.frames([...speech(30), ...silence(20)]);
		expect(c.turns).toHaveLength(1);
		expect(c.turns[0]).toMatchObject({
			turn: 1,
			text: "I'd like to change my plan and um to the cheaper one.",
			by: 'complete'
		});
		// The second guess heard all of it, from the first word.
		expect(c.calls[1]!.audio.length).toBe((50 + 18 + 30 + 4) * 512);
		expect(c.events.map((e) => e.type)).toEqual(['speech_start']);
	});

	it('ends a trailing-off turn after the longer silence, reusing the guess', async () => {
		const c = call({ answers: ['So I was thinking that maybe, um'] });
		await c.frames([...speech(40), ...silence(30)]);
		expect(c.turns).toHaveLength(1);
		expect(c.turns[0]).toMatchObject({ by: 'silence', speculative: true });
		// 700 ms is 21.9 frames: the 22nd silent frame, 704 ms after the speech stopped.
		expect(c.turns[0]!.at - c.turns[0]!.endedAt).toBe(704);
		expect(c.calls).toHaveLength(1);
		expect(c.events.map((e) => e.type)).toEqual(['speech_start', 'transcribing']);
	});

	it('ends an incomplete but not hesitant turn after the usual silence', async () => {
		const c = call({ answers: [''] });
		// Short enough (under half a second) to be noise rather than unheard words: no second pass.
		await c.frames([...speech(15), ...silence(20)]);
		expect(c.turns).toEqual([
			expect.objectContaining({ text: '', by: 'silence', speculative: true })
		]);
		expect(c.turns[0]!.at - c.turns[0]!.endedAt).toBe(384);
		expect(c.calls).toHaveLength(1);
	});

	it('waits longer for the last words of a number being read out', async () => {
		const c = call({ answers: ['My zip is 6 0 6.', 'My zip is 6 0 6 1 4.'] });
		await c.frames([...speech(40), ...silence(15), ...speech(20), ...silence(12)]);
		// The whole zip code, but it could have been the start of a longer number: 550 ms, not 400.
		expect(c.turns).toHaveLength(0);
		await c.frames(silence(10));
		expect(c.turns).toEqual([
			expect.objectContaining({ text: 'My zip is 6 0 6 1 4.', by: 'silence', turn: 1 })
		]);
		// 550 ms of silence, counted in 32 ms frames from the last speech frame.
		expect(c.turns[0]!.at - c.turns[0]!.endedAt).toBe(544);
	});

	it('transcribes the whole turn again when the guess heard nothing in real speech', async () => {
		// Regression: a question came back empty from the guess and the caller got no answer.
		const c = call({ answers: ['', 'When is my bill due?'] });
		await c.frames([...speech(40), ...silence(20)]);
		expect(c.turns).toEqual([expect.objectContaining({ text: 'When is my bill due?' })]);
		expect(c.calls).toHaveLength(2);
	});

	it('drops a guess when speech resumes, so it does not hold up the next transcription', async () => {
		const c = call({ answers: ['I want to', 'I want to cancel.'], sttMs: 300 });
		await c.frames([...speech(30), ...silence(7), ...speech(20)]);
		expect(c.calls[0]!.signal.aborted).toBe(true);
		await c.frames(silence(30));
		expect(c.turns).toEqual([
			expect.objectContaining({ text: 'I want to cancel.', turn: 1, by: 'complete' })
		]);
	});

	it('holds the turn for a slow transcript, up to the longer silence', async () => {
		// Complete words 400 ms after the pause (the 400 ms silence is long past): they end the turn.
		const slow = call({ answers: ['Check my balance.'], sttMs: 400 });
		await slow.frames([...speech(30), ...silence(30)]);
		expect(slow.turns[0]).toMatchObject({ by: 'complete', speculative: true });
		expect(slow.turns[0]!.at - slow.turns[0]!.endedAt).toBe(128 + 416);
		// Slower than that: the turn ends on the longer silence and waits for the same transcript.
		const slower = call({ answers: ['Check my balance.'], sttMs: 900 });
		await slower.frames([...speech(30), ...silence(40)]);
		expect(slower.events.map((e) => e.type)).toEqual(['speech_start', 'transcribing']);
		expect(slower.turns[0]).toMatchObject({ by: 'silence', speculative: true });
		expect(slower.calls).toHaveLength(1);
	});

	it('transcribes the whole turn when the guess failed', async () => {
		const c = call({ answers: [new Error('worker crashed'), 'Hello there.'] });
		await c.frames([...speech(30), ...silence(30)]);
		expect(c.turns).toEqual([
			expect.objectContaining({ text: 'Hello there.', by: 'silence', speculative: false })
		]);
		// Without words to judge, the usual 400 ms silence ends it (the 12th silent frame).
		expect(c.calls[1]!.audio.length).toBe((30 + 12) * 512);
	});

	it('reports an error when the whole-turn transcription fails too', async () => {
		const c = call({ answers: [new Error('no'), new Error('still no')] });
		await c.frames([...speech(30), ...silence(30)]);
		expect(c.turns[0]).toMatchObject({ text: '', error: new Error('still no') });
	});

	it('hands turns over in the order spoken, whichever transcript is ready first', async () => {
		// Turn 1 is cut at the maximum and transcribed whole, slowly; turn 2 ends on its words, fast.
		const segmenter = new SpeechSegmenter({ preSpeechPadMs: 0, maxTurnMs: 640 });
		const turns: string[] = [];
		const taker = new TurnTaker({
			segmenter,
			transcribe: (audio) => {
				const long = audio.length >= 20 * 512;
				return new Promise((resolve) =>
					setTimeout(() => resolve(long ? 'first turn' : 'Second turn.'), long ? 30 : 1)
				);
			},
			onTurn: (t) => turns.push(`${t.turn} ${t.by} ${t.text}`)
		});
		for (const p of [...speech(20), ...silence(5), ...speech(8), ...silence(10)])
			taker.push(p, new Float32Array(512));
		await new Promise((r) => setTimeout(r, 50));
		await taker.settled;
		expect(turns).toEqual(['1 cut first turn', '2 complete Second turn.']);
	});

	it('runs one transcription at a time, and skips one no longer needed', async () => {
		const segmenter = new SpeechSegmenter({ preSpeechPadMs: 0, maxTurnMs: 960 });
		let running = 0;
		let most = 0;
		const heard: number[] = [];
		const turns: string[] = [];
		const taker = new TurnTaker({
			segmenter,
			transcribe: async (audio, signal) => {
				running++;
				most = Math.max(most, running);
				heard.push(audio.length / 512);
				await new Promise((r) => setTimeout(r, 20));
				running--;
				if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
				return audio.length >= 30 * 512 ? 'first turn' : 'Second turn.';
			},
			onTurn: (t) => turns.push(`${t.turn} ${t.text}`)
		});
		// Turn 1 is cut and transcribed whole; turn 2 pauses (a guess that has to wait its go),
		// speaks again (the waiting guess is dropped unheard), and pauses once more.
		const frames = [...speech(30), ...silence(3), ...speech(6), ...silence(7), ...speech(4)];
		for (const p of [...frames, ...silence(10)]) taker.push(p, new Float32Array(512));
		await new Promise((r) => setTimeout(r, 100));
		await taker.settled;
		expect(most).toBe(1);
		expect(heard).toEqual([30, 6 + 7 + 4 + 4]);
		expect(turns).toEqual(['1 first turn', '2 Second turn.']);
	});

	it('validates the longer silence', () => {
		const segmenter = new SpeechSegmenter();
		const make = (hesitationSilenceMs: number) =>
			new TurnTaker({
				segmenter,
				transcribe: async () => '',
				onTurn: () => {},
				options: { hesitationSilenceMs }
			});
		expect(() => make(300)).toThrow(/at least/);
		expect(() => make(3000)).toThrow(/unresponsive/);
		expect(make(700).options.hesitationSilenceMs).toBe(700);
		// A number's wait may not exceed a hesitation's.
		expect(() => make(500)).toThrow(/numberSilenceMs/);
		// Finished words end the turn no sooner than the pause that transcribes them.
		const complete = (completeSilenceMs: number) =>
			new TurnTaker({
				segmenter,
				transcribe: async () => '',
				onTurn: () => {},
				options: { completeSilenceMs }
			});
		expect(() => complete(60)).toThrow(/completeSilenceMs/);
		expect(complete(250).options.completeSilenceMs).toBe(250);
		expect(() => complete(500)).toThrow(/completeSilenceMs/);
	});
});
