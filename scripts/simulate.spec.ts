import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRIGGER_KINDS } from '../src/lib/agents/handoff/context-package';

// The simulator CLI end to end, as a user runs it: a real process, real files, stdout lines.
const tsx = join('node_modules', '.bin', 'tsx');
const run = (args: string[]) =>
	spawnSync(tsx, ['scripts/simulate.ts', ...args], { encoding: 'utf8' });

// Each case starts a process that loads the flow and trains the router: seconds, more on a busy machine.
describe('simulate CLI', { timeout: 30_000 }, () => {
	it('runs the example calls, exercising every trigger the simulator can reach', () => {
		const out = execFileSync(tsx, ['scripts/simulate.ts', '--calls', 'examples/calls.jsonl'], {
			encoding: 'utf8'
		});
		const rows = out
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows).toHaveLength(12);
		const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
		const triggers = new Set(
			rows.flatMap((r) => r.hops.map((h: { trigger: string }) => h.trigger))
		);
		// Every trigger but handback, which needs an operator (covered by a Session test).
		for (const kind of TRIGGER_KINDS.filter((k) => k !== 'handback')) {
			expect(triggers, kind).toContain(kind);
		}
		expect(byId['charge-then-upgrade']).toMatchObject({
			personas: ['triage', 'billing', 'sales'],
			outcome: 'resolved'
		});
		expect(byId['department'].hops[0]).toMatchObject({
			to: 'support',
			trigger: 'explicit_request'
		});
		const card = byId['sensitive-card'];
		expect(JSON.stringify(card)).not.toMatch(/4111 ?1111|cvv 123/);
		expect(card.packages.at(-1).entities).toContainEqual(
			expect.objectContaining({ type: 'card_last4', value: '1111' })
		);
		const pkg = byId['charge-then-upgrade'].packages[1];
		expect(pkg.caller).toMatchObject({ accountId: 'AC-10021', verified: true, verifiedBy: 'pin' });
		expect(pkg.actions[1]).toMatchObject({ tool: 'billing.explainCharge', ok: true });
	});

	it('swaps the dataset with --data, and exits 1 with an error line for a malformed call', () => {
		const dir = mkdtempSync(join(tmpdir(), 'baton-sim-'));
		const data = join(dir, 'data.json');
		writeFileSync(
			data,
			JSON.stringify({
				company: { name: 'Tiny Tel', supportHours: 'never' },
				plans: [{ id: 'only', name: 'Only', monthly: 10, dataGb: 1, features: [] }],
				accounts: [
					{
						id: 'Z-1',
						name: 'Zed Zee',
						phone: '1',
						zip: '11111',
						pin: '9999',
						planId: 'only',
						balance: 3,
						dueDate: '2027-01-01',
						status: 'active',
						devices: [],
						charges: []
					}
				],
				outages: []
			})
		);
		const calls = join(dir, 'calls.jsonl');
		writeFileSync(
			calls,
			'{"id": 1, "turns": ["what is my balance", "account Z-1 pin 9999"]}\n{"id": 2, "turns": [3]}\n'
		);
		const r = run(['--calls', calls, '--data', data]);
		expect(r.status).toBe(1);
		const [a, b] = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(a.transcript[0].text).toContain('Tiny Tel');
		expect(a.transcript.at(-1).text).toContain('$3,');
		expect(b).toMatchObject({ id: null, line: 2 });
		expect(b.error).toContain('turns');
	});

	it('refuses an over-long turn, too many turns and an over-long line; the other calls run', () => {
		const dir = mkdtempSync(join(tmpdir(), 'baton-sim-'));
		const calls = join(dir, 'calls.jsonl');
		writeFileSync(
			calls,
			[
				JSON.stringify({ id: 'long', turns: ['what is my balance', 'a'.repeat(2001)] }),
				JSON.stringify({ id: 'many', turns: Array(201).fill('hello') }),
				// A 20 MB turn: refused from the line's length, before it is parsed or said.
				JSON.stringify({ id: 'huge', turns: ['a'.repeat(20_000_000)] }),
				JSON.stringify({ id: 'ok', turns: ['what is my balance'] })
			].join('\n') + '\n'
		);
		const t0 = Date.now();
		const r = run(['--calls', calls]);
		expect(Date.now() - t0).toBeLessThan(30_000);
		expect(r.status).toBe(1);
		expect(r.stderr).toBe('');
		const rows = r.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l));
		expect(rows).toHaveLength(4);
		expect(rows[0].error).toContain('turns.1: a turn is at most 2,000 characters, not 2,001');
		expect(rows[1].error).toContain('turns: a call has at most 200 turns, not 201');
		expect(rows[2]).toEqual({
			id: null,
			line: 3,
			error: 'line 3 is longer than 1,048,576 characters.'
		});
		expect(rows[3]).toMatchObject({ id: 'ok', outcome: expect.any(String) });
	}, 60_000);

	it('refuses a missing, a folder or an oversized --calls file in one line', () => {
		const missing = run(['--calls', join(tmpdir(), 'no-such-calls.jsonl')]);
		expect(missing.status).toBe(2);
		expect(missing.stderr).toMatch(/^simulate: --calls: cannot read .*: no such file\.\n$/);
		const folder = run(['--calls', tmpdir()]);
		expect(folder.status).toBe(2);
		expect(folder.stderr).toMatch(/^simulate: --calls: .* is a directory, not a file\.\n$/);
		const dir = mkdtempSync(join(tmpdir(), 'baton-sim-'));
		const huge = join(dir, 'huge.jsonl');
		closeSync(openSync(huge, 'w'));
		truncateSync(huge, 300 * 1024 * 1024);
		const big = run(['--calls', huge]);
		expect(big.status).toBe(2);
		expect(big.stderr).toBe(`simulate: --calls: ${huge} is 300 MB; the limit is 256 MB.\n`);
		expect(big.stdout).toBe('');
	}, 60_000);

	it('explains bad arguments and an invalid dataset without a stack trace', () => {
		const r = run(['--calls', 'examples/calls.jsonl', '--human', 'maybe']);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('--human must be');
		const bad = run(['--calls', 'examples/calls.jsonl', '--data', 'package.json']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(
			/dataset is invalid: name: rows for a table the flow does not declare/
		);
	});

	it('says dates relative to the clock --now gives, and refuses a --now that is not a time', () => {
		const dir = mkdtempSync(join(tmpdir(), 'sim-now-'));
		const calls = join(dir, 'calls.jsonl');
		writeFileSync(
			calls,
			JSON.stringify({ id: 'due', turns: ['what is my balance', 'AC-10021 pin 4821'] }) + '\n'
		);
		const day = run(['--calls', calls, '--now', '2026-12-04T12:00:00Z']);
		expect(day.status).toBe(0);
		expect(JSON.parse(day.stdout).transcript.at(-1).text).toContain(
			'Your balance is $94, due tomorrow.'
		);
		const bad = run(['--calls', calls, '--now', 'next week']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain('--now "next week" is not a date and time');
	});
});
