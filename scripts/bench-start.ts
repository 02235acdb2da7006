// npm run bench:start: a website visitor's first minute on the built app, as the visitor lives it,
// over a 20 Mbit/s, 40 ms line (emulated for the page and for every worker it starts): what the
// page costs to look at, how long Call takes to say something and to understand speech on a first
// and on a returning visit, and how fast an answer follows the end of the caller's sentence. Sound
// is detected by hooking Web Audio and media playback, not by reading the app's markup.
import { ensureBuild } from './app-build';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeMicArgs } from '../e2e/chromium';
import { encodeWav, parseWav } from '../src/lib/audio/wav';
import { percentile } from '../src/lib/agents/metrics';
import type { TurnTiming } from '../src/lib/voice/voice-agent.svelte';
import { writeConversation } from '../src/lib/testing/speech';
import { Chromium, Page, TimeoutError, sleep, type TargetSetup } from './bench-start-cdp';
import {
	bytesBetween,
	megabytes,
	replyLatencies,
	soundRuns,
	speechSegments,
	sumBetween
} from './bench-start-logic';
import { PROBE_SCRIPT, type Probe } from './bench-start-probe';
// @ts-expect-error: the production server is plain JavaScript.
import { startServer } from '../server/index.js';

const MEASUREMENT_TIMEOUT_MS = Number(process.env.BENCH_START_TIMEOUT_MS ?? 120_000);
const IDLE_MS = 2000;
const PAGE_VIEW_BUDGET = 2e6;
const LINE = { latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 20e6 / 8 };
const CALL = '[data-testid=call-button]';
const END_CALL = '.callbar button.danger';
const TEXT_ONLY = '[data-testid=text-only]';
// The caller: a greeting's worth of silence, then short sentences (no inner pauses the end-of-turn
// detector could split on) with room for each answer: a transfer's introduction runs near 20 s, and
// the app cancels an answer the caller talks over, which would hide its latency.
const CALLER = [
	10,
	'I have a question about a charge on my bill.',
	24,
	'Why was I charged twice?',
	13,
	'When is my bill due?',
	13,
	'How much do I owe right now?',
	13,
	'What is my balance?',
	10
];

const cleanups: (() => Promise<unknown>)[] = [];
const browsers = new Set<Chromium>();
const figures: Record<string, unknown> = {};
const say = (line: string) => console.log(line);

async function cleanUp(): Promise<void> {
	for (const b of [...browsers]) await closeBrowser(b).catch(() => {});
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
}

/** Runs one measurement, bounded: a timeout names the measurement and ends the run. */
async function measure<T>(
	what: string,
	run: () => Promise<T>,
	timeoutMs = MEASUREMENT_TIMEOUT_MS
): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, fail) => {
		timer = setTimeout(() => fail(new TimeoutError(what)), timeoutMs);
	});
	try {
		return await Promise.race([run(), timeout]);
	} catch (e) {
		const why = !(e instanceof TimeoutError)
			? `failed: ${(e as Error).message}`
			: e.what === what
				? `timed out after ${Math.round(timeoutMs / 1000)} s`
				: `timed out waiting for ${e.what}`;
		console.error(`bench:start: ${what} ${why}`);
		await cleanUp();
		process.exit(1);
	} finally {
		clearTimeout(timer);
	}
}

async function freePort(preferred: number): Promise<number> {
	const tryPort = (port: number) =>
		new Promise<number | null>((ok) => {
			const s = createServer();
			s.once('error', () => ok(null));
			s.listen(port, '127.0.0.1', () => {
				const p = (s.address() as AddressInfo).port;
				s.close(() => ok(p));
			});
		});
	return (await tryPort(preferred)) ?? (await tryPort(0))!;
}

async function launch(
	profile: string,
	setup: Omit<TargetSetup, 'initScript'>,
	args: string[] = []
) {
	const browser = await Chromium.launch({
		userDataDir: profile,
		args,
		setup: { ...setup, initScript: PROBE_SCRIPT }
	});
	browsers.add(browser);
	return browser;
}

