import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { MqttSignaling } from '../src/lib/rtc/signaling/mqtt-signaling';
import type { Signal } from '../src/lib/rtc/signaling/signaling';
// @ts-expect-error: plain JS module without types
import { cacheControl, startServer } from './index.js';
// @ts-expect-error: plain JS module without types
import { connectOrigins, securityHeaders } from './headers.js';
// @ts-expect-error: plain JS module without types
import { makeAccount, writeAccounts } from './operators.js';

// The production server: COOP/COEP on every response, SPA fallback, precompressed files with long
// caching where URLs are immutable, and the embedded broker, whose last-will support is what stops a
// vanished operator from being offered calls.

let server: {
	port: number;
	broker: { clients: Record<string, { close(): void }> };
	close(): Promise<void>;
};
const root = join(tmpdir(), `baton-build-${process.pid}`);
// The static build's page starts the app with an inline script, as SvelteKit's does.
const BOOTSTRAP = '\n\t\t\t\t{ start(document.currentScript.parentElement); }\n\t\t\t';

// A model as the build leaves it: the original plus the siblings scripts/precompress.ts writes.
const model = Buffer.from(
	Array.from({ length: 4000 }, (_, i) => `weight ${i % 97};`).join(''),
	'utf8'
);
const put = (name: string, data: string | Buffer) => {
	mkdirSync(dirname(join(root, name)), { recursive: true });
	writeFileSync(join(root, name), data);
};

beforeAll(async () => {
	if (!existsSync(root)) mkdirSync(root, { recursive: true });
	put('index.html', `<!doctype html><title>Baton</title><script>${BOOTSTRAP}</script>`);
	put('favicon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
	put('_app/immutable/entry/app.Bx3c.js', 'export const app = 1;');
	put('models/moonshine/encoder.onnx', model);
	put('models/moonshine/encoder.onnx.br', brotliCompressSync(model));
	put('models/moonshine/encoder.onnx.gz', gzipSync(model));
	const operators = join(root, 'operators.json');
	writeAccounts(
		operators,
		new Map([['op-1', await makeAccount('op-1', 'Olivia', 'correct horse battery')]])
	);
	server = await startServer({ port: 0, host: '127.0.0.1', root, operators });
});
afterAll(async () => {
	await server.close();
	rmSync(root, { recursive: true, force: true });
});

// node:http rather than fetch, which would decompress the body and pick its own Accept-Encoding.
const get = (path: string, headers: Record<string, string> = {}) =>
	new Promise<{ status: number; headers: Record<string, string | undefined>; body: Buffer }>(
		(ok, fail) => {
			const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					ok({
						status: res.statusCode ?? 0,
						headers: res.headers as Record<string, string | undefined>,
						body: Buffer.concat(chunks)
					})
				);
			});
			req.on('error', fail);
			req.end();
		}
	);

const IMMUTABLE = 'public, max-age=31536000, immutable';
const expectIsolated = (headers: Record<string, string | undefined>) => {
	expect(headers['cross-origin-opener-policy']).toBe('same-origin');
	expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
	expect(headers['cross-origin-resource-policy']).toBe('same-origin');
};

