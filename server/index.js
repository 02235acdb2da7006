// Baton's production server: serves the static build with the cross-origin isolation headers that
// threaded WASM needs, and embeds an MQTT broker (aedes) over WebSocket at /mqtt for signaling on a
// single machine. Any standard MQTT broker can replace the embedded one (see the README).
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sirv from 'sirv';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { createBroker, MAX_PAYLOAD, originAllowed } from './broker.js';
import { accountsSource, DEFAULT_OPERATORS_FILE } from './operators.js';
import { ALLOWED_METHODS, connectOrigins, inlineScriptHashes, securityHeaders } from './headers.js';

const ISOLATION = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
	// Everything is loaded by this origin's own pages; no other site needs to embed it.
	'Cross-Origin-Resource-Policy': 'same-origin'
};

// Bundler output under /_app/immutable/ and the pre-rendered phrase clips are named by their
// content; the model files are pinned by sha256 at set-up (a new model gets a new folder). The
// vendored runtimes keep their package's file names across upgrades, so they are revalidated
// (a 304 costs one round trip), and so is the phrase manifest, which changes with the flow.
const IMMUTABLE = ['/_app/immutable/', '/models/', '/phrases/'];
const REVALIDATE = ['/phrases/manifest.json'];

/**
 * The Cache-Control for a file served at `pathname`. Anything not known to be immutable (pages,
 * version.json, the icon, vendored runtimes) is revalidated on every use, cheaply, with its ETag.
 * @param {string} pathname
 */
export function cacheControl(pathname) {
	return IMMUTABLE.some((p) => pathname.startsWith(p)) && !REVALIDATE.includes(pathname)
		? 'public, max-age=31536000, immutable'
		: 'no-cache';
}

// Like sirv's `single`: a path without a file extension is a client-side route.
const isRoute = (/** @type {string} */ pathname) => !/\.\w+$/.test(pathname);

/**
 * Starts the server; resolves once it is listening. `operators` is the accounts file the broker
 * signs consoles in with; `allowedOrigins` are other sites whose pages may use the broker;
 * `maxConnectionsPerAddress` bounds the broker connections one address may hold open.
 */
export async function startServer({
	port = 3000,
	host = '0.0.0.0',
	root = 'build',
	operators = process.env.BATON_OPERATORS ?? DEFAULT_OPERATORS_FILE,
	allowedOrigins = (process.env.BATON_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean),
	maxConnectionsPerAddress = 32,
	limits = /** @type {import('./broker.js').Limits} */ ({})
} = {}) {
	const dir = resolve(root);
	if (!existsSync(resolve(dir, 'index.html'))) {
		throw new Error(`No build at ${dir}: run "npm run build" first.`);
	}
	// Every page is the build's index.html (the SPA fallback): its inline script is allowed by hash.
	const security = securityHeaders({
		connect: connectOrigins(),
		scriptHashes: inlineScriptHashes(readFileSync(resolve(dir, 'index.html'), 'utf8'))
	});
	const accounts = accountsSource(operators);
	const broker = await createBroker({ accounts, limits });
	// `brotli`/`gzip` serve the .br/.gz siblings written at build time (scripts/precompress.ts) to
	// clients that accept them, with Content-Encoding, their own ETag and Content-Length.
	const assets = sirv(dir, {
		etag: true,
		brotli: true,
		gzip: true,
		// A compressed response's Content-Length counts compressed bytes, but a page reading the
		// stream counts decoded ones: this header lets a model download show honest progress.
		setHeaders: (res, pathname) => {
			try {
				res.setHeader('X-Decoded-Length', String(statSync(join(dir, pathname)).size));
			} catch {
				// The SPA fallback or a vanished file: no size to give.
			}
		}
	});
	const notFound = (/** @type {import('node:http').ServerResponse} */ res) => {
		res.statusCode = 404;
		res.setHeader('Cache-Control', 'no-cache');
		res.end('Not found');
	};
	const http = createServer((req, res) => {
		for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
		for (const [k, v] of Object.entries(security)) res.setHeader(k, v);
		// A static site has nothing to POST, PUT or DELETE: refuse rather than answer with the page.
		if (!ALLOWED_METHODS.includes(req.method ?? '')) {
			res.statusCode = 405;
			res.setHeader('Allow', ALLOWED_METHODS.join(', '));
			res.setHeader('Cache-Control', 'no-cache');
			res.end('Method not allowed');
			return;
		}
		// Set before sirv runs: it answers a matching If-None-Match with a 304 of only the headers
		// already on the response.
		res.setHeader('Vary', 'Accept-Encoding');
		const pathname = (req.url ?? '/').split(/[?#]/)[0];
		res.setHeader('Cache-Control', cacheControl(pathname));
		assets(req, res, () => {
			// The SPA fallback is done here rather than with sirv's `single`, so that a route under
			// an immutable prefix (say /models/) is not cached for a year as the page it falls back to.
			if (!isRoute(pathname)) return notFound(res);
			res.setHeader('Cache-Control', cacheControl('/index.html'));
			req.url = '/index.html';
			assets(req, res, () => notFound(res));
		});
	});
	// A frame a little over the broker's largest message (MQTT headers); anything bigger closes.
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD + 1024 });
	/** Open broker connections by remote address. */
	const perAddress = new Map();
	http.on('upgrade', (req, socket, head) => {
		const refuse = (/** @type {number} */ status, /** @type {string} */ text) => {
			socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
		};
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (path !== '/mqtt') return refuse(404, 'Not Found');
		// A page of another site must not use a visitor's browser to reach the broker.
		if (!originAllowed(req, allowedOrigins)) return refuse(403, 'Forbidden');
		const address = req.socket.remoteAddress ?? 'unknown';
		const open = perAddress.get(address) ?? 0;
		if (open >= maxConnectionsPerAddress) return refuse(429, 'Too Many Requests');
		perAddress.set(address, open + 1);
		socket.once('close', () => {
			const n = (perAddress.get(address) ?? 1) - 1;
			if (n > 0) perAddress.set(address, n);
			else perAddress.delete(address);
		});
		wss.handleUpgrade(req, socket, head, (ws) => broker.handle(createWebSocketStream(ws), req));
	});
	await new Promise((ok) => http.listen(port, host, () => ok(undefined)));
	return {
		port: /** @type {import('node:net').AddressInfo} */ (http.address()).port,
		broker,
		/** How many operator accounts the broker accepts right now. */
		operatorCount: () => accounts().size,
		async close() {
			for (const c of wss.clients) c.terminate();
			await new Promise((ok) => http.close(() => ok(undefined)));
			await new Promise((ok) => broker.close(() => ok(undefined)));
		}
	};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const port = Number(process.env.PORT ?? 3000);
	startServer({ port, host: process.env.HOST ?? '0.0.0.0' })
		.then(({ port, operatorCount }) => {
			console.log(
				`Baton on http://localhost:${port} (MQTT signaling at ws://localhost:${port}/mqtt)`
			);
			const file = process.env.BATON_OPERATORS ?? DEFAULT_OPERATORS_FILE;
			console.log(
				operatorCount() > 0
					? `${operatorCount()} operator account(s) in ${file}.`
					: `No operator accounts in ${file}: consoles cannot sign in to the broker until you add one with "npm run operator -- add ID --name NAME".`
			);
		})
		.catch((e) => {
			console.error(`baton server: ${e.message}`);
			process.exit(1);
		});
}
