// Chromium driven over raw DevTools Protocol, for bench:start. Playwright's CDPSession cannot talk
// to flattened child sessions, and network emulation set on a page does not reach its dedicated
// workers (where the app fetches its models), so every target is attached here, paused on start,
// throttled and counted, and only then resumed.
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';

type Message = {
	id?: number;
	method?: string;
	params?: Record<string, unknown>;
	result?: Record<string, unknown>;
	error?: { message: string };
	sessionId?: string;
};
type Listener = (params: Record<string, unknown>, sessionId: string) => void;

export type TargetSetup = {
	/** `Network.emulateNetworkConditions` parameters, or null for the machine's own network. */
	network: { latency: number; downloadThroughput: number; uploadThroughput: number } | null;
	cacheDisabled: boolean;
	/** No network at all (`navigator.onLine` false), for an offline visit. */
	offline?: boolean;
	/** Source evaluated in every page before its own scripts. */
	initScript: string;
};

export type NetworkEvent = {
	/** Node's clock (performance.now()), when the event arrived. */
	at: number;
	sessionId: string;
	targetType: string;
	requestId: string;
	url?: string;
	bytes: number;
	/** Where the response came from: the network, the service worker or the HTTP cache. */
	from: 'network' | 'service-worker' | 'cache';
};

export class Chromium {
	readonly #proc: ChildProcess;
	readonly #ws: WebSocket;
	#nextId = 1;
	readonly #pending = new Map<
		number,
		{ ok: (r: Message['result']) => void; fail: (e: Error) => void }
	>();
	readonly #listeners = new Map<string, Set<Listener>>();
	readonly #types = new Map<string, string>();
	setup: TargetSetup;
	/** One entry per finished request (`Network.loadingFinished`), from every target. */
	readonly finished: NetworkEvent[] = [];
	/** One entry per `Network.dataReceived`, from every target: the cross-check. */
	readonly received: NetworkEvent[] = [];
	/** Requests that failed (`Network.loadingFailed`), from every target, with the reason. */
	readonly failed: { at: number; url?: string; error: string; targetType: string }[] = [];
	readonly #from = new Map<string, NetworkEvent['from']>();
	readonly #inflight = new Map<string, string>();
	#lastActivity = performance.now();