async function closeBrowser(browser: Chromium): Promise<void> {
	browsers.delete(browser);
	await browser.close();
}

const probe = (page: Page) => page.evaluate<Probe>('window.__benchProbe');

/** Node's clock minus the page's, from the middle of a round trip. */
async function clockOffset(page: Page): Promise<number> {
	const before = performance.now();
	const pageNow = await page.evaluate<number>('performance.now()');
	return (before + performance.now()) / 2 - pageNow;
}

async function waitForQuiet(browser: Chromium, from: number): Promise<number> {
	for (;;) {
		const { quietMs } = browser.networkQuiet();
		if (quietMs >= IDLE_MS) return performance.now() - quietMs - from;
		await sleep(100);
	}
}

/** The app's recognition flag when it has one, otherwise the microphone saying "listening". */
const STT_READY = `(() => {
	const p = window.__benchProbe;
	const s = document.documentElement.dataset.stt;
	if (s === 'failed') throw new Error('speech recognition failed to load');
	return s !== undefined ? (p.stt.ready ?? 0) : p.micListening ?? 0;
})()`;

async function openApp(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await page.waitFor(`!!document.querySelector('${CALL}')`, 30_000, 'the Call button');
	// A visitor who ticked "Text only" once would never hear anything.
	if (await page.evaluate<boolean>(`!!document.querySelector('${TEXT_ONLY}')?.checked`))
		await page.click(TEXT_ONLY);
}

type Visit = {
	callToAudioMs: number;
	bytesCallToAudio: number;
	bytesCallToAudioReceived: number;
	callToSttReadyMs: number;
	sttReadyBeforeCall: boolean;
	sttSignal: 'data-stt' | 'mic listening';
};

/** Opens the page, clicks Call as soon as it is there, and times the first sound and recognition. */
async function visit(browser: Chromium, url: string, page?: Page): Promise<Visit> {
	page ??= await browser.newPage();
	await openApp(page, url);
	const offset = await clockOffset(page);
	const clickedAt = performance.now();
	await page.click(CALL);
	const click = await page.waitFor<number>(
		'window.__benchProbe.callClicks[0]',
		10_000,
		'the Call click'
	);
	const heard = await page.waitFor<number>(
		`(() => {
			const a = window.__benchProbe.audio.filter((e) => e.at >= ${click}).map((e) => e.at);
			const first = a.length ? Math.min(...a) : 0;
			return first && performance.now() >= first ? first : 0;
		})()`,
		MEASUREMENT_TIMEOUT_MS,
		'the first agent audio after Call'
	);
	const audioAt = heard + offset;
	const ready = await page.waitFor<number>(
		STT_READY,
		MEASUREMENT_TIMEOUT_MS,
		'speech recognition ready'
	);
	const hasFlag = await page.evaluate<boolean>(
		'document.documentElement.dataset.stt !== undefined'
	);
	return {
		callToAudioMs: Math.round(heard - click),
		bytesCallToAudio: bytesBetween(browser.finished, clickedAt, audioAt),
		bytesCallToAudioReceived: sumBetween(browser.received, clickedAt, audioAt),
		callToSttReadyMs: Math.max(0, Math.round(ready - click)),
		sttReadyBeforeCall: ready < click,
		sttSignal: hasFlag ? 'data-stt' : 'mic listening'
	};
}

function printVisit(name: string, v: Visit): void {
	const signal =
		v.sttSignal === 'data-stt'
			? ''
			: '   (no data-stt on the page yet: timed by [data-testid=mic] data-mic="listening")';
	say(`  ${name}: Call → first agent audio           ${v.callToAudioMs} ms`);
	say(
		`  ${name}: bytes from Call to that audio      ${megabytes(v.bytesCallToAudio)}   (dataReceived: ${megabytes(v.bytesCallToAudioReceived)})`
	);
	say(
		`  ${name}: Call → speech recognition ready    ${v.callToSttReadyMs} ms${v.sttReadyBeforeCall ? '   (ready before Call)' : ''}${signal}`
	);
}

