// Generates static/hold.wav: a soft, seamless 8-second loop (a slow arpeggio over a pad) that the
// caller hears while on hold. Deterministic, so the committed file can be re-made and compared.
import { writeFileSync } from 'node:fs';

const rate = 11025;
const seconds = 8;
const n = rate * seconds;
const samples = new Int16Array(n);
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);
const chords = [
	[57, 60, 64, 69],
	[53, 57, 60, 65],
	[55, 59, 62, 67],
	[52, 55, 59, 64]
];
for (let i = 0; i < n; i++) {
	const t = i / rate;
	const bar = Math.floor(t / 2) % chords.length;
	const chord = chords[bar];
	const local = t % 2;
	let x = 0;
	// Pad: the whole chord, faded in and out within each bar so bars join without clicks.
	const pad = Math.sin((Math.PI * local) / 2) ** 2;
	for (const m of chord) x += 0.06 * pad * Math.sin(2 * Math.PI * hz(m) * t);
	// Arpeggio: one note every half second with a gentle decay.
	const step = Math.floor(local / 0.5);
	const since = local - step * 0.5;
	x += 0.18 * Math.exp(-since * 5) * Math.sin(2 * Math.PI * hz(chord[step] + 12) * t);
	samples[i] = Math.max(-1, Math.min(1, x)) * 32767 * 0.8;
}
const header = Buffer.alloc(44);
header.write('RIFF', 0);
header.writeUInt32LE(36 + n * 2, 4);
header.write('WAVEfmt ', 8);
header.writeUInt32LE(16, 16);
header.writeUInt16LE(1, 20);
header.writeUInt16LE(1, 22);
header.writeUInt32LE(rate, 24);
header.writeUInt32LE(rate * 2, 28);
header.writeUInt16LE(2, 32);
header.writeUInt16LE(16, 34);
header.write('data', 36);
header.writeUInt32LE(n * 2, 40);
writeFileSync(
	new URL('../static/hold.wav', import.meta.url),
	Buffer.concat([header, Buffer.from(samples.buffer)])
);
console.log(`static/hold.wav: ${seconds} s at ${rate} Hz`);
