import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { precompress } from './scripts/precompress';
import { offlineFiles } from './scripts/offline-files';
import { connectOrigins, policyHashes, securityHeaders as headersFor } from './server/headers.js';

// Threaded WASM (onnxruntime-web, the VAD) needs SharedArrayBuffer, which the browser grants only to
// a cross-origin isolated page. Dev and preview must match production here, or bugs hide until deploy.
export const isolationHeaders = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

// SvelteKit's own middleware answers page requests before Vite applies `server.headers`, so the
// headers are set by a middleware that runs first, in dev and in preview alike.
function crossOriginIsolation(): Plugin {
	const setHeaders = (
		_req: unknown,
		res: { setHeader(k: string, v: string): void },
		next: () => void
	) => {
		for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
		next();
	};
	return {
		name: 'baton:cross-origin-isolation',
		configureServer(server) {
			server.middlewares.use(setHeaders);
		},
		configurePreviewServer(server) {
			server.middlewares.use(setHeaders);
		}
	};
}

// The production server's security headers (server/headers.js) in dev and preview too, so a policy
// violation shows up while developing. The page's inline bootstrap script is allowed by its hash:
// SvelteKit renders the page in both and sets a policy of its own holding that hash (kit.csp in
// svelte.config.js), which is replaced by the full policy with the same hash.
function securityHeaders(): Plugin {
	type Res = { setHeader(k: string, v: string | number | readonly string[]): unknown };
	const connect = connectOrigins();
	const middleware = (dev: boolean) => (_req: unknown, res: Res, next: () => void) => {
		const policy = (scriptHashes: string[] = []) => headersFor({ connect, dev, scriptHashes });
		for (const [k, v] of Object.entries(policy())) res.setHeader(k, v);
		const setHeader = res.setHeader.bind(res);
		res.setHeader = (k, v) =>
			k.toLowerCase() === 'content-security-policy'
				? setHeader(k, policy(policyHashes(String(v)))['Content-Security-Policy']!)
				: setHeader(k, v);
		next();
	};
	return {
		name: 'baton:security-headers',
		configureServer(server) {
			server.middlewares.use(middleware(true));
		},
		configurePreviewServer(server) {
			server.middlewares.use(middleware(false));
		}
	};
}

// onnxruntime-web, transformers.js and espeak-ng name their WASM with `new URL('x.wasm',
// import.meta.url)`, so Vite copies every variant (up to 28 MB each) into the build, where nothing
// loads them: the app hands each library its runtime from static/vendor/ (wasmPaths) or as bytes.
// Hiding the pattern from Vite keeps the build, and its precompression, free of dead copies.
function noBundledRuntimes(): Plugin {
	const libraries =
		/[\\/]node_modules[\\/](onnxruntime-web|@huggingface[\\/]transformers|espeak-ng)[\\/]/;
	const wasmUrl = /new URL\((["'])([\w.-]+\.wasm)\1,\s*import\.meta\.url\)/g;
	return {
		name: 'baton:no-bundled-runtimes',
		enforce: 'pre',
		transform(code, id) {
			if (!libraries.test(id) || !code.includes('import.meta.url')) return null;
			return { code: code.replace(wasmUrl, 'new URL($1$2$1, import.meta["url"])'), map: null };
		}
	};
}

export default defineConfig({
	plugins: [
		crossOriginIsolation(),
		securityHeaders(),
		noBundledRuntimes(),
		sveltekit(),
		offlineFiles(),
		precompress()
	],
	// Model workers are ES modules: the TTS worker loads Kokoro on demand, as a separate chunk.
	worker: { format: 'es', plugins: () => [noBundledRuntimes()] },
	test: {
		include: ['src/**/*.spec.ts', 'scripts/**/*.spec.ts', 'server/**/*.spec.ts'],
		environment: 'node'
	}
});
