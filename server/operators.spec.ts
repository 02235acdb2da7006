import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	accountsSource,
	issueToken,
	makeAccount,
	readAccounts,
	tokenOperator,
	verifyPassword,
	writeAccounts
	// @ts-expect-error: plain JS module without types
} from './operators.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-operators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operator accounts', () => {
	it('keeps a salted hash, never the password, and checks it', async () => {
		const a = await makeAccount('olivia', 'Olivia', 'correct horse battery');
		expect(JSON.stringify(a)).not.toContain('correct horse');
		const b = await makeAccount('olivia', 'Olivia', 'correct horse battery');
		expect(a.hash).not.toBe(b.hash); // a fresh salt each time
		expect(await verifyPassword(a, 'correct horse battery')).toBe(true);
		expect(await verifyPassword(a, 'correct horse batterY')).toBe(false);
		expect(await verifyPassword(null, 'correct horse battery')).toBe(false);
	});

	it('refuses ids that are not a safe topic level, short passwords and blank names', async () => {
		for (const id of ['Olivia', 'a/b', '+', '#', '', 'x'.repeat(33), '-lead']) {
			await expect(makeAccount(id, 'Name', 'long enough password')).rejects.toThrow(/not a valid/);
		}
		await expect(makeAccount('olivia', 'Olivia', 'short')).rejects.toThrow(/10 to 200/);
		await expect(makeAccount('olivia', '  ', 'long enough password')).rejects.toThrow(/1 to 60/);
	});

	it('reads back what it writes, owner-only, and says what is wrong with a bad file', async () => {
		const file = join(dir, 'ops.json');
		writeAccounts(
			file,
			new Map([['olivia', await makeAccount('olivia', 'Olivia', 'p'.repeat(12))]])
		);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect([...readAccounts(file).keys()]).toEqual(['olivia']);
		expect(readAccounts(join(dir, 'missing.json')).size).toBe(0);
		writeFileSync(join(dir, 'bad.json'), '{ nope');
		expect(() => readAccounts(join(dir, 'bad.json'))).toThrow(/not valid JSON/);
		writeFileSync(join(dir, 'other.json'), '{"version":1,"operators":[{"id":"x"}]}');
		expect(() => readAccounts(join(dir, 'other.json'))).toThrow(/malformed/);
	});

	it('sees a changed file without a restart, and keeps the last good accounts if it turns bad', async () => {
		const file = join(dir, 'live.json');
		const accounts = accountsSource(file);
		expect(accounts().size).toBe(0);
		writeAccounts(file, new Map([['omar', await makeAccount('omar', 'Omar', 'p'.repeat(12))]]));
		expect([...accounts().keys()]).toEqual(['omar']);
		writeFileSync(file, '{ broken and longer than before');
		expect([...accounts().keys()]).toEqual(['omar']);
	});

	it('issues tokens that name one account and expire, and refuses forged ones', () => {
		const secret = Buffer.alloc(32, 7);
		const now = 1_800_000_000_000;
		const t = issueToken('olivia', secret, 60_000, now);
		expect(tokenOperator(t, secret, now + 1000)).toBe('olivia');
		expect(tokenOperator(t, secret, now + 61_000)).toBeNull();
		expect(tokenOperator(t, Buffer.alloc(32, 8), now)).toBeNull();
		expect(tokenOperator(t.replace('olivia', 'omar'), secret, now)).toBeNull();
		expect(tokenOperator('t1.olivia.9999999999999.x', secret, now)).toBeNull();
		expect(tokenOperator('', secret, now)).toBeNull();
	});
});

// Each case starts Node and runs scrypt: seconds on a busy 2-core machine, hence the timeouts.
describe('npm run operator', () => {
	const cli = join(import.meta.dirname, 'operator-cli.js');
	const file = join(dir, 'cli.json');
	const run = (args: string[], input = '') =>
		spawnSync('node', [cli, ...args, '--file', file], { input, encoding: 'utf8' });

	it('adds, lists, changes and removes accounts, with the password from standard input', () => {
		expect(run(['add', 'olivia', '--name', 'Olivia Park'], 'a long password\n').stdout).toContain(
			'Added operator olivia (Olivia Park)'
		);
		expect(readFileSync(file, 'utf8')).not.toContain('a long password');
		expect(run(['list']).stdout.trim()).toBe('olivia\tOlivia Park');
		const before = JSON.parse(readFileSync(file, 'utf8')).operators[0].hash;
		expect(run(['passwd', 'olivia'], 'another long password\n').status).toBe(0);
		expect(JSON.parse(readFileSync(file, 'utf8')).operators[0].hash).not.toBe(before);
		expect(run(['mosquitto-acl']).stdout).toContain('user olivia');
		expect(run(['remove', 'olivia']).stdout).toContain('Removed operator olivia');
		expect(run(['list']).stdout).toContain('No operators');
	}, 30_000);

	it('explains every mistake in one line and exits 2, changing nothing', () => {
		const cases: [string[], string, RegExp][] = [
			[['add', 'Bad Id'], 'a long password\n', /not a valid operator id/],
			[['add', 'zed'], 'short\n', /10 to 200 characters/],
			[['add', 'zed'], '', /No password on standard input/],
			[['remove', 'nobody'], '', /No operator "nobody"/],
			[['frobnicate'], '', /usage: npm run operator/],
			[[], '', /usage/]
		];
		for (const [args, input, message] of cases) {
			const r = run(args, input);
			expect(r.status).toBe(2);
			expect(r.stderr.trim().split('\n')).toHaveLength(1);
			expect(r.stderr).toMatch(message);
		}
		execFileSync('node', [cli, 'list', '--file', file]);
	}, 30_000);
});
