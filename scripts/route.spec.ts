import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePersonasFile, trainFromPersonas } from '../src/lib/agents/cli/routing-cli';

const tsx = join('node_modules', '.bin', 'tsx');
const run = (args: string[]) => spawnSync(tsx, ['scripts/route.ts', ...args], { encoding: 'utf8' });

function files(personas: unknown, input: string) {
	const dir = mkdtempSync(join(tmpdir(), 'baton-route-'));
	writeFileSync(join(dir, 'p.json'), JSON.stringify(personas));
	writeFileSync(join(dir, 'in.jsonl'), input);
	return { p: join(dir, 'p.json'), i: join(dir, 'in.jsonl') };
}

const personas = {
	personas: [
		{
			id: 'billing',
			examples: [
				'what is this charge on my bill',
				'why is my bill so high',
				'I was charged twice',
				'how much do I owe',
				'when is my payment due',
				'explain this fee'
			]
		},
		{
			id: 'support',
			examples: [
				'my phone has no signal',
				'the internet is down',
				'calls keep dropping',
				'my phone will not turn on',
				'data is slow',
				'my router keeps disconnecting'
			]
		}
	],
	outOfScope: [
		'what is the weather',
		'tell me a joke',
		'who won the game',
		'book a flight to paris',
		'play some music',
		'recipe for pasta'
	]
};

// Enough examples (≥ 50, some out of scope) for the classifier to hold some out and calibrate.
const openers = ['', 'hi, ', 'hello, ', 'um, '];
const larger = {
	personas: personas.personas.map((p) => ({
		id: p.id,
		examples: openers.flatMap((o) => p.examples.map((e) => o + e))
	})),
	outOfScope: openers.flatMap((o) => personas.outOfScope.map((e) => o + e))
};

// Each case starts a process that loads a flow and trains its router: seconds, more on a busy machine.
describe('route CLI', { timeout: 30_000 }, () => {
	it('routes each line in order, with null for out of scope', () => {
		const f = files(
			personas,
			[
				'{"text": "there is a strange charge on my bill"}',
				'{"text": "no signal since this morning"}',
				'{"text": "tell me a funny joke"}'
			].join('\n')
		);
		const r = run(['--personas', f.p, '--input', f.i]);
		expect(r.status).toBe(0);
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows.map((x) => x.route)).toEqual(['billing', 'support', null]);
		for (const x of rows) {
			expect(Object.keys(x)).toEqual(['text', 'route', 'confidence']);
			expect(x.confidence).toBeGreaterThan(0);
			expect(x.confidence).toBeLessThanOrEqual(1);
		}
	});

	it('names the malformed line and goes on; exits 1', () => {
		const f = files(personas, '{"text": "why is my bill so high"}\n{"txt": "oops"}\nnot json\n');
		const r = run(['--personas', f.p, '--input', f.i]);
		expect(r.status).toBe(1);
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows[0].route).toBe('billing');
		expect(rows[1]).toMatchObject({ text: null, line: 2 });
		expect(rows[2]).toMatchObject({ text: null, line: 3 });
	});

	it('routes with a flow file, and lists a broken flow’s errors', () => {
		const f = files(
			{ personas: [] },
			'{"text": "how much do I owe"}\n{"text": "tell me a joke"}\n'
		);
		const r = run(['--flow', 'flows/northwind-mobile.json', '--input', f.i]);
		expect(r.status).toBe(0);
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows.map((x) => x.route)).toEqual(['billing', null]);
		const bad = join(mkdtempSync(join(tmpdir(), 'baton-route-')), 'flow.json');
		writeFileSync(bad, JSON.stringify({ version: 1, personas: [] }));
		const b = run(['--flow', bad, '--input', f.i]);
		expect(b.status).toBe(2);
		expect(b.stderr).toContain('company');
		expect(run(['--flow', bad, '--personas', f.p, '--input', f.i]).status).toBe(2);
	});

	it('explains an invalid personas file', () => {
		const f = files({ personas: [{ id: 'x', examples: [] }] }, '');
		const r = run(['--personas', f.p, '--input', f.i]);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('personas file is invalid: personas.0.examples');
	});

	it('uses the threshold calibrated on held-out examples by default, and says so', () => {
		const f = files(larger, '{"text": "why is my bill so high"}\n{"text": "tell me a joke"}\n');
		const r = run(['--personas', f.p, '--input', f.i]);
		expect(r.status).toBe(0);
		const expected = trainFromPersonas(parsePersonasFile(larger)).calibratedThreshold;
		expect(expected).not.toBeNull();
		expect(r.stderr).toContain(
			`threshold ${expected!.toFixed(3)} (calibrated on held-out examples of the personas file)`
		);
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows.map((x) => x.route)).toEqual(['billing', null]);
	});

	it('lets --threshold override the calibrated one', () => {
		const f = files(larger, '{"text": "why is my bill so high"}\n');
		const r = run(['--personas', f.p, '--input', f.i, '--threshold', '1']);
		expect(r.status).toBe(0);
		expect(r.stderr).toContain('threshold 1.000 (--threshold)');
		expect(JSON.parse(r.stdout.trim()).route).toBeNull();
	});

	it('refuses an utterance over the limit, an over-long line and a missing file, one line each', () => {
		const long = 'why is my bill so high '.repeat(100);
		const f = files(
			personas,
			[
				JSON.stringify({ text: long }),
				JSON.stringify({ text: 'x'.repeat(2_000_000) }),
				'{"text": "why is my bill so high"}'
			].join('\n')
		);
		const r = run(['--personas', f.p, '--input', f.i]);
		expect(r.status).toBe(1);
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows[0]).toMatchObject({ text: null, line: 1 });
		expect(rows[0].error).toContain('text: at most 2,000 characters, not 2,300');
		expect(rows[1]).toEqual({
			text: null,
			line: 2,
			error: 'line 2 is longer than 1,048,576 characters.'
		});
		expect(rows[2].route).toBe('billing');

		const missing = run(['--personas', f.p, '--input', join(tmpdir(), 'no-such-input.jsonl')]);
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(
			/^route: --input: cannot read .*no-such-input\.jsonl: no such file\.\n$/
		);
		const dir = run(['--personas', tmpdir(), '--input', f.i]);
		expect(dir.status).toBe(2);
		expect(dir.stderr).toMatch(/^route: --personas: .* is a directory, not a file\.\n$/);
	}, 60_000);

	it('refuses a personas file over the size limit from its size, without reading it', () => {
		const dir = mkdtempSync(join(tmpdir(), 'baton-route-'));
		const huge = join(dir, 'huge.json');
		// A sparse file: 40 MB on paper, nothing on disk.
		closeSync(openSync(huge, 'w'));
		truncateSync(huge, 40 * 1024 * 1024);
		const f = files(personas, '');
		const r = run(['--personas', huge, '--input', f.i]);
		expect(r.status).toBe(2);
		expect(r.stderr).toBe(`route: --personas: ${huge} is 40 MB; the limit is 32 MB.\n`);
	}, 60_000);

	it('says when a personas file is too small to calibrate on', () => {
		const f = files(personas, '{"text": "why is my bill so high"}\n');
		const r = run(['--personas', f.p, '--input', f.i]);
		expect(r.stderr).toContain('threshold 0.000 (too few examples');
	});
});
