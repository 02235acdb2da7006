// Writes a slimmer espeak-ng WebAssembly for the app to serve. The npm package embeds espeak-ng-data
// for about a hundred languages in the module itself (Emscripten's embedded files), nearly all of its
// 18 MB, and a visitor downloads all of it before the first word. This keeps the files the declared
// languages need and removes the rest from the module's data, so they are neither downloaded nor
// created in the virtual file system.
//
//   node scripts/espeak-slim.mjs [--lang en[,fr,...]] [--out path/to/espeak-ng.wasm]
//
// Without --lang, the languages come from ESPEAK_LANGS (comma-separated), else English: set it
// when running `node scripts/setup.mjs` for a deployment whose flows speak other languages.
//
// A language is kept with its lang/ voice files (the file named after it or declaring it as a
// `language`) and the dictionary each of those uses; the phoneme data, intonations and voice
// variants (voices/!v: `en-us+f3`) are always kept, since they are shared by every language.
// Up to date output is left alone: a sidecar JSON records what it was built from.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_DIR = 'espeak-ng-data/';
const SHARED = /^(phontab|phonindex|phondata|intonations|voices\/!v\/.+)$/;

export class SlimError extends Error {}

/** Little reader over a wasm binary: LEB128 integers and positions. */
class Reader {
	constructor(bytes, pos = 0) {
		this.b = bytes;
		this.p = pos;
	}
	u8() {
		if (this.p >= this.b.length) throw new SlimError('unexpected end of the WebAssembly module');
		return this.b[this.p++];
	}
	u32() {
		let r = 0;
		let shift = 0;
		let x;
		do {
			x = this.u8();
			r += (x & 0x7f) * 2 ** shift;
			shift += 7;
		} while (x & 0x80);
		return r;
	}
	i32() {
		let r = 0;
		let shift = 0;
		let x;
		do {
			x = this.u8();
			r |= (x & 0x7f) << shift;
			shift += 7;
		} while (x & 0x80);
		return shift < 32 && x & 0x40 ? r | (-1 << shift) : r;
	}
	name() {
		const n = this.u32();
		const s = Buffer.from(this.b.subarray(this.p, this.p + n)).toString('utf8');
		this.p += n;
		return s;
	}
	/** A constant expression that must be a lone `i32.const`, as a linked module's are. */
	constI32(what) {
		const op = this.u8();
		if (op !== 0x41)
			throw new SlimError(`${what} is not an i32.const (opcode 0x${op.toString(16)})`);
		const v = this.i32() >>> 0;
		if (this.u8() !== 0x0b) throw new SlimError(`${what} is not a lone i32.const`);
		return v;
	}
}

const uleb = (n) => {
	const out = [];
	do {
		let x = n & 0x7f;
		n = Math.floor(n / 128);
		if (n) x |= 0x80;
		out.push(x);
	} while (n);
	return out;
};
const sleb32 = (n) => {
	const out = [];
	n |= 0;
	for (;;) {
		const x = n & 0x7f;
		n >>= 7;
		if ((n === 0 && !(x & 0x40)) || (n === -1 && x & 0x40)) {
			out.push(x);
			return out;
		}
		out.push(x | 0x80);
	}
};

function parseSections(wasm) {
	if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) {
		throw new SlimError('not a WebAssembly (version 1) module');
	}
	const r = new Reader(wasm, 8);
	const sections = [];
	while (r.p < wasm.length) {
		const start = r.p;
		const id = r.u8();
		const size = r.u32();
		sections.push({ id, start, body: r.p, end: r.p + size });
		r.p += size;
	}
	return sections;
}

/** How many globals the module imports, and whether it imports its memory. */
function parseImports(wasm, sections) {
	const imp = sections.find((s) => s.id === 2);
	const out = { globals: 0, memory: false };
	if (!imp) return out;
	const r = new Reader(wasm, imp.body);
	for (let n = r.u32(); n > 0; n--) {
		r.name();
		r.name();
		const kind = r.u8();
		if (kind === 0) r.u32();
		else if (kind === 1) {
			r.u8();
			skipLimits(r);
		} else if (kind === 2) {
			skipLimits(r);
			out.memory = true;
		} else if (kind === 3) {
			r.u8();
			r.u8();
			out.globals++;
		} else throw new SlimError(`unknown import kind ${kind}`);
	}
	return out;
}

