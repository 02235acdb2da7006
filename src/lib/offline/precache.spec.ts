import { describe, expect, it } from 'vitest';
import { StorageFullError } from '../storage/quota';
import { precacheInto, putKept, STORAGE_FULL_INSTALL, type Caches } from './precache';

// The service worker's writes when the device runs out of storage: an install that does not fit
// removes what it wrote and says so, the running version's files stay, and a file fetched for the
// page still reaches it.

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/** Cache Storage in memory, holding at most `room` entries in all. */
class MemoryCaches implements Caches {
	readonly caches = new Map<string, Map<string, Response>>();
	constructor(readonly room = Infinity) {}
	get used() {
		return [...this.caches.values()].reduce((n, c) => n + c.size, 0);
	}
	async open(name: string) {
		const entries = this.caches.get(name) ?? new Map<string, Response>();
		this.caches.set(name, entries);
		return {
			match: async (key: RequestInfo | URL) => entries.get(String(key))?.clone(),
			put: async (key: RequestInfo | URL, response: Response) => {
				if (!entries.has(String(key)) && this.used >= this.room) throw quota();
				entries.set(String(key), response);
			}
		} as unknown as Pick<Cache, 'match' | 'put'>;
	}
	async delete(name: string) {
		return this.caches.delete(name);
	}
}

const files = ['/', '/_app/immutable/a.js', '/_app/immutable/b.js', '/app.css'];
const reusable = (p: string) => p.startsWith('/_app/immutable/');

describe('precacheInto', () => {
	it('keeps every file, copying from the older version what cannot have changed', async () => {
		const caches = new MemoryCaches();
		await (await caches.open('v1')).put('/_app/immutable/a.js', new Response('a'));
		const fetched: string[] = [];
		await precacheInto({
			caches,
			name: 'v2',
			older: ['v1'],
			files,
			reusable,
			fetch: async (p) => (fetched.push(p), new Response(`body of ${p}`))
		});
		expect([...caches.caches.get('v2')!.keys()].sort()).toEqual([...files].sort());
		expect(fetched.sort()).toEqual(['/', '/_app/immutable/b.js', '/app.css']);
	});

	it('with storage full, removes the new version’s partial copy, keeps the running one, and says so', async () => {
		const caches = new MemoryCaches(4);
		const running = await caches.open('v1');
		await running.put('/', new Response('old page'));
		await running.put('/_app/immutable/old.js', new Response('old'));
		const failure = precacheInto({
			caches,
			name: 'v2',
			older: ['v1'],
			files,
			reusable,
			fetch: async (p) => new Response(p)
		});
		await expect(failure).rejects.toBeInstanceOf(StorageFullError);
		await expect(failure).rejects.toMatchObject({ code: 'storage_full', retryable: true });
		await expect(failure).rejects.toThrow(STORAGE_FULL_INSTALL);
		expect(caches.caches.has('v2')).toBe(false);
		expect(await (await running.match('/'))!.text()).toBe('old page');
		expect(caches.used).toBe(2);
	});

	it('a file the server cannot give fails the install as before, not as a full disk', async () => {
		const caches = new MemoryCaches();
		await expect(
			precacheInto({
				caches,
				name: 'v2',
				older: [],
				files,
				reusable,
				fetch: async (p) => new Response('', { status: p === '/app.css' ? 404 : 200 })
			})
		).rejects.toThrow('/app.css answered 404');
	});
});

describe('putKept', () => {
	it('with storage full, answers false and leaves the response whole for the page', async () => {
		const caches = new MemoryCaches(0);
		const response = new Response('phrase clip');
		expect(await putKept(await caches.open('v1'), '/phrases/x.wav', response.clone())).toBe(false);
		expect(await response.text()).toBe('phrase clip');
	});

	it('any other failure is not hidden', async () => {
		const broken = { put: async () => Promise.reject(new TypeError('Request method is POST')) };
		await expect(putKept(broken, '/x', new Response('x'))).rejects.toThrow(
			'Request method is POST'
		);
	});
});
