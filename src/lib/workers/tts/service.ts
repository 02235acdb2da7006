import type { Audio } from '$lib/audio/wav';
import { BatonError } from '$lib/errors';
import type { Persona } from '$lib/agents/flow';
import type { FetchBytes } from '../model-loader';
import type { HandlerContext } from '../protocol';
import { EspeakSynth, type EspeakFactory } from './espeak';
import { speakable } from './speakable';
import type { KokoroParams, KokoroProgress, KokoroSynth } from './kokoro';

export type { KokoroParams };

// The TTS worker's methods, apart from the worker itself so they run under test in Node. The
// offline voice (espeak-ng) loads first, from the app, in well under a second; the natural voice
// (Kokoro) loads after it when asked, and takes over once ready. Until then, and whenever Kokoro
// fails on a sentence, the offline voice speaks: the caller never waits on a download.

export type TtsDeps = {
	/** Where the app serves the espeak-ng WebAssembly, unless `load` names another address. */
	espeakWasmUrl: string;
	espeakFactory: () => Promise<EspeakFactory>;
	fetchBytes: FetchBytes;
	loadKokoro: (p: KokoroParams, onProgress: (p: KokoroProgress) => void) => Promise<KokoroSynth>;
};

export type Speech = Audio & { engine: 'kokoro' | 'espeak' };

export function ttsHandlers(deps: TtsDeps) {
	let espeak: EspeakSynth | null = null;
	let kokoro: KokoroSynth | null = null;

	return {
		async load(p: { espeakWasmUrl?: string }, ctx: HandlerContext) {
			const bytes = await deps.fetchBytes(p.espeakWasmUrl ?? deps.espeakWasmUrl, (loaded, total) =>
				ctx.progress({ stage: 'offline voice', loaded, ...(total ? { total } : {}) })
			);
			espeak = await EspeakSynth.create(await deps.espeakFactory(), bytes);
			return { engine: 'espeak' as const, bytes: bytes.length };
		},

		async loadNatural(p: KokoroParams, ctx: HandlerContext) {
			kokoro = await deps.loadKokoro(p, (x) =>
				ctx.progress({
					stage: 'natural voice',
					loaded: x.loaded,
					...(x.total ? { total: x.total } : {}),
					detail: x.file
				})
			);
			return { engine: 'kokoro' as const, device: kokoro.device };
		},

		async speak(
			p: { text: string; voice: Persona['voice'] },
			ctx: HandlerContext
		): Promise<Speech> {
			// The transcript keeps the words as written; the voice gets them as they are said.
			const text = speakable(p.text);
			if (kokoro && p.voice.id) {
				try {
					const a = await kokoro.synthesize(text, p.voice.id);
					return { ...a, engine: 'kokoro' };
				} catch (e) {
					ctx.progress({ stage: 'natural voice failed', detail: (e as Error).message });
				}
			}
			if (!espeak) {
				throw new BatonError({
					code: 'tts_not_loaded',
					message: 'The voice is not loaded yet.',
					retryable: true
				});
			}
			const a = await espeak.synthesize(text, EspeakSynth.parseVoice(p.voice.fallback));
			return { ...a, engine: 'espeak' };
		}
	};
}