/** The memory address the exported `__emscripten_embedded_file_data` global holds. */
function tableAddress(wasm, sections, importedGlobals) {
	const exp = sections.find((s) => s.id === 7);
	const glob = sections.find((s) => s.id === 6);
	if (!exp || !glob) return null;
	const r = new Reader(wasm, exp.body);
	let index = -1;
	for (let n = r.u32(); n > 0; n--) {
		const name = r.name();
		const kind = r.u8();
		const i = r.u32();
		if (kind === 3 && name === '__emscripten_embedded_file_data') index = i;
	}
	// Imported globals come first in the global index space, and have no value to read.
	if (index < importedGlobals) return null;
	const rg = new Reader(wasm, glob.body);
	const count = rg.u32();
	for (let i = 0; i < count; i++) {
		rg.u8(); // value type
		rg.u8(); // mutability
		if (i + importedGlobals === index) return rg.constI32('the embedded-file table global');
		skipConstExpr(rg);
	}
	return null;
}

function skipLimits(r) {
	const flags = r.u8();
	r.u32();
	if (flags & 1) r.u32();
}

function skipConstExpr(r) {
	for (;;) {
		const op = r.u8();
		if (op === 0x0b) return;
		if (op === 0x41 || op === 0x23) r.i32();
		else if (op === 0x42) while (r.u8() & 0x80);
		else if (op === 0x43) r.p += 4;
		else if (op === 0x44) r.p += 8;
		else throw new SlimError(`unsupported constant expression opcode 0x${op.toString(16)}`);
	}
}

function parseData(wasm, section) {
	const r = new Reader(wasm, section.body);
	const segments = [];
	for (let n = r.u32(); n > 0; n--) {
		const flags = r.u32();
		let offset = null;
		if (flags === 0) offset = r.constI32('a data segment offset');
		else if (flags === 2) {
			if (r.u32() !== 0) throw new SlimError('data for a second memory is not supported');
			offset = r.constI32('a data segment offset');
		} else if (flags !== 1) throw new SlimError(`unknown data segment kind ${flags}`);
		const len = r.u32();
		// A copy: the table is rewritten in place.
		segments.push({ offset, data: Buffer.from(wasm.subarray(r.p, r.p + len)) });
		r.p += len;
	}
	return segments;
}

/** Initial memory as the active segments lay it out, read at addresses. */
function memoryView(segments) {
	const active = segments.filter((s) => s.offset !== null);
	const at = (addr, len) => {
		const s = active.find((s) => addr >= s.offset && addr + len <= s.offset + s.data.length);
		if (!s) throw new SlimError(`address ${addr} (+${len}) is outside the module's data`);
		return { s, i: addr - s.offset };
	};
	return {
		u32(addr) {
			const { s, i } = at(addr, 4);
			return s.data.readUInt32LE(i);
		},
		writeU32(addr, v) {
			const { s, i } = at(addr, 4);
			s.data.writeUInt32LE(v, i);
		},
		cstr(addr) {
			const { s, i } = at(addr, 1);
			const end = s.data.indexOf(0, i);
			if (end < 0) throw new SlimError(`unterminated file name at ${addr}`);
			return s.data.toString('utf8', i, end);
		},
		bytes(addr, len) {
			const { s, i } = at(addr, len);
			return s.data.subarray(i, i + len);
		}
	};
}

/** The embedded files, as the glue's loader walks them: name, length, content, until a null name. */
function readTable(mem, addr) {
	const files = [];
	let p = addr;
	do {
		const nameAddr = mem.u32(p);
		const length = mem.u32(p + 4);
		const content = mem.u32(p + 8);
		const name = mem.cstr(nameAddr);
		files.push({ entry: [nameAddr, length, content], name, length, content });
		p += 12;
		if (files.length > 100_000) throw new SlimError('the embedded-file table does not end');
	} while (mem.u32(p));
	return { files, end: p };
}

