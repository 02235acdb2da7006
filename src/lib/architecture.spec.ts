import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The house rules the layout depends on, checked over every import in src/: no import cycle
// between files or between the layers of src/lib, and a conversation core that imports nothing
// from the browser layers (it runs in Node for the simulator, the CLIs and these tests).

const SRC = resolve(__dirname, '..');
const LIB = join(SRC, 'lib');

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return /\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
	});
}

const IMPORT =
	/(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveImport(from: string, spec: string): string | null {
	let base: string;
	if (spec.startsWith('$lib/') || spec === '$lib') base = join(LIB, spec.slice(5));
	else if (spec.startsWith('.')) base = resolve(dirname(from), spec);
	else return null; // a package
	for (const candidate of [base, `${base}.ts`, `${base}.svelte`, join(base, 'index.ts')]) {
		if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
	}
	return null;
}

/** Every file in src/ with the files it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
	const graph = new Map<string, string[]>();
	for (const file of sources(SRC)) {
		const text = readFileSync(file, 'utf8');
		const deps = new Set<string>();
		for (const m of text.matchAll(IMPORT)) {
			const target = resolveImport(file, (m[1] ?? m[2])!);
			if (target) deps.add(target);
		}
		graph.set(file, [...deps]);
	}
	return graph;
}

/** The first cycle found, as a path that ends where it starts; null when there is none. */
function findCycle(graph: Map<string, Iterable<string>>): string[] | null {
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (node: string): string[] | null => {
		state.set(node, 'open');
		stack.push(node);
		for (const next of graph.get(node) ?? []) {
			if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
			if (!state.has(next)) {
				const found = visit(next);
				if (found) return found;
			}
		}
		stack.pop();
		state.set(node, 'done');
		return null;
	};
	for (const node of graph.keys()) {
		if (!state.has(node)) {
			const found = visit(node);
			if (found) return found;
		}
	}
	return null;
}

/** `agents`, `rtc`, … for a file under src/lib; `routes` for the pages; null for src/lib's own files. */
function layerOf(file: string): string | null {
	const rel = relative(SRC, file).split(/[\\/]/);
	if (rel[0] === 'lib') return rel.length > 2 ? rel[1]! : null;
	return rel[0]!;
}

const graph = importGraph();
const short = (files: string[]) => files.map((f) => relative(SRC, f));

describe('the layout', () => {
	it('reads the imports it checks', () => {
		const session = [...graph.keys()].find((f) => f.endsWith('session.ts'));
		expect(session, 'src/lib/agents has a session').toBeDefined();
		expect(graph.get(session!)!.length).toBeGreaterThan(3);
	});

	it('has no import cycle between files', () => {
		expect(short(findCycle(graph) ?? [])).toEqual([]);
	});

	it('has no import cycle between the layers of src/lib', () => {
		const layers = new Map<string, Set<string>>();
		for (const [file, deps] of graph) {
			const from = layerOf(file);
			if (!from) continue;
			const to = layers.get(from) ?? new Set<string>();
			layers.set(from, to);
			for (const dep of deps) {
				const layer = layerOf(dep);
				// A layer's own specs may reach into the layer they exercise it with.
				if (layer && layer !== from && !/\.spec\.ts$/.test(file)) to.add(layer);
			}
		}
		expect(findCycle(layers) ?? []).toEqual([]);
	});

	it('keeps the conversation core free of the browser layers', () => {
		// A flow file is deployment data, not a browser layer: the core may read the default one.
		const allowed = (dep: string) =>
			dep.startsWith(join(LIB, 'agents')) ||
			dep === join(LIB, 'errors.ts') ||
			/[\\/]flows[\\/][^\\/]+\.json$/.test(dep);
		const reaches = [...graph]
			.filter(([file]) => file.startsWith(join(LIB, 'agents')) && !file.endsWith('.spec.ts'))
			.flatMap(([file, deps]) => deps.filter((d) => !allowed(d)).map((d) => `${file} → ${d}`));
		expect(reaches.map((r) => r.replaceAll(SRC + '/', ''))).toEqual([]);
	});

	it('finds a cycle when there is one', () => {
		const cyclic = new Map([
			['a', ['b']],
			['b', ['c']],
			['c', ['a']]
		]);
		expect(findCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
		expect(
			findCycle(
				new Map([
					['a', ['b']],
					['b', []]
				])
			)
		).toBeNull();
	});
});
