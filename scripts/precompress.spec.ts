import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { brotliQuality, precompressDir } from './precompress';

// The build step behind the server's compressed responses: what gets a sibling, that siblings
// decompress to their source, and that a second run over an unchanged build does no work.

const base = join(tmpdir(), `baton-precompress-${process.pid}`);
const dir = join(base, 'build');
const cacheDir = join(base, 'cache');
const text = (n: number) =>
	Array.from({ length: n }, (_, i) => `export const line${i} = "value ${i % 7}";\n`).join('');
const put = (name: string, data: string | Buffer) => {
	mkdirSync(dirname(join(dir, name)), { recursive: true });
	writeFileSync(join(dir, name), data);
};
const has = (name: string) => existsSync(join(dir, name));

beforeEach(() => {
	rmSync(base, { recursive: true, force: true });
	put('index.html', `<!doctype html><title>Baton</title>${'<p>hello</p>'.repeat(200)}`);
	put('_app/immutable/chunks/big.js', text(2000));
	put('_app/immutable/chunks/tiny.js', 'export const x = 1;');
	put('models/noise.onnx', randomBytes(20_000));
	put('favicon.png', Buffer.from(text(500)));
	put('_app/immutable/chunks/big.js.map', text(500));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('precompressDir', () => {
	it('writes .br and .gz siblings that decompress to the original', async () => {
		const stats = await precompressDir(dir);
		for (const name of ['index.html', '_app/immutable/chunks/big.js']) {
			const original = readFileSync(join(dir, name));
			const br = readFileSync(join(dir, `${name}.br`));
			const gz = readFileSync(join(dir, `${name}.gz`));
			expect(brotliDecompressSync(br).equals(original)).toBe(true);
			expect(gunzipSync(gz).equals(original)).toBe(true);
			expect(br.length).toBeLessThan(gz.length);
		}
		expect(stats).toMatchObject({ files: 3, written: 4, notWorth: 2, upToDate: 0 });
	});

	it('skips small files, incompressible data, compressed formats and source maps', async () => {
		await precompressDir(dir);
		for (const name of [
			'_app/immutable/chunks/tiny.js',
			'models/noise.onnx',
			'favicon.png',
			'_app/immutable/chunks/big.js.map'
		]) {
			expect(has(`${name}.br`), name).toBe(false);
			expect(has(`${name}.gz`), name).toBe(false);
		}
	});

	it('leaves siblings newer than their source alone, and redoes those of a changed file', async () => {
		await precompressDir(dir);
		const again = await precompressDir(dir);
		expect(again).toMatchObject({ written: 0, upToDate: 4 });

		const js = '_app/immutable/chunks/big.js';
		put(js, text(3000));
		const later = new Date(Date.now() + 5000);
		utimesSync(join(dir, js), later, later);
		const changed = await precompressDir(dir);
		expect(changed).toMatchObject({ written: 2, upToDate: 2 });
		const br = readFileSync(join(dir, `${js}.br`));
		expect(brotliDecompressSync(br).toString()).toBe(text(3000));
	});

	it('removes a stale sibling once its source no longer qualifies', async () => {
		await precompressDir(dir);
		put('index.html', '<!doctype html>');
		const later = new Date(Date.now() + 5000);
		utimesSync(join(dir, 'index.html'), later, later);
		await precompressDir(dir);
		expect(has('index.html.br')).toBe(false);
		expect(has('index.html.gz')).toBe(false);
	});

	it('reuses compressed output from the cache when the build directory was emptied', async () => {
		const first = await precompressDir(dir, { cacheDir });
		expect(first.fromCache).toBe(0);
		rmSync(join(dir, 'index.html.br'));
		rmSync(join(dir, 'index.html.gz'));
		rmSync(join(dir, '_app/immutable/chunks/big.js.br'));
		rmSync(join(dir, '_app/immutable/chunks/big.js.gz'));
		const second = await precompressDir(dir, { cacheDir });
		// The incompressible model is looked up too; the cache keeps what was not worth writing.
		expect(second).toMatchObject({ written: 4, fromCache: 6, notWorth: 2 });
		const br = readFileSync(join(dir, '_app/immutable/chunks/big.js.br'));
		expect(brotliDecompressSync(br).toString()).toBe(text(2000));
	});
});

describe('brotliQuality', () => {
	it('uses the best quality on small files and a fast one on the multi-megabyte runtimes', () => {
		expect(brotliQuality(10_000)).toBe(11);
		expect(brotliQuality(28_000_000)).toBeLessThanOrEqual(6);
	});
});
