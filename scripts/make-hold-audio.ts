// Generates static/hold.wav: a soft, seamless 8-second loop (a slow arpeggio over a pad) that the
// caller hears while on hold. Deterministic, so the committed file can be re-made and compared:
// npx tsx scripts/make-hold-audio.ts
import { writeFileSync } from 'node:fs';
import { encodeWav } from '../src/lib/audio/wav';

const rate = 11025;
const seconds = 8;
const n = rate * seconds;
const samples = new Float32Array(n);
const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);
const chords = [
	[57, 60, 64, 69],
	[53, 57, 60, 65],
	[55, 59, 62, 67],
	[52, 55, 59, 64]
];
for (let i = 0; i < n; i++) {
	const t = i / rate;
	const bar = Math.floor(t / 2) % chords.length;
	const chord = chords[bar]!;
	const local = t % 2;
	let x = 0;
	// Pad: the whole chord, faded in and out within each bar so bars join without clicks.
	const pad = Math.sin((Math.PI * local) / 2) ** 2;
	for (const m of chord) x += 0.06 * pad * Math.sin(2 * Math.PI * hz(m) * t);
	// Arpeggio: one note every half second with a gentle decay.
	const step = Math.floor(local / 0.5);
	const since = local - step * 0.5;
	x += 0.18 * Math.exp(-since * 5) * Math.sin(2 * Math.PI * hz(chord[step]! + 12) * t);
	samples[i] = Math.max(-1, Math.min(1, x)) * 0.8;
}
writeFileSync(new URL('../static/hold.wav', import.meta.url), encodeWav(samples, rate));
console.log(`static/hold.wav: ${seconds} s at ${rate} Hz`);
