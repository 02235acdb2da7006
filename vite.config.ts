import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// Threaded WASM (onnxruntime-web, the VAD) needs SharedArrayBuffer, which the browser grants only to
// a cross-origin isolated page. Dev and preview must match production here, or bugs hide until deploy.
export const isolationHeaders = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

export default defineConfig({
	plugins: [sveltekit()],
	server: { headers: isolationHeaders },
	preview: { headers: isolationHeaders },
	test: {
		include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts'],
		environment: 'node'
	}
});
