// Copies the runtime files that npm packages ship into static/vendor/ (ignored by git), so the app
// serves them itself and never asks a CDN: the VAD worklet and Silero model, onnxruntime-web's WASM
// runtimes for the VAD and speech-to-text, the runtime kokoro-js's transformers.js expects, and the
// Kokoro voice files; then the slim espeak-ng module for the offline voice (scripts/espeak-slim.mjs).
// These are the libraries that load their files from a folder; everything else Vite bundles. Idempotent: a file already there with the same size is kept.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nm = (p) => join(root, 'node_modules', p);
const out = (p) => join(root, 'static', 'vendor', p);

/** [source directory, file filter, destination directory] */
const sets = [
	[
		nm('@ricky0123/vad-web/dist'),
		/^(vad\.worklet\.bundle\.min\.js|silero_vad_v5\.onnx)$/,
		out('vad')
	],
	// ONNX Runtime's WASM builds, loaded by folder: the plain one for the VAD (vad-web), the JSEP one
	// (WASM and WebGPU) for the STT worker. Vite's dev server pre-bundles onnxruntime-web and breaks
	// the package's own relative path to them, so the app serves them from here in dev and build.
	[nm('onnxruntime-web/dist'), /^ort-wasm-simd-threaded(\.jsep)?\.(mjs|wasm)$/, out('ort')],
	[
		nm('@huggingface/transformers/dist'),
		/^ort-wasm-simd-threaded\.jsep\.(mjs|wasm)$/,
		out('ort-kokoro')
	],
	[nm('kokoro-js/voices'), /\.bin$/, out('kokoro-voices')]
];

let copied = 0;
for (const [from, filter, to] of sets) {
	if (!existsSync(from)) {
		console.error(`vendor: ${from} is missing; run npm ci first.`);
		process.exit(1);
	}
	mkdirSync(to, { recursive: true });
	for (const name of readdirSync(from).filter((n) => filter.test(n))) {
		const src = join(from, name);
		const dst = join(to, name);
		if (existsSync(dst) && statSync(dst).size === statSync(src).size) continue;
		copyFileSync(src, dst);
		copied++;
	}
}
console.log(`vendor: runtime files ready in static/vendor (${copied} updated)`);

// The offline voice's module is built, not copied: the package's own embeds every language's data.
try {
	execFileSync(process.execPath, [join(root, 'scripts', 'espeak-slim.mjs')], { stdio: 'inherit' });
} catch {
	process.exit(1);
}
