import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The built app a benchmark measures, built again when any of its sources is newer than it, so a
// figure is never taken on yesterday's code.

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

function newest(path: string): number {
	if (!existsSync(path)) return 0;
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let t = 0;
	for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
	return t;
}

/** Builds the app into `build/` unless it is already built from the current sources. */
export function ensureBuild(say: (line: string) => void = console.log): void {
	const built = existsSync('build/index.html') ? statSync('build/index.html').mtimeMs : 0;
	if (built && SOURCES.every((p) => newest(p) <= built)) return;
	say(built ? 'building the app (its sources changed)' : 'building the app (no build yet)');
	execSync('npx vite build', { stdio: 'ignore' });
}