/**
 * Ends the call and waits until the service worker is active and the voice is kept for offline
 * use (the page does both between calls); returns what that took from the network.
 */
async function keepForOffline(
	browser: Chromium,
	page: Page
): Promise<{ keptBytes: number; keptMs: number }> {
	const from = performance.now();
	await page.click(END_CALL);
	await page.waitFor<boolean>(
		`navigator.serviceWorker.getRegistration().then((r) => !!r?.active)`,
		MEASUREMENT_TIMEOUT_MS / 2,
		'the service worker to be active'
	);
	await page.click('[data-testid=offline-details] summary');
	await page
		.waitFor<boolean>(
			`!!document.querySelector('[data-testid=voice-kept]')`,
			MEASUREMENT_TIMEOUT_MS / 2,
			'the voice to be kept for offline use'
		)
		.catch(async (e: Error) => {
			const panel = await page.evaluate<string>(
				`document.querySelector('[data-testid=offline-details]')?.innerText ?? ''`
			);
			throw new Error(`${e.message}; the page says: ${panel.replace(/\s+/g, ' ')}`);
		});
	const quietAfter = await waitForQuiet(browser, from);
	return {
		keptBytes: bytesBetween(
			browser.finished.filter((e) => e.from === 'network'),
			from
		),
		keptMs: Math.max(0, Math.round(quietAfter))
	};
}

type OfflineVisit = {
	networkBytes: number;
	networkResponses: number;
	failed: string[];
	interactiveMs: number;
	callToAudioMs: number;
	callToSttReadyMs: number;
	isolated: boolean;
};

/**
 * An offline visit: the server is gone and the browser has no network. Times the page until it
 * is interactive, and Call → first agent audio and → speech recognition ready; counts what came
 * from the network (nothing should) and what tried to reach it (all of that fails).
 */
async function offlineVisit(browser: Chromium): Promise<OfflineVisit> {
	const page = await browser.newPage();
	const from = performance.now();
	await page.goto(url);
	await page.waitFor(
		`!!document.querySelector('${CALL}') && document.readyState === 'complete'`,
		30_000,
		'the Call button, offline'
	);
	const interactiveMs = await page.evaluate<number>(
		`performance.getEntriesByType('navigation')[0].domInteractive`
	);
	const isolated = await page.evaluate<boolean>('crossOriginIsolated');
	if (await page.evaluate<boolean>(`!!document.querySelector('${TEXT_ONLY}')?.checked`))
		await page.click(TEXT_ONLY);
	await page.click(CALL);
	const click = await page.waitFor<number>(
		'window.__benchProbe.callClicks[0]',
		10_000,
		'the Call click'
	);
	const refused = await page.evaluate<string | null>(
		`document.querySelector('[data-testid=offline-refusal]')?.textContent ?? null`
	);
	if (refused) throw new Error(`the offline call was refused: ${refused}`);
	const heard = await page.waitFor<number>(
		`(() => {
			const a = window.__benchProbe.audio.filter((e) => e.at >= ${click}).map((e) => e.at);
			const first = a.length ? Math.min(...a) : 0;
			return first && performance.now() >= first ? first : 0;
		})()`,
		MEASUREMENT_TIMEOUT_MS,
		'the first agent audio after Call, offline'
	);
	const ready = await page.waitFor<number>(
		STT_READY,
		MEASUREMENT_TIMEOUT_MS,
		'speech recognition ready, offline'
	);
	const network = browser.finished.filter((e) => e.at >= from && e.from === 'network');
	return {
		networkBytes: network.reduce((n, e) => n + e.bytes, 0),
		networkResponses: network.length,
		failed: browser.failed.filter((f) => f.at >= from).map((f) => `${f.url ?? '?'} (${f.error})`),
		interactiveMs: Math.round(interactiveMs),
		callToAudioMs: Math.round(heard - click),
		callToSttReadyMs: Math.max(0, Math.round(ready - click)),
		isolated
	};
}

// ---------------------------------------------------------------------------------------------

