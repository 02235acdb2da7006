import { parseWav, type Audio } from '../audio/wav';

// Sentences rendered ahead of time in the offline voice (scripts/prerender-phrases.ts writes them
// at build time): the greeting and the handoff narrations play the moment they are needed, before
// any voice model has downloaded. A sentence is found by its voice and exact words; anything else
// is synthesized as usual.

export type PhraseManifest = {
	v: 1;
	/** Phrase key → file name, beside the manifest. */
	phrases: Record<string, string>;
};

export const PHRASE_MANIFEST = 'manifest.json';

/** A stable key for one sentence in one voice: the file name of its audio. */
export async function phraseKey(voice: string, text: string): Promise<string> {
	const bytes = new TextEncoder().encode(`${voice}\n${text.trim()}`);
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	return [...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class PhraseBook {
	readonly #base: URL;
	readonly #fetch: typeof fetch;
	#manifest: Promise<PhraseManifest | null> | null = null;
	readonly #clips = new Map<string, Promise<Audio | null>>();

	/** `base` is the folder that holds the manifest and the clips. */
	constructor(base: string | URL, fetchFn: typeof fetch = (...a) => fetch(...a)) {
		this.#base = new URL(base);
		this.#fetch = fetchFn;
	}

	/** Reads the manifest (a few kilobytes); a missing one only means everything is synthesized. */
	manifest(): Promise<PhraseManifest | null> {
		this.#manifest ??= this.#fetch(new URL(PHRASE_MANIFEST, this.#base))
			.then((r) => (r.ok ? (r.json() as Promise<PhraseManifest>) : null))
			.then((m) => (m && m.v === 1 && typeof m.phrases === 'object' ? m : null))
			.catch(() => null);
		return this.#manifest;
	}

	/** Whether a sentence in a voice was rendered ahead of time. */
	async has(voice: string, text: string): Promise<boolean> {
		const m = await this.manifest();
		return !!m && Object.hasOwn(m.phrases, await phraseKey(voice, text));
	}

	/** The sentence's audio, or null when it was not rendered (or could not be fetched). */
	get(voice: string, text: string): Promise<Audio | null> {
		const id = `${voice}\n${text.trim()}`;
		let clip = this.#clips.get(id);
		if (!clip) {
			clip = this.#load(voice, text);
			this.#clips.set(id, clip);
		}
		return clip;
	}

	/** A clip already fetched for this call (the greeting, once it has played), or null. */
	async played(): Promise<Audio | null> {
		for (const clip of this.#clips.values()) {
			const audio = await clip;
			if (audio) return audio;
		}
		return null;
	}

	/**
	 * Fetches every clip into the HTTP cache (they are served immutable), without decoding them, so
	 * a narration later plays without a round trip. Meant for when the call's models are in. One
	 * clip at a time, each once `quiet` resolves: on a device with two cores a burst of fetches
	 * while the caller's turn is being taken in slows that turn's answer.
	 */
	async warm(quiet: () => Promise<void> = async () => {}): Promise<void> {
		const m = await this.manifest();
		for (const file of Object.values(m?.phrases ?? {})) {
			await quiet();
			try {
				await (await this.#fetch(new URL(file, this.#base))).arrayBuffer();
			} catch {
				// Best effort: a clip that did not arrive is fetched (or synthesized) when needed.
			}
		}
	}

	async #load(voice: string, text: string): Promise<Audio | null> {
		const m = await this.manifest();
		const file = m?.phrases[await phraseKey(voice, text)];
		if (!file) return null;
		try {
			const r = await this.#fetch(new URL(file, this.#base));
			if (!r.ok) return null;
			return parseWav(new Uint8Array(await r.arrayBuffer()));
		} catch {
			return null;
		}
	}
}
