import { readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { OFFLINE_FILES, type OfflineFiles } from '../src/lib/offline/kit';

// The service worker learns the build's pages, scripts and styles from SvelteKit's `$service-worker`
// list, which leaves out the web workers' bundles (speech recognition, the voices, the language
// model). This plugin writes every file under _app/immutable/ to `_app/offline.json` once the
// build is written, so the service worker can keep the workers too (src/service-worker.ts).

/** Every file under `dir`/_app/immutable/, as site paths, without the precompressed siblings. */
export async function immutableFiles(dir: string): Promise<string[]> {
	const root = join(dir, '_app', 'immutable');
	const entries = await readdir(root, { recursive: true, withFileTypes: true });
	return entries
		.filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name))
		.map((e) => `/${relative(dir, join(e.parentPath, e.name)).split(sep).join('/')}`)
		.sort();
}

export function offlineFiles({ dir = 'build' }: { dir?: string } = {}): Plugin {
	let config: ResolvedConfig;
	let bundled = false;
	return {
		name: 'baton:offline-files',
		apply: 'build',
		configResolved(c) {
			config = c;
		},
		writeBundle: {
			sequential: true,
			order: 'post',
			handler() {
				bundled = true;
			}
		},
		// After SvelteKit's adapter has written the site (the same point precompress runs at).
		closeBundle: {
			sequential: true,
			order: 'post',
			async handler() {
				if (!config.build.ssr || !bundled) return;
				const out = resolve(config.root, dir);
				const list: OfflineFiles = { v: 1, immutable: await immutableFiles(out) };
				await writeFile(join(out, OFFLINE_FILES), JSON.stringify(list));
			}
		}
	};
}