ensureBuild((line) => say(`bench:start: ${line}`));
const work = mkdtempSync(join(tmpdir(), 'baton-bench-start-'));
cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
const silence = join(work, 'silence.wav');
writeFileSync(silence, encodeWav(new Float32Array(48000 * 60), 48000));

const port = await freePort(4197);
const server = await startServer({ port, host: '127.0.0.1', root: 'build' });
const serverCleanup = () => server.close();
cleanups.push(serverCleanup);
const url = `http://127.0.0.1:${port}/`;
say(`bench:start: built app on ${url}, line emulated at 20 Mbit/s down and up, 40 ms latency`);

// The emulation must reach workers, where the models download: a 10 MB fetch from a worker takes
// at least 4 s at 20 Mbit/s.
await measure('throttle check (10 MB fetched from a worker)', async () => {
	const big = Buffer.alloc(10e6);
	const check: Server = createServer((req, res) => {
		if (req.url?.startsWith('/big')) return res.end(big);
		if (req.url === '/w.js') {
			res.setHeader('content-type', 'text/javascript');
			return res.end(
				"onmessage = async () => { const t = performance.now(); await (await fetch('/big')).arrayBuffer(); postMessage(performance.now() - t); };"
			);
		}
		res.setHeader('content-type', 'text/html');
		res.end('<!doctype html><title>check</title>');
	});
	await new Promise<void>((ok) => check.listen(0, '127.0.0.1', ok));
	cleanups.push(() => new Promise((ok) => check.close(ok)));
	const browser = await launch(mkdtempSync(join(work, 'check-')), {
		network: LINE,
		cacheDisabled: true
	});
	const page = await browser.newPage();
	await page.goto(`http://127.0.0.1:${(check.address() as AddressInfo).port}/`);
	const ms = await page.evaluate<number>(
		"new Promise((ok) => { const w = new Worker('/w.js'); w.onmessage = (e) => ok(e.data); w.postMessage(0); })"
	);
	await closeBrowser(browser);
	say(
		`  throttle check: 10 MB fetched from a worker in ${(ms / 1000).toFixed(1)} s (≥ 4 s expected)`
	);
	figures.throttleCheckWorker10MBms = Math.round(ms);
	if (ms < 4000) throw new Error('network emulation does not reach workers');
});

// 1. Page view: a fresh visitor who only looks.
await measure('page view (network idle)', async () => {
	const browser = await launch(mkdtempSync(join(work, 'view-')), {
		network: LINE,
		cacheDisabled: false
	});
	const page = await browser.newPage();
	const from = performance.now();
	await page.goto(url);
	const idleAfter = await waitForQuiet(browser, from);
	const bytes = bytesBetween(browser.finished, from);
	const received = sumBetween(browser.received, from);
	const env = await page.evaluate<{ isolated: boolean; webgpu: boolean }>(`(async () => ({
		isolated: crossOriginIsolated,
		webgpu: !!navigator.gpu &&
			!!(await Promise.race([navigator.gpu.requestAdapter().catch(() => null), new Promise((ok) => setTimeout(() => ok(null), 5000))]))
	}))()`);
	const workers = browser.finished
		.filter((e) => e.at >= from && e.targetType !== 'page')
		.reduce((n, e) => n + e.bytes, 0);
	const largest = [...browser.finished]
		.filter((e) => e.at >= from)
		.sort((a, b) => b.bytes - a.bytes)
		.slice(0, 3)
		.map((e) => `${new URL(e.url ?? url).pathname.split('/').pop()} ${megabytes(e.bytes)}`);
	await closeBrowser(browser);
	say(`  crossOriginIsolated: ${env.isolated}   WebGPU adapter: ${env.webgpu ? 'found' : 'none'}`);
	say(
		`  page view: bytes until network idle     ${megabytes(bytes)}   (budget ≤ ${megabytes(PAGE_VIEW_BUDGET)}: ${bytes <= PAGE_VIEW_BUDGET ? 'within' : 'OVER'}; from workers ${megabytes(workers)}; dataReceived ${megabytes(received)}; last request done ${(idleAfter / 1000).toFixed(1)} s after navigation; largest: ${largest.join(', ')})`
	);
	Object.assign(figures, {
		crossOriginIsolated: env.isolated,
		webgpu: env.webgpu,
		pageViewBytes: bytes,
		pageViewBytesReceived: received,
		pageViewWorkerBytes: workers,
		pageViewLastRequestMs: Math.round(idleAfter),
		pageViewWithinBudget: bytes <= PAGE_VIEW_BUDGET
	});
});

