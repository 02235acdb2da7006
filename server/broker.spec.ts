import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { MqttSignaling, SignInError } from '../src/lib/rtc/signaling/mqtt-signaling';
import type { Signal } from '../src/lib/rtc/signaling/signaling';
// @ts-expect-error: plain JS module without types
import { startServer } from './index.js';
// @ts-expect-error: plain JS module without types
import { makeAccount, writeAccounts } from './operators.js';
// @ts-expect-error: plain JS module without types
import { mosquittoAcl, originAllowed } from './broker.js';

// The broker as an attacker meets it: anonymous clients are callers and can reach only their own
// call's topics; presence, the queue and everyone else's signaling belong to signed-in operators.

let server: { port: number; close(): Promise<void> };
const root = join(tmpdir(), `baton-broker-${process.pid}`);
let url = '';
let origin = '';
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
	mkdirSync(root, { recursive: true });
	writeFileSync(join(root, 'index.html'), '<!doctype html><title>Baton</title>');
	const operators = join(root, 'operators.json');
	writeAccounts(
		operators,
		new Map([
			['olivia', await makeAccount('olivia', 'Olivia', PASSWORD)],
			['omar', await makeAccount('omar', 'Omar', PASSWORD)],
			['lockme', await makeAccount('lockme', 'Lock Me', PASSWORD)]
		])
	);
	server = await startServer({
		port: 0,
		host: '127.0.0.1',
		root,
		operators,
		maxConnectionsPerAddress: 12,
		limits: { rate: 20, burst: 40 }
	});
	url = `ws://127.0.0.1:${server.port}/mqtt`;
	origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
	await server.close();
	rmSync(root, { recursive: true, force: true });
});

