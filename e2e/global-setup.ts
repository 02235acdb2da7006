import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

// The fake microphone plays a caller's voice made with espeak-ng (48 kHz mono WAV, as Chromium's
// file capture expects), so audio journeys run on speech rather than a test tone.
export const CALLER_WAV = join(import.meta.dirname, '.artifacts', 'caller.wav');

export default function globalSetup(): void {
	if (existsSync(CALLER_WAV)) return;
	mkdirSync(join(import.meta.dirname, '.artifacts'), { recursive: true });
	const raw = CALLER_WAV.replace(/\.wav$/, '.raw.wav');
	execFileSync('espeak-ng', [
		'-v',
		'en-us',
		'-s',
		'150',
		'-w',
		raw,
		'Hi, I have a question about a charge on my bill. I think I was charged twice this month.'
	]);
	execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', CALLER_WAV, 'pad', '0.5', '1']);
}
