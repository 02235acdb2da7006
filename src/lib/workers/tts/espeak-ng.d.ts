// Types for the espeak-ng package (an Emscripten build of the espeak-ng command line, GPL-3.0).
declare module 'espeak-ng' {
	export type EspeakModule = {
		FS: {
			readFile(path: string): Uint8Array;
			writeFile(path: string, data: string | Uint8Array): void;
		};
	};
	export type EspeakOptions = {
		arguments?: string[];
		/** Do not run the command line once the module is ready (it is run later, by hand). */
		noInitialRun?: boolean;
		print?: (s: string) => void;
		printErr?: (s: string) => void;
		instantiateWasm?: (
			imports: WebAssembly.Imports,
			done: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void
		) => object;
		locateFile?: (path: string, prefix: string) => string;
	};
	const ESpeakNg: (options: EspeakOptions) => Promise<EspeakModule>;
	export default ESpeakNg;
}