// 2. First visit, then 3. the same visitor coming back (same profile, browser restarted).
const profile = mkdtempSync(join(work, 'visitor-'));
const firstBrowser = await launch(
	profile,
	{ network: LINE, cacheDisabled: true },
	fakeMicArgs(silence)
);
const firstPage = await firstBrowser.newPage();
const firstVisit = await measure('first visit', async () => {
	const v = await visit(firstBrowser, url, firstPage);
	// The visit is over once what it downloaded is stored, as a visitor staying a minute would.
	await waitForQuiet(firstBrowser, performance.now());
	return v;
});
// The visitor hangs up: between calls the app keeps itself and the voice for offline use.
const kept = await measure('keeping the app and the voice for offline use', () =>
	keepForOffline(firstBrowser, firstPage)
);
await closeBrowser(firstBrowser);
const first = { ...firstVisit, ...kept };
printVisit('first visit', first);
say(
	`  first visit: after the call, kept for offline use   ${megabytes(first.keptBytes)} more from the network in ${(first.keptMs / 1000).toFixed(1)} s (the app's files and the voice files the call did not load)`
);
const again = await measure('returning visit', async () => {
	const browser = await launch(
		profile,
		{ network: LINE, cacheDisabled: false },
		fakeMicArgs(silence)
	);
	const v = await visit(browser, url);
	await closeBrowser(browser);
	return v;
});
printVisit('returning visit', again);
figures.firstVisit = first;
figures.returningVisit = again;

// 4. Turns: the returning visitor talks; end of their speech → first agent audio, per turn.
// The clip starts when the microphone opens; the caller waits out the greeting and, like a visitor
// who saw it take that long on the last call, for recognition to be ready.
CALLER[0] = Math.max(10, Math.ceil(again.callToSttReadyMs / 1000) + 3);
const caller = join(work, 'caller.wav');
writeConversation(caller, CALLER, { sampleRate: 48000 });
const callerAudio = parseWav(new Uint8Array(readFileSync(caller)));
const wavMs = (callerAudio.samples.length / callerAudio.sampleRate) * 1000;
const turns = await measure(
	'voice turns (end of speech → first agent audio)',
	async () => {
		const browser = await launch(
			profile,
			{ network: null, cacheDisabled: false },
			fakeMicArgs(caller)
		);
		const page = await browser.newPage();
		await openApp(page, url);
		await page.click(CALL);
		const opened = await page.waitFor<number>(
			'window.__benchProbe.micOpened',
			60_000,
			'the microphone opening'
		);
		// The file loops: stop within the silence that starts its second playing.
		await page.waitFor(
			`performance.now() > ${opened + wavMs + 4000}`,
			wavMs + 30_000,
			'the caller WAV to play through'
		);
		const p = await probe(page);
		// The app's own split of each answered turn (end of turn, conversation, voice).
		const stages = (await page.evaluate(
			`performance.getEntriesByName('baton:turn').map((m) => m.detail)`
		)) as TurnTiming[];
		// What the app heard and said, to read beside a turn that got no answer.
		const transcript = (await page.evaluate(
			`[...document.querySelectorAll('[data-testid=transcript] li')].map((li) => li.innerText.replace(/\\s+/g, ' '))`
		)) as string[];
		await closeBrowser(browser);
		const speech = speechSegments(p.micFrames).filter((s) => s.end < opened + wavMs);
		const replies = soundRuns(p.audio);
		const overlaps = speech.filter((s) =>
			replies.some((r) => s.start < r.end && s.end > r.start)
		).length;
		return {
			opened,
			speech,
			replies,
			latencies: replyLatencies(speech, replies),
			overlaps,
			transcript,
			stages,
			sttReadyAt: p.stt['ready'] ?? Infinity
		};
	},
	Math.max(MEASUREMENT_TIMEOUT_MS, wavMs + 60_000)
);
// A turn that ended before speech recognition was ready waited for it: a first-visit figure (see
// "Call → speech recognition ready"), reported apart from the turn latency of a warm call.
const early = turns.latencies.filter((l) => l.speechEnd < turns.sttReadyAt);
const answered = turns.latencies
	.filter((l) => l.speechEnd >= turns.sttReadyAt)
	.flatMap((l) => (l.ms === null ? [] : [l.ms]))
	.sort((a, b) => a - b);
