// Writes .br and .gz siblings next to every compressible file of the static build, so the production
// server (sirv with `brotli` and `gzip`) sends the WASM runtimes and ONNX models compressed without
// compressing on every request. Run as a Vite plugin at the end of `vite build`, or on any directory:
// `tsx scripts/precompress.ts build`.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

// Formats that are already compressed (png, webp, woff2, mp3, …) are left out by listing only what
// compresses well; source maps are never fetched by visitors.
const COMPRESSIBLE = new Set([
	'html',
	'htm',
	'js',
	'mjs',
	'cjs',
	'css',
	'json',
	'webmanifest',
	'svg',
	'xml',
	'txt',
	'wasm',
	'onnx',
	'bin',
	'wav',
	'ico',
	'ttf',
	'otf'
]);

const KiB = 1024;
const MiB = 1024 * KiB;

// Brotli 11 runs at about 1 MB/s, which is fine for pages and small chunks but would add minutes on
// the 14–28 MB runtimes; quality 5 keeps nearly all of the gain on those at ~30 MB/s.
export function brotliQuality(size: number): number {
	if (size < 256 * KiB) return 11;
	if (size < 8 * MiB) return 9;
	return 5;
}

// gzip only serves clients without brotli; level 9 costs twice level 6 on big files for <1 %.
export function gzipLevel(size: number): number {
	return size < 8 * MiB ? 9 : 6;
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

type Encoding = 'br' | 'gz';

function compress(enc: Encoding, data: Buffer, level: number): Promise<Buffer> {
	if (enc === 'gz') return gzip(data, { level });
	return brotli(data, {
		params: {
			[zlib.constants.BROTLI_PARAM_QUALITY]: level,
			[zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
			[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_GENERIC
		}
	});
}

export interface PrecompressOptions {
	/** Files smaller than this stay uncompressed: the headers would eat the saving. */
	minSize?: number;
	/** A sibling is kept only when it saves at least this fraction of the original. */
	minSaving?: number;
	/** Compression jobs in flight; the build machine has few cores and the bundler just used them. */
	concurrency?: number;
	/**
	 * Keeps compressed outputs by content hash across builds: the static adapter empties the build
	 * directory each time, so without it every `npm start` would recompress ~200 MB of unchanged
	 * models and runtimes. `false` disables it.
	 */
	cacheDir?: string | false;
}

export interface PrecompressStats {
	/** Files eligible for compression (right type, large enough). */
	files: number;
	/** Siblings written by this run. */
	written: number;
	/** Siblings already newer than their source, left alone. */
	upToDate: number;
	/** Siblings taken from the cache rather than recompressed. */
	fromCache: number;
	/** Siblings not written because they would not save enough. */
	notWorth: number;
	bytes: number;
	brBytes: number;
	gzBytes: number;
}

async function listFiles(dir: string): Promise<string[]> {
	const out: string[] = [];
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) out.push(...(await listFiles(path)));
		else if (entry.isFile()) out.push(path);
	}
	return out;
}

async function statOrNull(path: string) {
	try {
		return await stat(path);
	} catch {
		return null;
	}
}

// A crash mid-write must not leave a truncated sibling that looks newer than its source.
async function writeAtomic(path: string, data: Buffer) {
	const tmp = `${path}.${process.pid}.tmp`;
	await writeFile(tmp, data);
	await rename(tmp, path);
}

async function pool<T>(items: T[], limit: number, run: (item: T) => Promise<void>) {
	let next = 0;
	const worker = async () => {
		for (let item = items[next++]; item !== undefined; item = items[next++]) await run(item);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const CACHE_ENTRY = /^[0-9a-f]{64}\.(br|gz)\d+$/;
const CACHE_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

async function pruneCache(cacheDir: string) {
	const cutoff = Date.now() - CACHE_MAX_AGE_MS;
	for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
		if (!CACHE_ENTRY.test(name)) continue;
		const s = await statOrNull(join(cacheDir, name));
		if (s !== null && s.mtimeMs < cutoff) await rm(join(cacheDir, name), { force: true });
	}
}

/** Writes `.br`/`.gz` siblings for the compressible files under `dir`. */
export async function precompressDir(
	dir: string,
	{ minSize = KiB, minSaving = 0.05, concurrency = 2, cacheDir = false }: PrecompressOptions = {}
): Promise<PrecompressStats> {
	const stats: PrecompressStats = {
		files: 0,
		written: 0,
		upToDate: 0,
		fromCache: 0,
		notWorth: 0,
		bytes: 0,
		brBytes: 0,
		gzBytes: 0
	};
	if (cacheDir !== false) await mkdir(cacheDir, { recursive: true });

	const sources = (await listFiles(dir)).filter((f) =>
		COMPRESSIBLE.has(extname(f).slice(1).toLowerCase())
	);
	// Largest first, so the two slowest jobs do not end up running alone at the end.
	const sized = await Promise.all(sources.map(async (path) => ({ path, src: await stat(path) })));
	sized.sort((a, b) => b.src.size - a.src.size);

	const jobs: { path: string; size: number; mtimeMs: number; enc: Encoding }[] = [];
	for (const { path, src } of sized) {
		const eligible = src.size >= minSize;
		if (eligible) {
			stats.files++;
			stats.bytes += src.size;
		}
		for (const enc of ['br', 'gz'] as const) {
			const sibling = await statOrNull(`${path}.${enc}`);
			if (sibling !== null && sibling.mtimeMs >= src.mtimeMs) {
				if (eligible) {
					stats.upToDate++;
					stats[enc === 'br' ? 'brBytes' : 'gzBytes'] += sibling.size;
				}
			} else if (!eligible) {
				// A stale sibling would be served in place of the file it no longer matches.
				if (sibling !== null) await rm(`${path}.${enc}`, { force: true });
			} else {
				jobs.push({ path, size: src.size, mtimeMs: src.mtimeMs, enc });
			}
		}
	}

	// Both encodings of one file need the same bytes and hash; keep them until both jobs are done.
	const loaded = new Map<string, Promise<{ data: Buffer; hash: string }>>();
	const pending = new Map<string, number>();
	for (const j of jobs) pending.set(j.path, (pending.get(j.path) ?? 0) + 1);
	const load = (path: string) => {
		let p = loaded.get(path);
		if (p === undefined) {
			p = readFile(path).then((data) => ({
				data,
				hash: cacheDir === false ? '' : createHash('sha256').update(data).digest('hex')
			}));
			loaded.set(path, p);
		}
		return p;
	};

	await pool(jobs, concurrency, async ({ path, size, enc }) => {
		const { data, hash } = await load(path);
		const level = enc === 'br' ? brotliQuality(size) : gzipLevel(size);
		let out: Buffer | null = null;
		const cached = cacheDir === false ? null : join(cacheDir, `${hash}.${enc}${level}`);
		if (cached !== null) {
			out = await readFile(cached).catch(() => null);
			if (out !== null) {
				stats.fromCache++;
				const now = new Date();
				await utimes(cached, now, now);
			}
		}
		if (out === null) {
			out = await compress(enc, data, level);
			if (cached !== null) await writeAtomic(cached, out);
		}
		const left = (pending.get(path) ?? 1) - 1;
		pending.set(path, left);
		if (left === 0) loaded.delete(path);

		const target = `${path}.${enc}`;
		if (out.length <= size * (1 - minSaving)) {
			await writeAtomic(target, out);
			stats.written++;
			stats[enc === 'br' ? 'brBytes' : 'gzBytes'] += out.length;
		} else {
			stats.notWorth++;
			await rm(target, { force: true });
		}
	});

	if (cacheDir !== false) await pruneCache(cacheDir);
	return stats;
}

const mb = (n: number) => `${(n / MiB).toFixed(1)} MB`;

export function describeStats(s: PrecompressStats, ms: number): string {
	return (
		`precompressed ${s.files} files (${mb(s.bytes)}) → br ${mb(s.brBytes)}, gzip ${mb(s.gzBytes)}` +
		` in ${(ms / 1000).toFixed(1)} s (${s.written} siblings written, ${s.fromCache} of them from` +
		` cache; ${s.upToDate} up to date; ${s.notWorth} skipped as not worth it)`
	);
}

/**
 * Precompresses the static adapter's output once it exists. SvelteKit's outer `vite build` is the
 * server build; it builds the client inside its writeBundle and runs the adapter in its (sequential)
 * closeBundle, so this runs after that, in the server build only.
 */
export function precompress({
	dir = 'build',
	...options
}: PrecompressOptions & { dir?: string } = {}): Plugin {
	let config: ResolvedConfig;
	let bundled = false;
	return {
		name: 'baton:precompress',
		apply: 'build',
		configResolved(c) {
			config = c;
		},
		// Not reached when an earlier writeBundle (SvelteKit's client build) throws, so a failed
		// build does not spend time compressing the previous build's files.
		writeBundle: {
			sequential: true,
			order: 'post',
			handler() {
				bundled = true;
			}
		},
		closeBundle: {
			sequential: true,
			order: 'post',
			async handler() {
				if (!config.build.ssr || !bundled) return;
				const out = resolve(config.root, dir);
				if ((await statOrNull(resolve(out, 'index.html'))) === null) return;
				const t0 = performance.now();
				const stats = await precompressDir(out, {
					cacheDir: resolve(config.root, 'node_modules/.cache/precompress'),
					...options
				});
				config.logger.info(describeStats(stats, performance.now() - t0));
			}
		}
	};
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const dir = resolve(process.argv[2] ?? 'build');
	const t0 = performance.now();
	precompressDir(dir, { cacheDir: resolve('node_modules/.cache/precompress') })
		.then((s) => console.log(describeStats(s, performance.now() - t0)))
		.catch((e) => {
			console.error(`precompress: ${e.message}`);
			process.exit(1);
		});
}
