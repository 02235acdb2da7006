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

/**
 * The module's own exports that run the command line by hand: `main` with arguments laid out on its
 * stack. Present in the package's build; checked, since another build may name them otherwise.
 */
type MainExports = {
	memory: WebAssembly.Memory;
	__main_argc_argv: (argc: number, argv: number) => number;
	stackSave: () => number;
	stackRestore: (sp: number) => void;
	stackAlloc: (bytes: number) => number;
};

/** An instance made ahead of a sentence, its command line not yet run. */
type Spare = { module: EspeakModule; main: MainExports; errors: string[] };

/** Arguments larger than this go the slow way, so they cannot overflow the module's stack. */
const MAX_ARGS_BYTES = 16 * 1024;

export class EspeakSynth {
	readonly #factory: EspeakFactory;
	readonly #module: WebAssembly.Module;
	/**
	 * Most of a sentence's time was making the instance (about 60 of 80 ms), not speaking. One is made
	 * ahead, while the voice is idle, so a reply's first sentence starts in the 20-odd ms the
	 * speaking takes. Each instance speaks once: the command line keeps state between runs.
	 */
	#spare: Promise<Spare | null> | null = null;
	/**
	 * Whether this build can be run by hand; false once a spare showed it cannot, and from then on
	 * every sentence makes its own instance with its arguments.
	 */
	#byHand = true;

	constructor(factory: EspeakFactory, module: WebAssembly.Module) {
		this.#factory = factory;
		this.#module = module;
	}

	/** Compiles the WebAssembly once; `wasm` is the bytes of the package's espeak-ng.wasm. */
	static async create(factory: EspeakFactory, wasm: Uint8Array): Promise<EspeakSynth> {
		const synth = new EspeakSynth(
			factory,
			await WebAssembly.compile(wasm as Uint8Array<ArrayBuffer>)
		);
		synth.#spare = synth.#prepare();
		return synth;
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
		const spare = this.#spare;
		this.#spare = null;
		const ready = spare ? await spare : null;
		try {
			return parseWav(
				ready && argsBytes(args) <= MAX_ARGS_BYTES ? runMain(ready, args) : await this.#run(args)
			);
		} finally {
			this.#refill();
		}
	}

	/** The next spare, made once the sentences already asked for have had their turn. */
	#refill(): void {
		if (!this.#byHand || this.#spare) return;
		const spare = new Promise<void>((r) => setTimeout(r, 0)).then(() => this.#prepare());
		this.#spare = spare;
	}

	/** A ready instance that has not run its command line, or null when this build cannot. */
	async #prepare(): Promise<Spare | null> {
		const errors: string[] = [];
		let exports: WebAssembly.Exports | null = null;
		try {
			const module = await this.#factory({
				noInitialRun: true,
				print: () => {},
				printErr: (s) => errors.push(s),
				instantiateWasm: (imports, done) => {
					WebAssembly.instantiate(this.#module, imports).then((i) => {
						exports = i.exports;
						done(i, this.#module);
					});
					return {};
				}
			});
			const main = exports as Partial<MainExports> | null;
			if (
				main?.memory instanceof WebAssembly.Memory &&
				typeof main.__main_argc_argv === 'function' &&
				typeof main.stackSave === 'function' &&
				typeof main.stackRestore === 'function' &&
				typeof main.stackAlloc === 'function'
			)
				return { module, main: main as MainExports, errors };
		} catch {
			// Made again the usual way when the sentence comes, which reports what is wrong.
			return null;
		}
		this.#byHand = false;
		return null;
	}

	/** The command line run the usual way: a new instance that runs it as it starts. */
	async #run(args: string[]): Promise<Uint8Array> {
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
		return readWav({ module: instance, errors });
	}
}

function argsBytes(args: string[]): number {
	return args.reduce((n, a) => n + new TextEncoder().encode(a).length + 1 + 4, 4 + 16);
}

/** Runs a spare's command line: `main(argc, argv)` with the strings laid out on its stack. */
function runMain(spare: Spare, args: string[]): Uint8Array {
	const { main } = spare;
	const argv = ['espeak-ng', ...args].map((a) => new TextEncoder().encode(`${a}\0`));
	const sp = main.stackSave();
	try {
		const table = main.stackAlloc((argv.length + 1) * 4);
		const pointers = argv.map((bytes) => {
			const at = main.stackAlloc(bytes.length);
			new Uint8Array(main.memory.buffer).set(bytes, at);
			return at;
		});
		const words = new Uint32Array(main.memory.buffer, table, argv.length + 1);
		words.set([...pointers, 0]);
		// An error inside exits the command line, which throws; what it printed says why.
		main.__main_argc_argv(argv.length, table);
	} catch (e) {
		if (!spare.errors.length) spare.errors.push(e instanceof Error ? e.message : String(e));
	} finally {
		main.stackRestore(sp);
	}
	return readWav(spare);
}

function readWav({ module, errors }: { module: EspeakModule; errors: string[] }): Uint8Array {
	try {
		return module.FS.readFile('/out.wav');
	} catch {
		// The runtime's own note on how the command line exited says nothing about why.
		const why = errors.filter((e) => !/^program exited/.test(e));
		throw new Error(`espeak-ng wrote no audio${why.length ? `: ${why.join(' ')}` : '.'}`);
	}
}

function clamp(v: number, lo: number, hi: number): number {
	return Math.min(hi, Math.max(lo, Math.round(v)));
}
