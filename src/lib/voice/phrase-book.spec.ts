import { describe, expect, it } from 'vitest';
import { encodeWav } from '../audio/wav';
import { PhraseBook, phraseKey, type PhraseManifest } from './phrase-book';

const BASE = 'https://app.example/phrases/';

/** A phrase folder served from memory: the manifest and one clip, with a count of requests. */
function server(clips: Record<string, Uint8Array>, manifest: PhraseManifest | null) {
	const asked: string[] = [];
	const fetchFn = (async (input: RequestInfo | URL) => {
		const url = String(input);
		asked.push(url.slice(BASE.length));
		if (url.endsWith('manifest.json'))
			return manifest ? Response.json(manifest) : new Response('', { status: 404 });
		const clip = clips[url.slice(BASE.length)];
		return clip ? new Response(clip as Uint8Array<ArrayBuffer>) : new Response('', { status: 404 });
	}) as typeof fetch;
	return { fetchFn, asked };
}

describe('phrase book', () => {
	it('keys a sentence by its voice and exact words', async () => {
		const a = await phraseKey('en-us+f3', 'Thanks for calling.');
		expect(a).toMatch(/^[0-9a-f]{16}$/);
		expect(await phraseKey('en-us+f3', ' Thanks for calling. ')).toBe(a);
		expect(await phraseKey('en-us+m3', 'Thanks for calling.')).not.toBe(a);
		expect(await phraseKey('en-us+f3', 'Thanks for calling!')).not.toBe(a);
	});

	it('plays a pre-rendered sentence, fetched once, and has nothing for other sentences', async () => {
		const key = await phraseKey('en-us+f3', 'Thanks for calling.');
		const wav = encodeWav(new Float32Array([0, 0.5, -0.5, 0.25]), 22050);
		const { fetchFn, asked } = server(
			{ [`${key}.wav`]: wav },
			{ v: 1, phrases: { [key]: `${key}.wav` } }
		);
		const book = new PhraseBook(BASE, fetchFn);
		const clip = await book.get('en-us+f3', 'Thanks for calling.');
		expect(clip?.sampleRate).toBe(22050);
		expect(clip?.samples.length).toBe(4);
		await book.get('en-us+f3', 'Thanks for calling.');
		expect(await book.get('en-us+f3', 'Something else entirely.')).toBeNull();
		expect(await book.get('en-us+m3', 'Thanks for calling.')).toBeNull();
		expect(asked.filter((a) => a.endsWith('.wav'))).toEqual([`${key}.wav`]);
		expect(asked.filter((a) => a === 'manifest.json')).toHaveLength(1);
	});

	it('gives back a clip already played, for recognition to warm up on', async () => {
		const key = await phraseKey('en-us+f3', 'Thanks for calling.');
		const wav = encodeWav(new Float32Array([0, 0.5, -0.5, 0.25]), 22050);
		const { fetchFn } = server({ [`${key}.wav`]: wav }, { v: 1, phrases: { [key]: `${key}.wav` } });
		const book = new PhraseBook(BASE, fetchFn);
		expect(await book.played()).toBeNull();
		await book.get('en-us+f3', 'Not a clip.');
		expect(await book.played()).toBeNull();
		await book.get('en-us+f3', 'Thanks for calling.');
		expect((await book.played())?.samples.length).toBe(4);
	});

	it('warms every clip into the HTTP cache, one after another, and survives a failed one', async () => {
		const key = await phraseKey('en-us', 'Hello there.');
		const { fetchFn, asked } = server({}, { v: 1, phrases: { [key]: `${key}.wav`, x: 'x.wav' } });
		await new PhraseBook(BASE, fetchFn).warm();
		expect(asked).toEqual(['manifest.json', `${key}.wav`, 'x.wav']);
	});

	it('fetches no clip while the call is busy, and each once it is quiet again', async () => {
		const { fetchFn, asked } = server({}, { v: 1, phrases: { a: 'a.wav', b: 'b.wav' } });
		const gate = () => {
			let resolve = () => {};
			const promise = new Promise<void>((r) => (resolve = r));
			return { promise, resolve };
		};
		let open = gate();
		const gates: number[] = [];
		const warming = new PhraseBook(BASE, fetchFn).warm(() => {
			gates.push(asked.length);
			return open.promise;
		});
		await new Promise((r) => setTimeout(r, 10));
		expect(asked).toEqual(['manifest.json']);
		open.resolve();
		open = gate();
		await new Promise((r) => setTimeout(r, 10));
		// One clip went while quiet; the next waits for the next quiet moment.
		expect(asked).toEqual(['manifest.json', 'a.wav']);
		open.resolve();
		await warming;
		expect(asked).toEqual(['manifest.json', 'a.wav', 'b.wav']);
		expect(gates).toEqual([1, 2]);
	});

	it('treats a missing manifest, a broken clip or no network as "synthesize it"', async () => {
		const key = await phraseKey('en-us', 'Hello there.');
		expect(await new PhraseBook(BASE, server({}, null).fetchFn).get('en-us', 'Hello there.')).toBe(
			null
		);
		const broken = server(
			{ [`${key}.wav`]: new TextEncoder().encode('not a wav') },
			{ v: 1, phrases: { [key]: `${key}.wav` } }
		);
		expect(await new PhraseBook(BASE, broken.fetchFn).get('en-us', 'Hello there.')).toBeNull();
		const offline = (async () => {
			throw new TypeError('Failed to fetch');
		}) as typeof fetch;
		expect(await new PhraseBook(BASE, offline).get('en-us', 'Hello there.')).toBeNull();
	});
});
