// Baton's production server: serves the static build with the cross-origin isolation headers that
// threaded WASM needs, and embeds an MQTT broker (aedes) over WebSocket at /mqtt for signaling on a
// single machine. Any standard MQTT broker can replace the embedded one (see the README).
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Aedes } from 'aedes';
import sirv from 'sirv';
import { createWebSocketStream, WebSocketServer } from 'ws';

const ISOLATION = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

/** Starts the server; resolves once it is listening. */
export async function startServer({ port = 3000, host = '0.0.0.0', root = 'build' } = {}) {
	const dir = resolve(root);
	if (!existsSync(resolve(dir, 'index.html'))) {
		throw new Error(`No build at ${dir}: run "npm run build" first.`);
	}
	const broker = await Aedes.createBroker();
	const assets = sirv(dir, {
		single: true,
		etag: true,
		setHeaders: (res) => {
			for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
		}
	});
	const http = createServer((req, res) => {
		for (const [k, v] of Object.entries(ISOLATION)) res.setHeader(k, v);
		assets(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	});
	const wss = new WebSocketServer({ noServer: true });
	http.on('upgrade', (req, socket, head) => {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (path !== '/mqtt') {
			socket.destroy();
			return;
		}
		wss.handleUpgrade(req, socket, head, (ws) => broker.handle(createWebSocketStream(ws)));
	});
	await new Promise((ok) => http.listen(port, host, () => ok(undefined)));
	return {
		port: /** @type {import('node:net').AddressInfo} */ (http.address()).port,
		broker,
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
		.then(({ port }) =>
			console.log(
				`Baton on http://localhost:${port} (MQTT signaling at ws://localhost:${port}/mqtt)`
			)
		)
		.catch((e) => {
			console.error(`baton server: ${e.message}`);
			process.exit(1);
		});
}
