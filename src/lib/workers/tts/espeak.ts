import type { EspeakModule, EspeakOptions } from 'espeak-ng';
import { parseWav, type Audio } from '../../audio/wav';

// The offline voice: espeak-ng compiled to WebAssembly (the `espeak-ng` npm package). It needs no
// download beyond the app itself, so it speaks when Kokoro cannot (no weights yet, offline before
// the first download, a failed load). The package is the espeak-ng command line; each utterance
// runs it once against a WebAssembly module compiled once, and reads the WAV it writes.

export type EspeakFactory = (options: EspeakOptions) => Promise<EspeakModule>;

/** A persona's offline voice: an espeak-ng voice and variant (`en-us+f3`), pitch 0–99, words/min. */
export type EspeakVoice = { voice: string; pitch?: number; wpm?: number };

const VOICE = /^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[a-z0-9]+)?$/i;

export class EspeakSynth {
	readonly #factory: EspeakFactory;
	readonly #module: WebAssembly.Module;

	constructor(factory: EspeakFactory, module: WebAssembly.Module) {
		this.#factory = factory;
		this.#module = module;
	}

	/** Compiles the WebAssembly once; `wasm` is the bytes of the package's espeak-ng.wasm. */
	static async create(factory: EspeakFactory, wasm: Uint8Array): Promise<EspeakSynth> {
		return new EspeakSynth(factory, await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>));
	}

	/** Parses a flow's fallback voice: `en-us+f3`, optionally `en-us+f3 pitch=60 wpm=170`. */
	static parseVoice(spec: string): EspeakVoice {
		const [voice, ...params] = spec.trim().split(/\s+/);
		if (!voice || !VOICE.test(voice)) throw new RangeError(`"${spec}" is not an espeak-ng voice.`);
		const out: EspeakVoice = { voice };
		for (const p of params) {
			const m = /^(pitch|wpm)=(\d+)$/.exec(p);
			if (!m) throw new RangeError(`"${p}" in voice "${spec}" is not pitch=N or wpm=N.`);
			out[m[1] as 'pitch' | 'wpm'] = Number(m[2]);
		}
		return out;
	}

	async synthesize(text: string, voice: EspeakVoice): Promise<Audio> {
		// The text goes in as one argument; a leading dash would read as an option, so it is dropped.
		const say = text.replace(/[\r\n]+/g, ' ').replace(/^[\s-]+/, '');
		if (!say) return { sampleRate: 22050, samples: new Float32Array(0) };
		const args = ['-v', voice.voice, '-w', '/out.wav'];
		if (voice.pitch !== undefined) args.push('-p', String(clamp(voice.pitch, 0, 99)));
		if (voice.wpm !== undefined) args.push('-s', String(clamp(voice.wpm, 80, 450)));
		args.push(say);
		const errors: string[] = [];
		const instance = await this.#factory({
			arguments: args,
			print: () => {},
			printErr: (s) => errors.push(s),
			instantiateWasm: (imports, done) => {
				WebAssembly.instantiate(this.#module, imports).then((i) => done(i, this.#module));
				return {};
			}
		});
		let wav: Uint8Array;
		try {
			wav = instance.FS.readFile('/out.wav');
		} catch {
			throw new Error(`espeak-ng wrote no audio${errors.length ? `: ${errors.join(' ')}` : '.'}`);
		}
		return parseWav(wav);
	}
}

function clamp(v: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, Math.round(v)));
}