const until = async (f: () => boolean, ms = 3000) => {
	const t0 = Date.now();
	while (!f()) {
		if (Date.now() - t0 > ms) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
};

describe('production server', () => {
	it('serves pages with cross-origin isolation headers and an SPA fallback', async () => {
		const res = await fetch(`http://127.0.0.1:${server.port}/operator`);
		expect(res.status).toBe(200);
		expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
		expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
		expect(await res.text()).toContain('<title>Baton</title>');
	});

	it('sends the brotli sibling to clients that accept br', async () => {
		const res = await get('/models/moonshine/encoder.onnx', {
			'Accept-Encoding': 'gzip, deflate, br'
		});
		expect(res.status).toBe(200);
		expect(res.headers['content-encoding']).toBe('br');
		// What the page's download progress counts against: the decoded size.
		expect(Number(res.headers['x-decoded-length'])).toBe(model.length);
		expect(res.headers['vary']).toBe('Accept-Encoding');
		expect(Number(res.headers['content-length'])).toBe(res.body.length);
		expect(res.body.length).toBeLessThan(model.length);
		expect(brotliDecompressSync(res.body).equals(model)).toBe(true);
		expect(res.headers['cache-control']).toBe(IMMUTABLE);
		expectIsolated(res.headers);
	});

	it('sends the gzip sibling to clients that accept only gzip', async () => {
		const res = await get('/models/moonshine/encoder.onnx', { 'Accept-Encoding': 'gzip' });
		expect(res.headers['content-encoding']).toBe('gzip');
		expect(Number(res.headers['content-length'])).toBe(res.body.length);
		expect(gunzipSync(res.body).equals(model)).toBe(true);
	});

	it('sends the file as is, with byte ranges, to clients that accept no encoding', async () => {
		const res = await get('/models/moonshine/encoder.onnx');
		expect(res.headers['content-encoding']).toBeUndefined();
		expect(Number(res.headers['content-length'])).toBe(model.length);
		expect(res.body.equals(model)).toBe(true);

		const part = await get('/models/moonshine/encoder.onnx', { Range: 'bytes=10-19' });
		expect(part.status).toBe(206);
		expect(part.headers['content-range']).toBe(`bytes 10-19/${model.length}`);
		expect(part.body.equals(model.subarray(10, 20))).toBe(true);
	});

	it('gives each encoding its own ETag and revalidates it', async () => {
		const br = await get('/models/moonshine/encoder.onnx', { 'Accept-Encoding': 'br' });
		const plain = await get('/models/moonshine/encoder.onnx');
		expect(br.headers.etag).toBeDefined();
		expect(br.headers.etag).not.toBe(plain.headers.etag);
		const again = await get('/models/moonshine/encoder.onnx', {
			'Accept-Encoding': 'br',
			'If-None-Match': br.headers.etag ?? ''
		});
		expect(again.status).toBe(304);
		expect(again.headers['cache-control']).toBe(IMMUTABLE);
		expect(again.headers['vary']).toBe('Accept-Encoding');
		expectIsolated(again.headers);
	});

	it('caches immutable paths for a year and revalidates pages and everything else', async () => {
		const cases: [string, number, string][] = [
			['/_app/immutable/entry/app.Bx3c.js', 200, IMMUTABLE],
			['/', 200, 'no-cache'],
			['/index.html', 200, 'no-cache'],
			['/operator', 200, 'no-cache'],
			['/favicon.svg', 200, 'no-cache'],
			// A route under an immutable prefix falls back to the page, which must not be kept a year.
			['/models/settings', 200, 'no-cache'],
			['/models/missing.onnx', 404, 'no-cache']
		];
		for (const [path, status, cache] of cases) {
			const res = await get(path, { 'Accept-Encoding': 'br, gzip' });
			expect(res.status, path).toBe(status);
			expect(res.headers['cache-control'], path).toBe(cache);
			expectIsolated(res.headers);
		}
		const page = await get('/models/settings');
		expect(page.headers['content-type']).toContain('text/html');
		expect(page.body.toString()).toContain('<title>Baton</title>');

		const revalidated = await get('/operator', { 'If-None-Match': page.headers.etag ?? '' });
		expect(revalidated.status).toBe(304);
		expect(revalidated.headers['cache-control']).toBe('no-cache');
	});

	it('publishes an operator’s last will when their connection vanishes', async () => {
		const url = `ws://127.0.0.1:${server.port}/mqtt`;
		const origin = `http://127.0.0.1:${server.port}`;
		const seen: Signal[] = [];
		const caller = await MqttSignaling.connect(url, { origin });
		caller.subscribe((m) => seen.push(m));
		const operator = await MqttSignaling.connect(url, {
			origin,
			operator: { id: 'op-1', secret: 'correct horse battery' }
		});
		operator.send({ type: 'presence', from: 'op-1', status: 'available', at: Date.now() });
		await until(() => seen.some((m) => m.type === 'presence' && m.status === 'available'));
		// Drop the operator's connection without a clean DISCONNECT, as a closed tab would.
		for (const c of Object.values(server.broker.clients)) if (c !== undefined) c.close();
		await until(() =>
			seen.some((m) => m.type === 'presence' && m.from === 'op-1' && m.status === 'offline')
		);
		caller.close();
		operator.close();
	});
});

describe('security headers and methods', () => {
	const send = (method: string, path: string) =>
		new Promise<{ status: number; headers: Record<string, string | undefined>; body: string }>(
			(ok, fail) => {
				const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
					let body = '';
					res.on('data', (c: Buffer) => (body += c.toString()));
					res.on('end', () =>
						ok({
							status: res.statusCode ?? 0,
							headers: res.headers as Record<string, string | undefined>,
							body
						})
					);
				});
				req.on('error', fail);
				req.end(method === 'POST' || method === 'PUT' ? '{"x":1}' : undefined);
			}
		);
	const expectSecure = (headers: Record<string, string | undefined>, what: string) => {
		const policy = headers['content-security-policy'] ?? '';
		expect(policy, what).toBe(
			securityHeaders({
				connect: connectOrigins(),
				scriptHashes: [`'sha256-${createHash('sha256').update(BOOTSTRAP).digest('base64')}'`]
			})['Content-Security-Policy']
		);
		expect(policy, what).not.toContain("'unsafe-eval'");
		expect(headers['x-content-type-options'], what).toBe('nosniff');
		expect(headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
		expect(headers['permissions-policy'], what).toContain('microphone=(self)');
		expectIsolated(headers);
	};

	it('sends the policy, with the page script’s hash, on pages, files, errors and revalidations', async () => {
		const page = await get('/operator');
		expectSecure(page.headers, 'page');
		const asset = await get('/_app/immutable/entry/app.Bx3c.js');
		expectSecure(asset.headers, 'asset');
		expectSecure((await get('/models/missing.onnx')).headers, '404');
		const again = await get('/operator', { 'If-None-Match': page.headers.etag ?? '' });
		expect(again.status).toBe(304);
		expectSecure(again.headers, '304');
	});

	it('answers GET and HEAD only; every other method gets 405 with Allow', async () => {
		const head = await send('HEAD', '/');
		expect(head.status).toBe(200);
		expect(head.body).toBe('');
		for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
			for (const path of ['/', '/operator', '/favicon.svg', '/mqtt']) {
				const res = await send(method, path);
				expect(res.status, `${method} ${path}`).toBe(405);
				expect(res.headers['allow']).toBe('GET, HEAD');
				expect(res.body).not.toContain('<title>Baton</title>');
				expectSecure(res.headers, `${method} ${path}`);
			}
		}
	});
});

describe('cacheControl', () => {
	it('marks only content-addressed and version-pinned paths immutable', () => {
		expect(cacheControl('/_app/immutable/chunks/D_vvnWPQ.js')).toBe(IMMUTABLE);
		expect(cacheControl('/models/moonshine-tiny/encoder_model.onnx')).toBe(IMMUTABLE);
		// Vendored runtimes keep their names across package upgrades: revalidated, never pinned.
		expect(cacheControl('/vendor/ort/ort-wasm-simd-threaded.jsep.wasm')).toBe('no-cache');
		expect(cacheControl('/phrases/0d5180950af9867e.wav')).toBe(IMMUTABLE);
		expect(cacheControl('/phrases/manifest.json')).toBe('no-cache');
		expect(cacheControl('/phrases/greeting.wav')).toBe(IMMUTABLE);
		expect(cacheControl('/')).toBe('no-cache');
		expect(cacheControl('/index.html')).toBe('no-cache');
		expect(cacheControl('/_app/version.json')).toBe('no-cache');
		expect(cacheControl('/_app/env.js')).toBe('no-cache');
		expect(cacheControl('/models')).toBe('no-cache');
	});
});
