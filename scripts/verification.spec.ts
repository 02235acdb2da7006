import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttemptLimiter, attemptKeys } from '../src/lib/agents/tools/verification';
import { FileAttemptStore } from './attempts-file';

// The verification CLI as an operator runs it on a Node device's attempts file.
const tsx = join('node_modules', '.bin', 'tsx');
const run = (args: string[]) =>
	spawnSync(tsx, ['scripts/verification.ts', ...args], { encoding: 'utf8' });

describe('verification CLI', () => {
	it('lists a lock-out written by earlier runs, and lifts it', async () => {
		const file = join(mkdtempSync(join(tmpdir(), 'attempts-')), 'attempts.json');
		const limiter = await AttemptLimiter.open({ store: new FileAttemptStore(file) });
		const k = attemptKeys({ account: 'AC-10022', device: 'simulator' });
		for (let i = 0; i < limiter.policy.perAccount; i++) limiter.fail(k.account, k.device);
		await limiter.flush();

		const listed = run(['--attempts', file]);
		expect(listed.status).toBe(0);
		expect(JSON.parse(listed.stdout.trim())).toMatchObject({ key: k.account, failures: 3 });

		const lifted = run(['--attempts', file, '--unlock', 'AC-10022']);
		expect(lifted.status).toBe(0);
		expect(JSON.parse(lifted.stdout)).toEqual({ unlocked: k.account, hadFailures: true });
		expect(run(['--attempts', file]).stdout).toBe('');
		const reopened = await AttemptLimiter.open({ store: new FileAttemptStore(file) });
		expect(reopened.locked(k.account)).toBe(false);
	}, 30_000);

	it('the simulator keeps attempts in the file across runs, so guessing does not start afresh', () => {
		const dir = mkdtempSync(join(tmpdir(), 'attempts-'));
		const file = join(dir, 'attempts.json');
		const calls = join(dir, 'calls.jsonl');
		writeFileSync(
			calls,
			JSON.stringify({ id: 'guess', turns: ['what is my balance', 'account AC-10022 pin 1111'] }) +
				'\n'
		);
		const simulate = () =>
			spawnSync(tsx, ['scripts/simulate.ts', '--calls', calls, '--attempts', file], {
				encoding: 'utf8'
			});
		for (let i = 0; i < 3; i++) expect(simulate().status).toBe(0);
		const locked = JSON.parse(simulate().stdout);
		expect(locked.transcript.map((t: { text: string }) => t.text).join(' ')).toContain(
			'too many attempts'
		);
		expect(run(['--attempts', file]).stdout).toContain('account:ac10022');
	}, 60_000);

	it('says what is wrong with a file that is not an attempts file, and exits 2', () => {
		const file = join(mkdtempSync(join(tmpdir(), 'attempts-')), 'bad.json');
		writeFileSync(file, '{"v": 1, "attempts": [{"key": 7}]}');
		const r = run(['--attempts', file]);
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/^verification: .*bad\.json is not an attempts file/);
		expect(run([]).stderr).toContain('--attempts FILE is required');
	}, 30_000);
});
