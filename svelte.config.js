import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every route renders in the browser, so the static build works from any
		// file server, a kiosk's disk included.
		adapter: adapter({ fallback: 'index.html' })
	}
};

export default config;
