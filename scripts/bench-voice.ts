// npm run bench:voice: the voice pipeline's figures in Chromium (WASM): VAD ms per frame, the
// end-of-turn delay, and Moonshine tiny's real-time factor, on a bench page served straight from
// this process (request interception, COOP/COEP so threaded WASM is allowed); then a live voice
// call in the built app with a fake microphone, for end of speech → first agent audio (offline
// voice) and barge-in, as the app itself measures them.
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { ensureBuild } from './app-build';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from '../e2e/chromium';
import { percentile } from '../src/lib/agents/metrics';
import type { TurnTiming } from '../src/lib/voice/voice-agent.svelte';
import { speechWav, writeConversation } from '../src/lib/testing/speech';
// @ts-expect-error: the production server is plain JavaScript.
import { startServer } from '../server/index.js';

const MODELS = join('static', 'models', 'moonshine-tiny');
if (!existsSync(join(MODELS, 'encoder_model.onnx'))) {
	console.error('bench:voice: Moonshine weights are missing: run "npm run models" first.');
	process.exit(2);
}
const ORIGIN = 'http://127.0.0.1:4199';
const files: Record<string, string> = {
	'/ort/ort.min.mjs': 'node_modules/onnxruntime-web/dist/ort.min.mjs',
	'/ort/ort-wasm-simd-threaded.mjs': 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.mjs',
	'/ort/ort-wasm-simd-threaded.wasm':
		'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
	'/models/silero_vad_v5.onnx': 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx',
	'/models/encoder_model.onnx': join(MODELS, 'encoder_model.onnx'),
	'/models/decoder_model_merged.onnx': join(MODELS, 'decoder_model_merged.onnx')
};
const TYPES: Record<string, string> = {
	'.mjs': 'text/javascript',
	'.js': 'text/javascript',
	'.wasm': 'application/wasm',
	'.onnx': 'application/octet-stream',
	'.html': 'text/html'
};

const bundle = await build({
	entryPoints: ['scripts/voice-bench-entry.ts'],
	bundle: true,
	format: 'esm',
	write: false,
	target: 'es2022',
	external: ['onnxruntime-web']
});
const html = `<!doctype html><script type="importmap">{"imports":{"onnxruntime-web":"/ort/ort.min.mjs"}}</script><script type="module" src="/bench.mjs"></script>`;

// A caller's sentence, then 1.5 s of silence so the turn ends inside the clip.
const wav = speechWav(
	'Hi, I have a question about a charge on my bill. I think I was charged twice this month.',
	{
		padStart: 0.5,
		padEnd: 1.5
	}
);

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
	const page = await browser.newPage();
	await page.route(`${ORIGIN}/**`, async (route) => {
		const path = new URL(route.request().url()).pathname;
		const headers = {
			'Cross-Origin-Opener-Policy': 'same-origin',
			'Cross-Origin-Embedder-Policy': 'require-corp',
			'Cross-Origin-Resource-Policy': 'same-origin'
		};
		if (path === '/') return route.fulfill({ body: html, contentType: 'text/html', headers });
		if (path === '/bench.mjs')
			return route.fulfill({
				body: bundle.outputFiles[0]!.text,
				contentType: 'text/javascript',
				headers
			});
		// onnxruntime-web picks its own wasm variant (plain, JSEP for WebGPU, …): serve any of them.
		const file = path.startsWith('/ort/')
			? join('node_modules/onnxruntime-web/dist', path.slice(5).replace(/[^\w.-]/g, ''))
			: files[path];
		if (!file || !existsSync(file)) return route.fulfill({ status: 404, headers });
		return route.fulfill({
			body: readFileSync(file),
			contentType: TYPES[extname(file)] ?? 'application/octet-stream',
			headers
		});
	});
	await page.goto(`${ORIGIN}/`);
	await page.waitForFunction(() => typeof window.voiceBench === 'function');
	const r = await page.evaluate((input) => window.voiceBench(input), {
		wav: [...wav],
		vadModel: '/models/silero_vad_v5.onnx',
		encoder: '/models/encoder_model.onnx',
		decoder: '/models/decoder_model_merged.onnx',
		threads: 2
	});
	const vad = [...r.vadFrameMs].sort((a, b) => a - b);
	const stt = [...r.sttMs].sort((a, b) => a - b);
	const f = (x: number) => x.toFixed(2);
	console.log(
		`bench:voice: Chromium WASM (cross-origin isolated: ${r.isolated}, ${r.threads} threads), ${r.audioS.toFixed(2)} s clip`
	);
	console.log(
		`  VAD (Silero v5) per 32 ms frame   median ${f(percentile(vad, 0.5))} ms   p95 ${f(percentile(vad, 0.95))} ms   (n=${vad.length})`
	);
	console.log(
		`  end-of-turn delay                 ${r.endOfTurnMs} ms after the last speech frame   (budget ≤ 400 ms of silence)`
	);
	console.log(
		`  Moonshine tiny, whole clip        median ${f(percentile(stt, 0.5))} ms   p95 ${f(percentile(stt, 0.95))} ms   → real-time factor ${(percentile(stt, 0.5) / 1000 / r.audioS).toFixed(3)} (n=${stt.length})`
	);
	console.log(`  transcript                        ${JSON.stringify(r.text)}`);
} finally {
	await browser.close();
}

