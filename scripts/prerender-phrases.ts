// Renders the flow's fixed sentences (greetings, handoff narrations) to audio with the offline
// voice, at build time, into static/phrases/: the caller hears the greeting as soon as they press
// Call, before any voice model has downloaded. Run by set-up and by `npm run build`; skips the work
// when the flow, the voice and this script are unchanged.
import ESpeakNg from 'espeak-ng';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { encodeWav } from '../src/lib/audio/wav';
import { demoFlow } from '../src/lib/agents/demo';
import { personaById } from '../src/lib/agents/flow';
import { fixedPhrases } from '../src/lib/agents/handoff/phrases';
import { PHRASE_MANIFEST, phraseKey, type PhraseManifest } from '../src/lib/voice/phrase-book';
import { EspeakSynth } from '../src/lib/workers/tts/espeak';
import { speakable } from '../src/lib/workers/tts/speakable';

const OUT = join('static', 'phrases');
const require = createRequire(import.meta.url);
// The same voice the page speaks with: the trimmed build when set-up has made it, else the package's.
const slim = join('static', 'vendor', 'espeak', 'espeak-ng.wasm');
const wasmFile = existsSync(slim)
	? slim
	: require.resolve('espeak-ng').replace(/espeak-ng\.js$/, 'espeak-ng.wasm');

const phrases = fixedPhrases(demoFlow, demoFlow.company.name).map((p) => ({
	voice: personaById(demoFlow, p.personaId).voice.fallback,
	text: p.text
}));
const stamp = createHash('sha256')
	.update(JSON.stringify(phrases))
	.update(readFileSync(wasmFile))
	.update(readFileSync(new URL(import.meta.url)))
	.digest('hex');
const stampFile = join(OUT, '.stamp');
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
	console.log(`phrases: ${phrases.length} sentences already rendered in ${OUT}`);
	process.exit(0);
}

const t0 = performance.now();
const synth = await EspeakSynth.create(ESpeakNg, readFileSync(wasmFile));
// A fresh folder: a clip left from an older flow would otherwise be served for a year.
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const manifest: PhraseManifest = { v: 1, phrases: {} };
let bytes = 0;
for (const { voice, text } of phrases) {
	const key = await phraseKey(voice, text);
	// Keyed by the sentence as written; voiced as the worker would voice it.
	const audio = await synth.synthesize(speakable(text), EspeakSynth.parseVoice(voice));
	const wav = encodeWav(audio.samples, audio.sampleRate);
	writeFileSync(join(OUT, `${key}.wav`), wav);
	manifest.phrases[key] = `${key}.wav`;
	bytes += wav.length;
}
writeFileSync(join(OUT, PHRASE_MANIFEST), JSON.stringify(manifest));
writeFileSync(stampFile, stamp);
console.log(
	`phrases: rendered ${phrases.length} sentences (${(bytes / 1e6).toFixed(2)} MB) into ${OUT} in ${Math.round(performance.now() - t0)} ms`
);
