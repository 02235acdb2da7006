import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { immutableFiles } from './offline-files';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('lists the workers and chunks under _app/immutable as site paths, without compressed siblings', async () => {
	dir = mkdtempSync(join(tmpdir(), 'offline-files-'));
	const put = (path: string) => {
		mkdirSync(join(dir, path, '..'), { recursive: true });
		writeFileSync(join(dir, path), 'x');
	};
	put('_app/immutable/workers/stt.worker-abc.js');
	put('_app/immutable/workers/stt.worker-abc.js.br');
	put('_app/immutable/workers/chunks/def.js');
	put('_app/immutable/entry/start.js');
	put('_app/immutable/entry/start.js.gz');
	put('_app/version.json');
	put('index.html');
	expect(await immutableFiles(dir)).toEqual([
		'/_app/immutable/entry/start.js',
		'/_app/immutable/workers/chunks/def.js',
		'/_app/immutable/workers/stt.worker-abc.js'
	]);
});
