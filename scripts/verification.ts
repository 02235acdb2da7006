// Verification lock-outs of a Node device (an attempts file the simulator wrote):
//   npm run --silent verification -- --attempts FILE            lists what is locked
//   npm run --silent verification -- --attempts FILE --unlock AC-10022   lifts an account's lock
//   npm run --silent verification -- --attempts FILE --unlock device:simulator
import { parseArgs } from 'node:util';
import { AttemptLimiter, attemptKeys } from '../src/lib/agents/tools/verification';
import { FileAttemptStore } from './attempts-file';

const USAGE = 'Usage: verification --attempts FILE [--unlock ACCOUNT_ID | --unlock device:ID]';

function fail(message: string): never {
	process.stderr.write(`verification: ${message}\n`);
	process.exit(2);
}

const { values } = (() => {
	try {
		return parseArgs({ options: { attempts: { type: 'string' }, unlock: { type: 'string' } } });
	} catch (e) {
		fail(`${(e as Error).message}. ${USAGE}`);
	}
})();
if (!values.attempts) fail(`--attempts FILE is required. ${USAGE}`);

let limiter: AttemptLimiter;
try {
	limiter = await AttemptLimiter.open({ store: new FileAttemptStore(values.attempts) });
} catch (e) {
	fail((e as Error).message);
}

if (values.unlock) {
	const key = values.unlock.startsWith('device:')
		? values.unlock
		: attemptKeys({ account: values.unlock, device: '' }).account;
	const had = limiter.unlock(key);
	await limiter.flush();
	process.stdout.write(JSON.stringify({ unlocked: key, hadFailures: had }) + '\n');
} else {
	for (const r of limiter.locks())
		process.stdout.write(
			JSON.stringify({
				key: r.key,
				failures: r.failures,
				lockedUntil: new Date(r.lockedUntil!).toISOString()
			}) + '\n'
		);
}
