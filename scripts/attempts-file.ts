// Failed verification attempts kept in a JSON file, for the Node CLIs (the simulator, the
// verification CLI): one file is one device's record across runs.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import type { AttemptRecord, AttemptStore } from '../src/lib/agents/tools/verification';

const FileSchema = v.object({
	v: v.literal(1),
	attempts: v.array(
		v.object({
			key: v.pipe(v.string(), v.minLength(1)),
			failures: v.pipe(v.number(), v.integer(), v.minValue(0)),
			since: v.number(),
			lockedUntil: v.optional(v.number())
		})
	)
});

export class FileAttemptStore implements AttemptStore {
	readonly path: string;
	#rows = new Map<string, AttemptRecord>();

	constructor(path: string) {
		this.path = path;
	}

	async load(): Promise<AttemptRecord[]> {
		if (!existsSync(this.path)) return [];
		let json: unknown;
		try {
			json = JSON.parse(readFileSync(this.path, 'utf8'));
		} catch (e) {
			throw new Error(`${this.path} is not an attempts file: ${(e as Error).message}`);
		}
		const r = v.safeParse(FileSchema, json);
		if (!r.success)
			throw new Error(
				`${this.path} is not an attempts file: ${r.issues[0].message} (delete it to start afresh)`
			);
		this.#rows = new Map(r.output.attempts.map((a) => [a.key, a]));
		return [...this.#rows.values()];
	}

	async save(record: AttemptRecord): Promise<void> {
		this.#rows.set(record.key, record);
		this.#write();
	}

	async remove(key: string): Promise<void> {
		this.#rows.delete(key);
		this.#write();
	}

	#write(): void {
		// Write beside and rename, so a crash never leaves half a file.
		const tmp = `${this.path}.tmp`;
		writeFileSync(tmp, JSON.stringify({ v: 1, attempts: [...this.#rows.values()] }, null, 1));
		renameSync(tmp, this.path);
	}
}