	private constructor(proc: ChildProcess, ws: WebSocket, setup: TargetSetup) {
		this.#proc = proc;
		this.#ws = ws;
		this.setup = setup;
		ws.on('message', (data) => this.#onMessage(JSON.parse(String(data)) as Message));
		this.on('Target.attachedToTarget', (p, parent) => void this.#attached(p, parent));
		this.on('Target.detachedFromTarget', (p) => this.#types.delete(String(p.sessionId)));
		const count = (kind: 'finished' | 'received', p: Record<string, unknown>, s: string) => {
			this[kind].push({
				at: performance.now(),
				sessionId: s,
				targetType: this.#types.get(s) ?? '?',
				requestId: String(p.requestId),
				url: this.#inflight.get(String(p.requestId)),
				bytes: Number(p.encodedDataLength ?? 0),
				from: this.#from.get(String(p.requestId)) ?? 'network'
			});
		};
		this.on('Network.requestWillBeSent', (p) => {
			const req = p.request as { url: string };
			this.#inflight.set(String(p.requestId), req.url);
			this.#lastActivity = performance.now();
		});
		this.on('Network.responseReceived', (p) => {
			const r = p.response as { fromServiceWorker?: boolean; fromDiskCache?: boolean };
			const from = r.fromServiceWorker ? 'service-worker' : r.fromDiskCache ? 'cache' : 'network';
			this.#from.set(String(p.requestId), from);
		});
		this.on('Network.dataReceived', (p, s) => {
			count('received', p, s);
			this.#lastActivity = performance.now();
		});
		this.on('Network.loadingFinished', (p, s) => {
			count('finished', p, s);
			this.#inflight.delete(String(p.requestId));
			this.#lastActivity = performance.now();
		});
		this.on('Network.loadingFailed', (p, s) => {
			this.failed.push({
				at: performance.now(),
				url: this.#inflight.get(String(p.requestId)),
				error: String(p.errorText ?? ''),
				targetType: this.#types.get(s) ?? '?'
			});
			this.#inflight.delete(String(p.requestId));
			this.#lastActivity = performance.now();
		});
	}

	static async launch(options: {
		userDataDir: string;
		args?: string[];
		setup: TargetSetup;
	}): Promise<Chromium> {
		const proc = spawn(
			CHROMIUM_PATH,
			[
				...CHROMIUM_ARGS,
				'--headless',
				'--remote-debugging-port=0',
				`--user-data-dir=${options.userDataDir}`,
				...(options.args ?? []),
				'about:blank'
			],
			{ stdio: ['ignore', 'ignore', 'pipe'] }
		);
		const endpoint = await new Promise<string>((ok, fail) => {
			let err = '';
			const timer = setTimeout(() => fail(new Error(`Chromium did not start: ${err}`)), 30_000);
			proc.stderr!.on('data', (d: Buffer) => {
				err += String(d);
				const m = /DevTools listening on (ws:\S+)/.exec(err);
				if (m) {
					clearTimeout(timer);
					ok(m[1]!);
				}
			});
			proc.on('exit', (code) => fail(new Error(`Chromium exited (${code}): ${err}`)));
		});
		// Chromium keeps writing to stderr; an unread pipe would eventually block it.
		proc.stderr!.resume();
		const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 512 * 1024 ** 2 });
		await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
		const browser = new Chromium(proc, ws, options.setup);
		await browser.send('Target.setAutoAttach', {
			autoAttach: true,
			waitForDebuggerOnStart: true,
			flatten: true
		});
		return browser;
	}

	send(
		method: string,
		params: Record<string, unknown> = {},
		sessionId?: string
	): Promise<Record<string, unknown>> {
		const id = this.#nextId++;
		this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
		return new Promise((ok, fail) => this.#pending.set(id, { ok: (r) => ok(r ?? {}), fail }));
	}

	on(method: string, listener: Listener): () => void {
		let set = this.#listeners.get(method);
		if (!set) this.#listeners.set(method, (set = new Set()));
		set.add(listener);
		return () => set.delete(listener);
	}

	/** A new tab, attached, throttled and instrumented before anything runs in it. */
	async newPage(): Promise<Page> {
		const attached = new Promise<string>((ok) => {
			const off = this.on('Target.attachedToTarget', (p) => {
				const info = p.targetInfo as { type: string; url: string };
				if (info.type === 'page' && info.url === 'about:blank') {
					off();
					ok(String(p.sessionId));
				}
			});
		});
		await this.send('Target.createTarget', { url: 'about:blank' });
		const sessionId = await attached;
		await this.#ready.get(sessionId);
		return new Page(this, sessionId);
	}

	/** Milliseconds since the last request started or finished, and what is still loading. */
	networkQuiet(): { quietMs: number; inflight: string[] } {
		return {
			quietMs: this.#inflight.size ? 0 : performance.now() - this.#lastActivity,
			inflight: [...this.#inflight.values()]
		};
	}

	/** Applies `setup` again to every attached target (the emulation and the cache switch). */
	async reapply(): Promise<void> {
		await Promise.all([...this.#types.keys()].map((s) => this.#configure(s).catch(() => {})));
	}

	async close(): Promise<void> {
		const exited = new Promise((ok) => this.#proc.once('exit', ok));
		await Promise.race([this.send('Browser.close'), new Promise((ok) => setTimeout(ok, 5000))]);
		const killed = setTimeout(() => this.#proc.kill('SIGKILL'), 10_000);
		await exited;
		clearTimeout(killed);
		this.#ws.terminate();
	}

	readonly #ready = new Map<string, Promise<void>>();

	async #attached(p: Record<string, unknown>, _parent: string): Promise<void> {
		const sessionId = String(p.sessionId);
		const info = p.targetInfo as { type: string };
		this.#types.set(sessionId, info.type);
		let done!: () => void;
		this.#ready.set(sessionId, new Promise((ok) => (done = ok)));
		try {
			if (['page', 'iframe', 'worker', 'shared_worker', 'service_worker'].includes(info.type)) {
				// A service worker paused at its start does not answer some Network commands until it
				// runs, so it is configured without waiting (its fetches are throttled from then on).
				if (info.type === 'service_worker') void this.#configure(sessionId).catch(() => {});
				else await this.#configure(sessionId);
				if (info.type === 'page' || info.type === 'iframe') {
					await this.send('Page.enable', {}, sessionId);
					await this.send(
						'Page.addScriptToEvaluateOnNewDocument',
						{ source: this.setup.initScript },
						sessionId
					);
				}
				// Workers start workers of their own (threaded WASM): those are throttled too.
				await this.send(
					'Target.setAutoAttach',
					{ autoAttach: true, waitForDebuggerOnStart: true, flatten: true },
					sessionId
				);
			}
		} catch {
			// A target that vanished while being set up has nothing left to measure.
		} finally {
			if (p.waitingForDebugger)
				await this.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => {});
			done();
		}
	}

	async #configure(sessionId: string): Promise<void> {
		await this.send('Network.enable', {}, sessionId);
		await this.send(
			'Network.setCacheDisabled',
			{ cacheDisabled: this.setup.cacheDisabled },
			sessionId
		);
		const n = this.setup.network;
		await this.send(
			'Network.emulateNetworkConditions',
			n
				? { offline: this.setup.offline ?? false, ...n }
				: {
						offline: this.setup.offline ?? false,
						latency: 0,
						downloadThroughput: -1,
						uploadThroughput: -1
					},
			sessionId
		);
	}

	#onMessage(m: Message): void {
		if (m.id !== undefined) {
			const p = this.#pending.get(m.id);
			this.#pending.delete(m.id);
			if (m.error) p?.fail(new Error(m.error.message));
			else p?.ok(m.result);
			return;
		}
		for (const l of this.#listeners.get(m.method ?? '') ?? []) l(m.params ?? {}, m.sessionId ?? '');
	}
}

export class Page {
	constructor(
		readonly browser: Chromium,
		readonly sessionId: string
	) {}

	send(method: string, params: Record<string, unknown> = {}) {
		return this.browser.send(method, params, this.sessionId);
	}

	async goto(url: string): Promise<void> {
		const loaded = new Promise<void>((ok) => {
			const off = this.browser.on('Page.loadEventFired', (_p, s) => {
				if (s === this.sessionId) {
					off();
					ok();
				}
			});
		});
		const r = await this.send('Page.navigate', { url });
		if (r.errorText) throw new Error(`navigation to ${url} failed: ${String(r.errorText)}`);
		await loaded;
	}

	/** Evaluates an expression (awaiting a promise) and returns its JSON value. */
	async evaluate<T>(expression: string): Promise<T> {
		const r = await this.send('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true
		});
		if (r.exceptionDetails) {
			const d = r.exceptionDetails as { text: string; exception?: { description?: string } };
			throw new Error(`${d.text} ${d.exception?.description ?? ''}`);
		}
		return (r.result as { value: T }).value;
	}

	/** Polls `expression` until it is truthy; returns its value. */
	async waitFor<T>(expression: string, timeoutMs: number, what: string): Promise<T> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			const v = await this.evaluate<T>(expression);
			if (v) return v;
			if (performance.now() > until) throw new TimeoutError(what);
			await sleep(50);
		}
	}

	/** A real mouse click in the middle of the element, as a visitor's would be. */
	async click(selector: string): Promise<void> {
		const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
			const el = document.querySelector(${JSON.stringify(selector)});
			if (!el) return null;
			el.scrollIntoView({ block: 'center' });
			const r = el.getBoundingClientRect();
			return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
		})()`);
		if (!box) throw new Error(`nothing matches ${selector}`);
		for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased'])
			await this.send('Input.dispatchMouseEvent', {
				type,
				...box,
				button: 'left',
				clickCount: type === 'mouseMoved' ? 0 : 1
			});
	}
}

export class TimeoutError extends Error {
	constructor(readonly what: string) {
		super(`timed out: ${what}`);
	}
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
