// `npm run operator -- <command>`: manages the operator accounts the server's broker accepts.
//   add ID [--name "Display name"]   create an account; asks for the password (or reads one line
//                                     from standard input when it is not a terminal)
//   passwd ID                         set a new password
//   remove ID                         delete an account (a signed-in console is refused at its next
//                                     reconnect; its token stops working at once)
//   list                              ids and display names
//   mosquitto-acl                     the ACL file for a mosquitto broker with these operators
// The file is `BATON_OPERATORS` (default operators.json) or `--file F`.
import { createInterface } from 'node:readline';
import {
	checkNewAccount,
	checkPassword,
	DEFAULT_OPERATORS_FILE,
	makeAccount,
	OperatorAccountError,
	readAccounts,
	writeAccounts
} from './operators.js';
import { mosquittoAcl } from './broker.js';

const USAGE = `usage: npm run operator -- add ID [--name NAME] | passwd ID | remove ID | list | mosquitto-acl [--file F]`;

/** Reads a password: hidden from a terminal (twice), or one line from a pipe. */
async function readPassword(/** @type {string} */ prompt) {
	if (!process.stdin.isTTY) {
		const rl = createInterface({ input: process.stdin });
		for await (const line of rl) {
			rl.close();
			return line;
		}
		throw new OperatorAccountError('No password on standard input.');
	}
	const ask = (/** @type {string} */ q) =>
		new Promise((ok) => {
			process.stdout.write(q);
			const stdin = process.stdin;
			stdin.setRawMode(true);
			stdin.resume();
			let s = '';
			const onData = (/** @type {Buffer} */ b) => {
				for (const ch of b.toString('utf8')) {
					if (ch === '\r' || ch === '\n') {
						stdin.setRawMode(false);
						stdin.pause();
						stdin.off('data', onData);
						process.stdout.write('\n');
						ok(s);
						return;
					}
					if (ch === '\u0003') {
						process.stdout.write('\n');
						process.exit(130);
					}
					if (ch === '\u007f') s = s.slice(0, -1);
					else s += ch;
				}
			};
			stdin.on('data', onData);
		});
	const first = await ask(prompt);
	checkPassword(/** @type {string} */ (first));
	const again = await ask('Again: ');
	if (first !== again)
		throw new OperatorAccountError('The passwords do not match; nothing changed.');
	return /** @type {string} */ (first);
}

/** @param {string[]} argv */
export async function main(argv) {
	const args = [...argv];
	const take = (/** @type {string} */ flag) => {
		const i = args.indexOf(flag);
		if (i < 0) return undefined;
		const v = args[i + 1];
		if (v === undefined || v.startsWith('--'))
			throw new OperatorAccountError(`${flag} needs a value.`);
		args.splice(i, 2);
		return v;
	};
	const file = take('--file') ?? process.env.BATON_OPERATORS ?? DEFAULT_OPERATORS_FILE;
	const name = take('--name');
	const [command, id, ...rest] = args;
	if (rest.length > 0 || !command) throw new OperatorAccountError(USAGE);
	const accounts = readAccounts(file);
	switch (command) {
		case 'add': {
			if (!id) throw new OperatorAccountError(USAGE);
			// Say what is wrong with the id or name before asking for a password.
			checkNewAccount(id, name ?? id, 'x'.repeat(16));
			if (accounts.has(id))
				throw new OperatorAccountError(
					`An operator "${id}" already exists; use passwd to change the password.`
				);
			const account = await makeAccount(id, name ?? id, await readPassword(`Password for ${id}: `));
			accounts.set(id, account);
			writeAccounts(file, accounts);
			return `Added operator ${id} (${account.name}) to ${file}.`;
		}
		case 'passwd': {
			const old = id ? accounts.get(id) : undefined;
			if (!id || !old) throw new OperatorAccountError(`No operator "${id ?? ''}" in ${file}.`);
			const account = await makeAccount(
				id,
				name ?? old.name,
				await readPassword(`New password for ${id}: `)
			);
			accounts.set(id, { ...account, createdAt: old.createdAt });
			writeAccounts(file, accounts);
			return `Changed the password of ${id}.`;
		}
		case 'remove': {
			if (!id || !accounts.delete(id))
				throw new OperatorAccountError(`No operator "${id ?? ''}" in ${file}.`);
			writeAccounts(file, accounts);
			return `Removed operator ${id}.`;
		}
		case 'list':
			if (id) throw new OperatorAccountError(USAGE);
			return accounts.size === 0
				? `No operators in ${file}. Add one with: npm run operator -- add ID --name "Name"`
				: [...accounts.values()].map((a) => `${a.id}\t${a.name}`).join('\n');
		case 'mosquitto-acl':
			if (id) throw new OperatorAccountError(USAGE);
			return mosquittoAcl([...accounts.keys()]);
		default:
			throw new OperatorAccountError(USAGE);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main(process.argv.slice(2)).then(
		(out) => console.log(out),
		(e) => {
			console.error(
				e instanceof OperatorAccountError
					? `operator: ${e.message}`
					: `operator: could not update the accounts file (${e.code ?? e.name}).`
			);
			process.exit(2);
		}
	);
}
