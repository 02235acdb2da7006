import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every route renders in the browser, so the static build works from any
		// file server, a kiosk's disk included.
		adapter: adapter({ fallback: 'index.html' }),
		// The page registers the service worker itself, once no call is in progress, and decides
		// when a new version takes over (src/lib/offline/offline.svelte.ts).
		serviceWorker: { register: false },
		// SvelteKit starts the app with an inline script: 'hash' allows exactly that script, in a meta
		// tag of the static build and in the dev server's header. The policy each server sends, with
		// the same hash, is built in server/headers.js.
		// worker-src is set here too, or the meta tag's script-src would govern workers: mqtt.js runs
		// its keepalive timers in a Blob worker (see server/headers.js).
		csp: {
			mode: 'hash',
			directives: {
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self', 'blob:']
			}
		}
	}
};

export default config;
