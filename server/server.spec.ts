import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttSignaling } from '../src/lib/rtc/mqtt-signaling';
import type { Signal } from '../src/lib/rtc/signaling';
// @ts-expect-error: plain JS module without types
import { startServer } from './index.js';

// The production server: COOP/COEP on every response, SPA fallback, and the embedded broker, whose
// last-will support is what stops a vanished operator from being offered calls.

let server: {
	port: number;
	broker: { clients: Record<string, { close(): void }> };
	close(): Promise<void>;
};
const root = join(tmpdir(), `baton-build-${process.pid}`);

beforeAll(async () => {
	if (!existsSync(root)) mkdirSync(root, { recursive: true });
	writeFileSync(join(root, 'index.html'), '<!doctype html><title>Baton</title>');
	server = await startServer({ port: 0, host: '127.0.0.1', root });
});
afterAll(async () => {
	await server.close();
});

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

	it('publishes an operator’s last will when their connection vanishes', async () => {
		const url = `ws://127.0.0.1:${server.port}/mqtt`;
		const seen: Signal[] = [];
		const caller = await MqttSignaling.connect(url);
		caller.subscribe((m) => seen.push(m));
		const operator = await MqttSignaling.connect(url, { will: { from: 'op-1', name: 'Olivia' } });
		operator.send({
			type: 'presence',
			from: 'op-1',
			name: 'Olivia',
			status: 'available',
			at: Date.now()
		});
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