const sentences = CALLER.filter((p) => typeof p === 'string').length;
say(
	`  voice turns: end of speech → first agent audio   median ${Math.round(percentile(answered, 0.5))} ms   p95 ${Math.round(percentile(answered, 0.95))} ms   (n=${answered.length} answered of ${turns.speech.length - early.length} caller turns detected after recognition was ready, ${sentences} said; ${turns.overlaps} talked over the agent; warm, unthrottled; ${(wavMs / 1000).toFixed(0)} s caller clip)`
);
if (early.length)
	say(
		`  voice turns spoken before recognition was ready (not counted above): ${early.map((l) => (l.ms === null ? 'no answer' : `${Math.round(l.ms)} ms`)).join(', ')}`
	);
if (turns.latencies.some((l) => l.ms === null)) {
	for (const line of turns.transcript) say(`    heard/said: ${line}`);
	// When, from the microphone opening, the caller spoke and the agent sounded (seconds).
	const at = (x: { start: number; end: number }) =>
		`${((x.start - turns.opened) / 1000).toFixed(1)}–${((x.end - turns.opened) / 1000).toFixed(1)}`;
	say(`    caller spoke: ${turns.speech.map(at).join(', ')}`);
	say(`    agent sounded: ${turns.replies.map(at).join(', ')}`);
}
say(
	`  voice turns: per turn (ms)                      ${turns.latencies.map((l) => (l.ms === null ? 'no answer' : Math.round(l.ms))).join(', ')}`
);
say(
	`  voice turns: the app's split (ms)                ${turns.stages.map((t) => `${t.endOfTurnMs}+${t.callMs}+${t.voiceMs}${t.by === 'complete' ? '' : ` (${t.by})`}`).join(', ')}   (end of turn and transcription + conversation + voice, ended on the words unless marked)`
);
figures.turns = {
	n: answered.length,
	heard: turns.speech.length,
	said: sentences,
	medianMs: Math.round(percentile(answered, 0.5)),
	p95Ms: Math.round(percentile(answered, 0.95)),
	samplesMs: answered.map(Math.round),
	stages: turns.stages,
	talkedOver: turns.overlaps
};

// 5. The same visitor with no network at all: the server is stopped and the browser is offline.
await server.close();
cleanups.splice(cleanups.indexOf(serverCleanup), 1);
const away = await measure('offline visit', async () => {
	const browser = await launch(
		profile,
		{ network: null, cacheDisabled: false, offline: true },
		fakeMicArgs(silence)
	);
	const v = await offlineVisit(browser);
	await closeBrowser(browser);
	return v;
});
say(`  offline visit: crossOriginIsolated ${away.isolated}`);
say(
	`  offline visit: bytes from the network          ${megabytes(away.networkBytes)}   (${away.networkResponses} responses from the network; ${away.failed.length} requests failed${away.failed.length ? `: ${away.failed.slice(0, 5).join(', ')}` : ''})`
);
say(`  offline visit: navigation → interactive       ${away.interactiveMs} ms`);
say(`  offline visit: Call → first agent audio       ${away.callToAudioMs} ms`);
say(`  offline visit: Call → speech recognition ready ${away.callToSttReadyMs} ms`);
figures.offlineVisit = away;

await cleanUp();
console.log(JSON.stringify(figures));