// The live call: the caller speaks six times; three of them talk over the agent.
// The models load when the call starts: the opening silence covers the greeting and, on this
// machine, speech recognition's load from the local server, so the first turn does not wait for it.
const CALLER = [
	12,
	'I have a question about a charge on my bill.',
	2.5,
	'Sorry, stop. What is my balance right now?',
	6,
	'My account number is A C one zero zero two one and my pin is four eight two one.',
	2.5,
	'Hold on, hold on. Why was I charged twice?',
	7,
	'Can I upgrade my plan instead?',
	2.5,
	'Wait, one more thing. Please listen to me.',
	12
];
const callSeconds = CALLER.reduce<number>((n, p) => n + (typeof p === 'number' ? p : 3.5), 0);
ensureBuild((line) => console.log(`  ${line}`));
const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
const callerWav = join(dir, 'caller.wav');
writeConversation(callerWav, CALLER, { sampleRate: 48000 });
const server = await startServer({ port: 4198, host: '127.0.0.1' });
const live = await chromium.launch({
	executablePath: CHROMIUM_PATH,
	args: [...CHROMIUM_ARGS, ...fakeMicArgs(callerWav)]
});
try {
	const page = await live.newPage();
	await page.goto('http://127.0.0.1:4198/?debug');
	await page.getByRole('button', { name: 'Call' }).click();
	await page.waitForSelector('[data-testid="model-stt"][data-status="ready"]', {
		timeout: 120_000
	});
	await page.waitForTimeout(callSeconds * 1000);
	const samples = async (id: string) =>
		JSON.parse(
			(await page.getAttribute(`[data-testid="${id}"]`, 'data-samples').catch(() => null)) ?? '[]'
		) as number[];
	const first = (await samples('t-first-audio')).sort((a, b) => a - b);
	const stages = JSON.parse(
		(await page.getAttribute('[data-testid="t-first-audio"]', 'data-turns').catch(() => null)) ??
			'[]'
	) as TurnTiming[];
	const barge = (await samples('t-barge-in')).sort((a, b) => a - b);
	const turns = await page.locator('[data-role="caller"]').count();
	const stat = (x: number[]) =>
		x.length
			? `median ${Math.round(percentile(x, 0.5))} ms   p95 ${Math.round(percentile(x, 0.95))} ms   (n=${x.length})`
			: 'no samples';
	console.log(
		`  live call in the app (fake microphone, ${turns} caller turns heard, offline espeak-ng voice, no GPU):`
	);
	console.log(
		`  end of speech → first agent audio ${stat(first)}   (includes the end-of-turn silence)`
	);
	const median = (k: 'endOfTurnMs' | 'callMs' | 'voiceMs') =>
		stages.length
			? Math.round(
					percentile(
						stages.map((t) => t[k]).sort((a, b) => a - b),
						0.5
					)
				)
			: 0;
	console.log(
		`  where it goes (medians): end of turn + transcription ${median('endOfTurnMs')} ms, conversation core ${median('callMs')} ms, voice ${median('voiceMs')} ms; ended on the words ${stages.filter((t) => t.by === 'complete').length} of ${stages.length}`
	);
	console.log(
		`  barge-in: speech onset → silent   ${stat(barge)}   (budget ≤ 200 ms; one VAD frame to notice, then the output is suspended)`
	);
} finally {
	await live.close();
	await server.close();
	rmSync(dir, { recursive: true, force: true });
}
