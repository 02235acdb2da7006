/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
import { base, build, files, version } from '$service-worker';
import {
	MODEL_CACHE,
	OFFLINE_FILES,
	SHELL_CACHE_PREFIX,
	fetchedByLibrary,
	immutable,
	shellCacheName,
	tierOf,
	type FromWorker,
	type KeepVoiceReply,
	type OfflineFiles,
	type ToWorker
} from '$lib/offline/kit';
import { precacheInto, putKept } from '$lib/offline/precache';
import { isQuotaError } from '$lib/storage/quota';

// Baton's service worker: the app starts, and takes calls, with no network. It keeps this build's
// shell (pages, scripts, styles) in a cache of its own version, fetched whole on install, so the
// version that runs never lacks a file the server has since replaced. Responses are stored as the
// server sent them, headers included: the cross-origin isolation headers (threaded WASM) and the
// Content-Security-Policy hold for a page served from the cache as for one from the network. A new
// version waits until the page says no call is in progress (see offline.svelte.ts); only then is
// the old version's cache deleted.

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = shellCacheName(version);
/** The page itself: every route is the same index.html (a single-page app). */
const PAGE = `${base}/`;

const local = (path: string) => path.slice(base.length) || '/';
/** Static files of the shell tier; dotfiles (build stamps) are not served. */
const shellStatic = files.filter((f) => tierOf(local(f)) === 'shell' && !/\/\./.test(f));
const known = new Set([...build, ...files]);
const IMMUTABLE = `${base}/_app/immutable/`;

/**
 * This version's shell: the page, SvelteKit's list, the shell's static files, and the web
 * workers' bundles, which SvelteKit's list leaves out (the build writes them to offline.json). The
 * language model's worker is left to be kept when first used: it is large, and most devices
 * never run it.
 */
async function shellFiles(): Promise<string[]> {
	const response = await fetch(`${base}/${OFFLINE_FILES}`, { cache: 'no-cache' });
	if (!response.ok) throw new Error(`${OFFLINE_FILES} answered ${response.status}`);
	const list = (await response.json()) as OfflineFiles;
	const workers = list.immutable
		.map((p) => `${base}${p}`)
		.filter((p) => !/\/llm\.worker-[^/]+\.js$/.test(p));
	return [...new Set([PAGE, ...build, ...shellStatic, ...workers])];
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		precache().catch(async (e: Error & { code?: string }) => {
			// The pages say why the app is not kept (a full disk is worth telling apart).
			const message: FromWorker = {
				type: 'install-failed',
				code: e.code === 'storage_full' ? 'storage_full' : 'failed',
				message: e.message
			};
			for (const client of await sw.clients.matchAll({ includeUncontrolled: true }))
				client.postMessage(message);
			throw e;
		})
	);
});

async function precache(): Promise<void> {
	const older = (await caches.keys()).filter(
		(k) => k.startsWith(SHELL_CACHE_PREFIX) && k !== SHELL
	);
	// A hashed file an older version already holds is the same file: copied, not downloaded. Out of
	// storage, the new version's partial copy is deleted and the running version keeps its files.
	await precacheInto({
		caches,
		name: SHELL,
		older,
		files: await shellFiles(),
		reusable: (path) => immutable(local(path)),
		// Hashed files may come from the HTTP cache; anything else is revalidated with the server.
		fetch: (path) =>
			fetch(new Request(path, { cache: immutable(local(path)) ? 'default' : 'no-cache' }))
	});
}

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			// Only now, with no page left on the old version, do its files go.
			for (const name of await caches.keys())
				if (name.startsWith(SHELL_CACHE_PREFIX) && name !== SHELL) await caches.delete(name);
		})()
	);
});

sw.addEventListener('message', (event) => {
	const message = event.data as ToWorker;
	if (message?.type === 'skip-waiting') void sw.skipWaiting();
	if (message?.type === 'keep-voice') {
		const port = event.ports[0];
		event.waitUntil(
			keepVoice().then(
				(kept) => port?.postMessage({ ok: true, kept } satisfies KeepVoiceReply),
				(e: Error) =>
					port?.postMessage({
						ok: false,
						error: e.message,
						...(isQuotaError(e) ? { code: 'storage_full' as const } : {})
					} satisfies KeepVoiceReply)
			)
		);
	}
});

/** Fetches this version's phrase clips and hold music that are not kept yet; returns how many. */
async function keepVoice(): Promise<number> {
	const cache = await caches.open(SHELL);
	let kept = 0;
	for (const path of files.filter((f) => tierOf(local(f)) === 'voice')) {
		if (await cache.match(path)) continue;
		const response = await fetch(path);
		if (!response.ok) throw new Error(`${path} answered ${response.status}`);
		await cache.put(path, response);
		kept++;
	}
	return kept;
}

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || !url.pathname.startsWith(base)) return;
	if (request.mode === 'navigate') {
		event.respondWith(page(request));
		return;
	}
	const path = local(url.pathname);
	const tier = tierOf(path);
	if (tier === 'model') {
		event.respondWith(model(request, path));
		return;
	}
	if (tier === 'optional' || !(known.has(url.pathname) || url.pathname.startsWith(IMMUTABLE)))
		return;
	event.respondWith(shell(request, url.pathname));
});

/**
 * Pages come from this version's cache, so the page and its scripts are always of one version, on
 * or off line; the network serves only when the cache has nothing (a failed install).
 */
async function page(request: Request): Promise<Response> {
	const cache = await caches.open(SHELL);
	const cached = await cache.match(PAGE);
	if (cached) return cached;
	return fetch(request);
}

/** Shell and voice files: from this version's cache; what is not there yet is kept once fetched. */
async function shell(request: Request, path: string): Promise<Response> {
	const cache = await caches.open(SHELL);
	// Phrase clips and hold music are asked for with a Range header by media elements; the whole
	// file answers (a 200 is a valid answer to a range request).
	const cached = await cache.match(path);
	if (cached) return cached;
	const response = await fetch(request);
	// Out of storage, the page still gets the file; only its offline copy is missing.
	if (response.ok && response.status === 200)
		await putKept(cache, path, response.clone()).catch(notKept(path));
	return response;
}

/**
 * Models and runtimes: from the page's model cache, keyed by the exact address (ONNX Runtime's
 * carries its version), so a file is downloaded once whoever asks first. The page's model loader
 * stores what it downloads itself; what a library fetches on its own is stored here.
 */
async function model(request: Request, path: string): Promise<Response> {
	const cache = await caches.open(MODEL_CACHE);
	const cached = await cache.match(request.url);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok && response.status === 200 && fetchedByLibrary(path)) {
		// Out of storage: this call still has the file; only the offline copy is missing.
		await putKept(cache, request.url, response.clone()).catch(notKept(path));
	}
	return response;
}

/** A copy that could not be written for a reason other than space: the page has its file anyway. */
const notKept = (path: string) => (e: unknown) =>
	console.warn(`baton service worker: ${path} not kept for offline use`, e);