/** The lang/ files for `lang`, and the dictionaries they use. */
function languageFiles(lang, files, mem) {
	const want = lang.toLowerCase();
	const matches = (code) => code === want || code.startsWith(`${want}-`);
	const keep = new Set();
	for (const f of files) {
		if (!f.rel.startsWith('lang/')) continue;
		const text = Buffer.from(mem.bytes(f.content, f.length)).toString('latin1');
		const languages = [...text.matchAll(/^\s*language\s+(\S+)/gm)].map((m) => m[1].toLowerCase());
		const base = f.rel.slice(f.rel.lastIndexOf('/') + 1).toLowerCase();
		if (!matches(base) && !languages.some(matches)) continue;
		keep.add(f.rel);
		// espeak-ng's voice loader: a `dictionary` line, else the first language's code before '-'.
		const dict = /^\s*dictionary\s+(\S+)/m.exec(text)?.[1] ?? languages[0]?.split('-')[0];
		if (dict) keep.add(`${dict}_dict`);
	}
	return keep;
}

/**
 * The slim module: the package's wasm with only the embedded files the languages need.
 * @param {Buffer} wasm
 * @param {string[]} langs
 */
export function slimEspeak(wasm, langs) {
	const sections = parseSections(wasm);
	const dataSection = sections.find((s) => s.id === 11);
	const imports = parseImports(wasm, sections);
	const addr = tableAddress(wasm, sections, imports.globals);
	if (addr === null || !dataSection) {
		throw new SlimError(
			'no embedded-file table (__emscripten_embedded_file_data) in the espeak-ng module; the package may have changed how it ships espeak-ng-data'
		);
	}
	const segments = parseData(wasm, dataSection);
	const mem = memoryView(segments);
	const { files, end } = readTable(mem, addr);
	for (const f of files) {
		const i = f.name.indexOf(DATA_DIR);
		if (i < 0) throw new SlimError(`embedded file ${f.name} is not under ${DATA_DIR}`);
		f.rel = f.name.slice(i + DATA_DIR.length);
	}

	const wanted = new Set(files.filter((f) => SHARED.test(f.rel)).map((f) => f.rel));
	for (const lang of langs) {
		const own = languageFiles(lang, files, mem);
		if (![...own].some((r) => r.startsWith('lang/'))) {
			throw new SlimError(`espeak-ng has no voice for language "${lang}"`);
		}
		for (const r of own) wanted.add(r);
	}
	const kept = files.filter((f) => wanted.has(f.rel));
	const dropped = files.filter((f) => !wanted.has(f.rel));
	for (const need of ['phontab', 'phonindex', 'phondata', 'intonations']) {
		if (!kept.some((f) => f.rel === need)) throw new SlimError(`the module has no ${need}`);
	}

	// The loader reads at least one entry and stops at a null name: the kept entries, compacted to
	// the table's start, then zeros.
	kept.forEach((f, i) => f.entry.forEach((v, j) => mem.writeU32(addr + i * 12 + j * 4, v)));
	for (let p = addr + kept.length * 12; p < end; p += 4) mem.writeU32(p, 0);

	const holes = dropped
		.map((f) => [f.content, f.content + f.length])
		.concat([[addr + kept.length * 12, end]])
		.sort((a, b) => a[0] - b[0]);

	// Nothing reads a dropped file's bytes once its entry is gone, so they need no data. A module's own
	// memory starts zeroed, so runs of zeros need none either; each piece costs a segment header
	// (about ten bytes), so only longer runs are worth a split.
	const out = [];
	const extra = [];
	for (const s of segments) {
		if (s.offset === null) {
			out.push(s);
			continue;
		}
		const parts = splitAtHoles(s, holes, !imports.memory);
		const list = parts.map(([a, b]) => ({ offset: s.offset + a, data: s.data.subarray(a, b) }));
		// Segment indices stay as they were (passive segments are named by index): a segment's
		// first piece takes its place, the others go after every original segment.
		out.push(list[0] ?? { offset: s.offset, data: Buffer.alloc(0) });
		extra.push(...list.slice(1));
	}
	out.push(...extra);

	const body = [Buffer.from(uleb(out.length))];
	for (const s of out) {
		body.push(
			s.offset === null
				? Buffer.from([1, ...uleb(s.data.length)])
				: Buffer.from([0, 0x41, ...sleb32(s.offset), 0x0b, ...uleb(s.data.length)]),
			s.data
		);
	}
	const dataBody = Buffer.concat(body);
	const parts = [wasm.subarray(0, 8)];
	for (const s of sections) {
		if (s.id === 11) parts.push(Buffer.from([11, ...uleb(dataBody.length)]), dataBody);
		else if (s.id === 12) {
			const count = Buffer.from(uleb(out.length));
			parts.push(Buffer.from([12, ...uleb(count.length)]), count);
		} else parts.push(wasm.subarray(s.start, s.end));
	}
	const slim = Buffer.concat(parts);
	if (!WebAssembly.validate(slim)) throw new SlimError('the slimmed module does not validate');
	return { wasm: slim, kept: kept.map((f) => f.rel), dropped: dropped.map((f) => f.rel) };
}

