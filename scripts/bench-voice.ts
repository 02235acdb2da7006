// npm run bench:voice: the voice pipeline's figures in Chromium (WASM): VAD ms per frame, the
// end-of-turn delay, and Moonshine tiny's real-time factor. Pages are served to Chromium straight
// from this process (request interception), with COOP/COEP so threaded WASM is allowed.
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { percentile } from '../src/lib/agents/metrics';
import { speechWav } from '../src/lib/testing/speech';

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
	console.log(
		'  not measured yet: end of speech → first audio with the fallback synthesizer, barge-in delay (TTS and playback are not built)'
	);
} finally {
	await browser.close();
}
