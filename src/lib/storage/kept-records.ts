import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Row } from '$lib/agents/flows/schema';
import type { TableData } from '$lib/agents/flows/tables';
import type { KeptRecords } from '$lib/agents/tools/runtime';

// Records a flow keeps across calls (a table with `"keep": true`: bookings, tickets, disputes),
// in this browser. One database of its own, keyed by flow, table and record key, so two companies
// loaded in one browser never see each other's records. A call starts with the flow's rows plus
// what earlier calls kept; a record a tool makes is written through before the caller hears it.

type Kept = { flow: string; table: string; key: string; row: Row; at: string };

interface KeptDB extends DBSchema {
	records: { key: [string, string, string]; value: Kept; indexes: { flow: string } };
}

export const KEPT_DB = 'baton-records';

export class IdbKeptRecords implements KeptRecords {
	readonly #db: IDBPDatabase<KeptDB>;
	readonly #flow: string;
	readonly #keys: Record<string, string>;

	private constructor(db: IDBPDatabase<KeptDB>, flow: string, keys: Record<string, string>) {
		this.#db = db;
		this.#flow = flow;
		this.#keys = keys;
	}

	/** Opens the records of the flow `flowId`; `keys` names each table's key field. */
	static async open(
		flowId: string,
		keys: Record<string, string>,
		name = KEPT_DB
	): Promise<IdbKeptRecords> {
		const db = await openDB<KeptDB>(name, 1, {
			upgrade(db) {
				const store = db.createObjectStore('records', { keyPath: ['flow', 'table', 'key'] });
				store.createIndex('flow', 'flow');
			}
		});
		return new IdbKeptRecords(db, flowId, keys);
	}

	async save(table: string, row: Row): Promise<void> {
		const key = String(row[this.#keys[table] ?? 'id'] ?? '');
		const tx = this.#db.transaction('records', 'readwrite', { durability: 'strict' });
		await tx.store.put({
			flow: this.#flow,
			table,
			key,
			row: structuredClone(row),
			at: new Date().toISOString()
		});
		await tx.done;
	}

	/** What earlier calls kept, by table. */
	async load(): Promise<TableData> {
		const out: TableData = {};
		for (const r of await this.#db.getAllFromIndex('records', 'flow', this.#flow))
			(out[r.table] ??= []).push(r.row);
		return out;
	}

	close(): void {
		this.#db.close();
	}
}

/** The flow's rows with what earlier calls kept added (a kept record never replaces a row). */
export function withKept(
	data: TableData,
	kept: TableData,
	keys: Record<string, string>
): TableData {
	const out: TableData = { ...data };
	for (const [table, rows] of Object.entries(kept)) {
		if (!(table in keys)) continue;
		const key = keys[table]!;
		const have = new Set((out[table] ?? []).map((r) => String(r[key])));
		out[table] = [...(out[table] ?? []), ...rows.filter((r) => !have.has(String(r[key])))];
	}
	return out;
}
