import { TurnDetector, type TurnOptions } from './turn-detector';

/** Speech spans (in samples) found by the turn detector over per-frame VAD probabilities. */
export function speechSegments(
	probabilities: readonly number[],
	options: { frameSamples: number; sampleRate: number; padMs?: number; turn?: Partial<TurnOptions> }
): { start: number; end: number }[] {
	const frameMs = (options.frameSamples / options.sampleRate) * 1000;
	const detector = new TurnDetector({ ...options.turn, frameMs });
	const pad = Math.round(((options.padMs ?? 200) / 1000) * options.sampleRate);
	const toSample = (ms: number) => Math.round((ms / 1000) * options.sampleRate);
	const out: { start: number; end: number }[] = [];
	for (const p of [
		...probabilities,
		...Array<number>(Math.ceil(detector.options.endSilenceMs / frameMs) + 1).fill(0)
	]) {
		for (const e of detector.push(p)) {
			if (e.type === 'speech_end')
				out.push({ start: Math.max(0, toSample(e.startMs) - pad), end: toSample(e.endMs) + pad });
		}
	}
	return out;
}