const until = async (f: () => boolean, ms = 3000) => {
	const t0 = Date.now();
	while (!f()) {
		if (Date.now() - t0 > ms) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw MQTT client, as a hostile script would use. */
async function raw(options: mqtt.IClientOptions = {}): Promise<MqttClient> {
	return mqtt.connectAsync(
		url,
		{
			clientId: `c-${crypto.randomUUID().replaceAll('-', '')}`,
			reconnectPeriod: 0,
			connectTimeout: 3000,
			wsOptions: { headers: { Origin: origin } },
			...options
		},
		false
	);
}
const operator = (id = 'olivia', secret = PASSWORD) =>
	MqttSignaling.connect(url, { origin, operator: { id, secret } });
const caller = () => MqttSignaling.connect(url, { origin });
const presence = (from: string, status: 'available' | 'offline' = 'available'): Signal => ({
	type: 'presence',
	from,
	status,
	at: Date.now()
});
const closed = (c: MqttClient) => new Promise<void>((ok) => c.once('close', () => ok()));

describe('embedded broker', () => {
	it('refuses an anonymous wildcard subscription and shows it nothing', async () => {
		const spy = await raw();
		const got: string[] = [];
		spy.on('message', (t) => got.push(t));
		for (const topic of [
			'#',
			'baton/v1/call/+/up',
			'baton/v1/call/+/down',
			'baton/v1/op/+/token'
		]) {
			await expect(spy.subscribeAsync(topic)).rejects.toThrow(/Subscribe error/);
		}
		const op = await operator();
		op.send(presence('olivia'));
		const c = await caller();
		c.send({ type: 'ring', from: c.selfId, to: 'olivia', callId: 'call-1' });
		await sleep(200);
		expect(got).toEqual([]);
		spy.end();
		op.close();
		c.close();
	});

	it('lets no caller publish presence, or clear an operator’s retained presence', async () => {
		const op = await operator();
		op.send(presence('olivia'));
		for (const attempt of [
			{ payload: JSON.stringify(presence('olivia', 'offline')), retain: true },
			{ payload: '', retain: true },
			{ payload: JSON.stringify(presence('impostor')), retain: true }
		]) {
			const forger = await raw();
			const gone = closed(forger);
			forger.publish(
				attempt.payload.includes('impostor')
					? 'baton/v1/presence/impostor'
					: 'baton/v1/presence/olivia',
				attempt.payload,
				{ retain: attempt.retain, qos: 1 }
			);
			await gone; // A forbidden publish ends the connection.
		}
		const seen: Signal[] = [];
		const c = await caller();
		c.subscribe((m) => seen.push(m));
		await until(() => seen.some((m) => m.type === 'presence' && m.from === 'olivia'));
		await sleep(100);
		expect(seen.filter((m) => m.type === 'presence').map((m) => m.from)).toEqual(['olivia']);
		expect(seen.find((m) => m.type === 'presence')).toMatchObject({ status: 'available' });
		op.close();
		c.close();
	});

	it('keeps an operator to its own presence, and a caller to its own call', async () => {
		// Olivia, signed in, cannot speak as Omar.
		const olivia = await raw({ clientId: 'o-olivia-raw', username: 'olivia', password: PASSWORD });
		const cut = closed(olivia);
		olivia.publish('baton/v1/presence/omar', JSON.stringify(presence('omar', 'offline')), {
			retain: true,
			qos: 1
		});
		await cut;
		const omarSeen: Signal[] = [];
		const omar = await operator('omar');
		omar.subscribe((m) => omarSeen.push(m));
		// A caller writing on another caller's topic, or in another's name, is cut off.
		const victim = await caller();
		for (const [topic, from] of [
			[`baton/v1/call/${victim.selfId}/up`, victim.selfId],
			['baton/v1/call/c-0123456789abcdef0123/up', victim.selfId]
		]) {
			const attacker = await raw();
			const gone = closed(attacker);
			attacker.publish(topic, JSON.stringify({ type: 'ring', from, to: 'omar', callId: 'x' }), {
				qos: 1
			});
			await gone;
		}
		// A caller cannot reach another caller's down topic either.
		const other = await raw();
		const gone = closed(other);
		other.publish(
			`baton/v1/call/${victim.selfId}/down`,
			JSON.stringify({ type: 'bye', from: 'omar', to: victim.selfId }),
			{ qos: 1 }
		);
		await gone;
		await sleep(100);
		expect(omarSeen.filter((m) => m.type === 'ring')).toEqual([]);
		omar.close();
		victim.close();
	});

	it('carries a caller’s ring to operators and an operator’s answer to that caller only', async () => {
		const op = await operator('olivia');
		const opSeen: Signal[] = [];
		op.subscribe((m) => opSeen.push(m));
		const a = await caller();
		const b = await caller();
		const aSeen: Signal[] = [];
		const bSeen: Signal[] = [];
		a.subscribe((m) => aSeen.push(m));
		b.subscribe((m) => bSeen.push(m));
		a.send({ type: 'ring', from: a.selfId, to: 'olivia', callId: 'call-a' });
		await until(() => opSeen.some((m) => m.type === 'ring' && m.from === a.selfId));
		op.send({ type: 'position', from: 'olivia', to: a.selfId, position: 1, at: Date.now() });
		await until(() => aSeen.some((m) => m.type === 'position'));
		await sleep(100);
		expect(bSeen.filter((m) => m.type !== 'presence')).toEqual([]);
		op.close();
		a.close();
		b.close();
	});

	it('signs operators in by password or token, with one answer for a wrong password and an unknown id', async () => {
		const wrong = await operator('olivia', 'not the password').catch((e) => e);
		const unknown = await operator('nobody', PASSWORD).catch((e) => e);
		expect(wrong).toBeInstanceOf(SignInError);
		expect(unknown).toBeInstanceOf(SignInError);
		expect(wrong.message).toBe(unknown.message);
		expect(wrong.code).toBe('bad_credentials');

		const op = await operator('olivia');
		await until(() => op.grant !== null);
		expect(op.grant?.name).toBe('Olivia');
		const token = op.grant!.token;
		op.close();
		const again = await operator('olivia', token);
		expect(again.selfId).toBe('olivia');
		again.close();
		// A token is for its own account only, and any change to it breaks it.
		expect(await operator('omar', token).catch((e) => e)).toBeInstanceOf(SignInError);
		const altered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
		expect(await operator('olivia', altered).catch((e) => e)).toBeInstanceOf(SignInError);
	});

	it('locks an account out after repeated wrong passwords', async () => {
		for (let i = 0; i < 5; i++) await operator('lockme', `wrong password ${i}`).catch(() => {});
		const e = await operator('lockme', PASSWORD).catch((err) => err);
		expect(e).toBeInstanceOf(SignInError);
		expect(e.code).toBe('not_authorized');
		// Another operator on the same address is not locked out with it.
		const olivia = await operator('olivia');
		olivia.close();
	});

	it('cuts off a client that floods or sends an oversized message', async () => {
		const c = await raw();
		const id = c.options.clientId!;
		const gone = closed(c);
		for (let i = 0; i < 200; i++) {
			c.publish(`baton/v1/call/${id}/up`, JSON.stringify({ type: 'who', from: id }));
		}
		await gone;
		const big = await raw();
		const bigId = big.options.clientId!;
		const bigGone = closed(big);
		big.publish(
			`baton/v1/call/${bigId}/up`,
			JSON.stringify({ type: 'who', from: bigId, pad: 'x'.repeat(40_000) })
		);
		await bigGone;
	});

	it('refuses WebSocket upgrades from other sites, and too many from one address', async () => {
		const upgrade = (headers: Record<string, string>) =>
			new Promise<number>((ok, fail) => {
				const req = request({
					host: '127.0.0.1',
					port: server.port,
					path: '/mqtt',
					headers: {
						Connection: 'Upgrade',
						Upgrade: 'websocket',
						'Sec-WebSocket-Version': '13',
						'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
						'Sec-WebSocket-Protocol': 'mqtt',
						...headers
					}
				});
				req.on('upgrade', (res, socket) => {
					socket.destroy();
					ok(res.statusCode ?? 0);
				});
				req.on('response', (res) => ok(res.statusCode ?? 0));
				req.on('error', fail);
				req.end();
			});
		expect(await upgrade({ Origin: 'https://evil.example' })).toBe(403);
		expect(await upgrade({})).toBe(403);
		expect(await upgrade({ Origin: origin })).toBe(101);

		const held: MqttClient[] = [];
		let refused = false;
		for (let i = 0; i < 14 && !refused; i++) {
			try {
				held.push(await raw());
			} catch {
				refused = true;
			}
		}
		expect(refused).toBe(true);
		for (const c of held) c.end(true);
	});
});

describe('originAllowed', () => {
	const req = (origin: string | undefined, host = 'baton.example') =>
		({ headers: { origin, host } }) as never;
	it('allows this site and listed sites only', () => {
		expect(originAllowed(req('https://baton.example'))).toBe(true);
		expect(originAllowed(req('https://other.example'))).toBe(false);
		expect(originAllowed(req('https://other.example'), ['https://other.example'])).toBe(true);
		expect(originAllowed(req(undefined))).toBe(false);
		expect(originAllowed(req('null'))).toBe(false);
	});
});

describe('mosquittoAcl', () => {
	it('writes the same rules for mosquitto', () => {
		const acl = mosquittoAcl(['olivia']);
		expect(acl).toContain('pattern write baton/v1/call/%c/up');
		expect(acl).toContain('pattern read baton/v1/call/%c/down');
		expect(acl).toContain('pattern write baton/v1/presence/%u');
		expect(acl).toMatch(
			/user olivia\ntopic read baton\/v1\/call\/\+\/up\ntopic write baton\/v1\/call\/\+\/down/
		);
	});
});
