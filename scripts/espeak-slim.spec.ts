import ESpeakNg from 'espeak-ng';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFlow } from '$lib/agents/demo';
import { espeakLoadParams, voiceConfig } from '$lib/voice/config';
import { EspeakSynth } from '$lib/workers/tts/espeak';
import { slimEspeak } from './espeak-slim.mjs';

// The slim espeak-ng module must speak English exactly as the package's full module does, for every
// voice the demo flow uses, while a language it dropped fails with a message instead of a crash.

const require = createRequire(import.meta.url);
const FULL = require.resolve('espeak-ng').replace(/espeak-ng\.js$/, 'espeak-ng.wasm');
const SENTENCE = 'Your bill is due on the fifth of March.';

let dir: string;
let out: string;
let line: string;
let full: EspeakSynth;
let slim: EspeakSynth;

const slimCli = (...args: string[]) =>
	execFileSync(process.execPath, ['scripts/espeak-slim.mjs', '--out', out, ...args], {
		encoding: 'utf8',
		stdio: 'pipe'
	});

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'espeak-slim-'));
	out = join(dir, 'espeak-ng.wasm');
	line = slimCli('--lang', 'en');
	full = await EspeakSynth.create(ESpeakNg, readFileSync(FULL));
	slim = await EspeakSynth.create(ESpeakNg, readFileSync(out));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
const rms = (x: Float32Array) =>
	Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

describe('slim espeak-ng module', () => {
	it('is a valid module a fraction of the size, and says so in one line', () => {
		const bytes = readFileSync(out);
		expect(WebAssembly.validate(bytes)).toBe(true);
		expect(bytes.length).toBeLessThan(statSync(FULL).size / 5);
		expect(line.trim().split('\n')).toHaveLength(1);
		expect(line).toContain(`${statSync(FULL).size} → ${bytes.length} bytes`);
		expect(line).toMatch(/brotli \d+ → \d+/);
	});

	it('leaves an up-to-date module alone, and rebuilds when the languages change', () => {
		const before = statSync(out).mtimeMs;
		expect(slimCli('--lang', 'en')).toBe(line);
		expect(statSync(out).mtimeMs).toBe(before);
		const size = statSync(out).size;
		expect(slimCli('--lang', 'fr,en')).toMatch(/^espeak-slim: en,fr: /);
		expect(statSync(out).size).toBeGreaterThan(size);
	}, 60_000);

	it('speaks with every voice the demo flow uses', async () => {
		const voices = new Set(
			demoFlow.personas.filter((p) => p.kind !== 'human').map((p) => p.voice.fallback)
		);
		expect(voices.size).toBeGreaterThan(1);
		for (const v of voices) {
			const a = await slim.synthesize(SENTENCE, EspeakSynth.parseVoice(v));
			expect(a.samples.length / a.sampleRate, v).toBeGreaterThan(1);
			expect(rms(a.samples), v).toBeGreaterThan(0.02);
		}
	}, 60_000);

	it('sounds exactly like the full module', async () => {
		for (const voice of ['en-us', 'en-us+m3', 'en-gb']) {
			const [a, b] = await Promise.all([
				full.synthesize(SENTENCE, { voice }),
				slim.synthesize(SENTENCE, { voice })
			]);
			expect(b.sampleRate).toBe(a.sampleRate);
			expect(b.samples.length, voice).toBe(a.samples.length);
			expect(bytesOf(b.samples).equals(bytesOf(a.samples)), voice).toBe(true);
		}
	}, 60_000);

	it('refuses a dropped language with espeak-ng’s message, and speaks on afterwards', async () => {
		await expect(slim.synthesize('Bonjour.', { voice: 'fr' })).rejects.toThrow(
			/wrote no audio: .*voice does not exist/
		);
		expect((await slim.synthesize('Hello.', { voice: 'en-us' })).samples.length).toBeGreaterThan(
			1000
		);
	}, 60_000);

	it('keeps the languages it is asked for', () => {
		const r = slimEspeak(readFileSync(FULL), ['en', 'fr']);
		expect(r.kept).toEqual(
			expect.arrayContaining(['phontab', 'en_dict', 'fr_dict', 'lang/roa/fr', 'voices/!v/f3'])
		);
		expect(r.dropped).toEqual(expect.arrayContaining(['de_dict', 'ru_dict', 'lang/gmw/de']));
	});

	it('fails clearly, exit 1, for a language espeak-ng lacks or a module without the table', () => {
		let failure: { status?: number; stderr?: string } = {};
		try {
			slimCli('--lang', 'xx');
		} catch (e) {
			failure = e as typeof failure;
		}
		expect(failure.status).toBe(1);
		expect(failure.stderr).toMatch(/no voice for language "xx"/);
		// The smallest valid module: no exports, so no embedded-file table.
		const empty = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
		expect(() => slimEspeak(empty, ['en'])).toThrow(/no embedded-file table/);
	});

	it('is where the page asks for it', () => {
		const page = 'https://x.example/app/call';
		expect(espeakLoadParams(voiceConfig(new URL(page), '/app'), page)).toEqual({
			espeakWasmUrl: 'https://x.example/app/vendor/espeak/espeak-ng.wasm'
		});
	});
});
