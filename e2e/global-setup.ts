import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeSpeech } from '../src/lib/testing/speech';

// The fake microphone plays a caller's voice made with espeak-ng (48 kHz mono WAV, as Chromium's
// file capture expects), so audio journeys run on speech rather than a test tone.
export const CALLER_WAV = join(import.meta.dirname, '.artifacts', 'caller.wav');

export default function globalSetup(): void {
	if (existsSync(CALLER_WAV)) return;
	mkdirSync(join(import.meta.dirname, '.artifacts'), { recursive: true });
	writeSpeech(
		CALLER_WAV,
		'Hi, I have a question about a charge on my bill. I think I was charged twice this month.',
		{
			sampleRate: 48000,
			padStart: 0.5,
			padEnd: 1
		}
	);
}