const MIN_ZERO_RUN = 32;

/** The [start, end) ranges of a segment's data worth keeping: outside holes and long zero runs. */
function splitAtHoles(s, holes, trimZeros) {
	const lo = s.offset;
	const hi = s.offset + s.data.length;
	const keep = [];
	let from = 0;
	for (const [a, b] of holes) {
		if (b <= lo || a >= hi) continue;
		const start = Math.max(a, lo) - lo;
		if (start > from) keep.push([from, start]);
		from = Math.max(from, Math.min(b, hi) - lo);
	}
	if (from < s.data.length) keep.push([from, s.data.length]);
	if (!trimZeros) return keep;
	const out = [];
	for (const [a, b] of keep) {
		let start = a;
		let i = a;
		while (i < b) {
			if (s.data[i] !== 0) {
				i++;
				continue;
			}
			let j = i;
			while (j < b && s.data[j] === 0) j++;
			if (i === start || j === b || j - i >= MIN_ZERO_RUN) {
				if (i > start) out.push([start, i]);
				start = j;
			}
			i = j;
		}
		if (b > start) out.push([start, b]);
	}
	return out;
}

const brotli = (b) =>
	brotliCompressSync(b, {
		params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: b.length }
	}).length;

function main() {
	const args = process.argv.slice(2);
	const opt = (name, fallback) => {
		const i = args.indexOf(name);
		return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
	};
	const langs = [
		...new Set(
			opt('--lang', process.env.ESPEAK_LANGS || 'en')
				.split(',')
				.map((s) => s.trim().toLowerCase())
				.filter(Boolean)
		)
	].sort();
	const src = join(root, 'node_modules', 'espeak-ng', 'dist', 'espeak-ng.wasm');
	const dst = resolve(opt('--out', join(root, 'static', 'vendor', 'espeak', 'espeak-ng.wasm')));
	const sidecar = `${dst}.json`;
	if (!existsSync(src)) {
		console.error(`espeak-slim: ${src} is missing; run npm ci first.`);
		process.exit(1);
	}
	const st = statSync(src);
	const key = {
		source: { size: st.size, mtimeMs: st.mtimeMs },
		langs,
		script: createHash('sha256')
			.update(readFileSync(fileURLToPath(import.meta.url)))
			.digest('hex')
	};
	const report = (r) =>
		console.log(
			`espeak-slim: ${langs.join(',')}: ${r.before} → ${r.after} bytes (brotli ${r.beforeBr} → ${r.afterBr})`
		);
	try {
		const prev = JSON.parse(readFileSync(sidecar, 'utf8'));
		if (
			JSON.stringify(prev.key) === JSON.stringify(key) &&
			existsSync(dst) &&
			statSync(dst).size === prev.sizes.after
		) {
			return report(prev.sizes);
		}
	} catch {
		// No sidecar, or not readable: build.
	}
	const wasm = readFileSync(src);
	let slim;
	try {
		slim = slimEspeak(wasm, langs).wasm;
	} catch (e) {
		if (!(e instanceof SlimError)) throw e;
		console.error(`espeak-slim: ${e.message}`);
		process.exit(1);
	}
	const sizes = {
		before: wasm.length,
		after: slim.length,
		beforeBr: brotli(wasm),
		afterBr: brotli(slim)
	};
	mkdirSync(dirname(dst), { recursive: true });
	writeFileSync(dst, slim);
	writeFileSync(sidecar, `${JSON.stringify({ key, sizes }, null, '\t')}\n`);
	report(sizes);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
