import type { EntityType } from '../handoff/context-package';
import type { Flow } from '../flow';
import type { TableData } from '../flows/tables';

// What entity extraction knows of one company: the identifiers and phone numbers its callers have
// (so "ac 10021" reads as "AC-10021"), the names its tables hold for each slot (plans, devices,
// treatments), and the formats its slots declare as patterns. Built once per flow and data.

export type Vocabulary = {
	/** Known record identifiers (the `account_id` slot's values). */
	ids: string[];
	/** Known phone numbers, for their stored format. */
	phones: string[];
	/** The company's identifier formats (account, order, phone): read before any generic rule. */
	idPatterns: { type: EntityType; re: RegExp; value?: string }[];
	values: {
		type: EntityType;
		/** Each value with the ways a caller may say it. */
		names: { value: string; said: string[] }[];
		patterns: { re: RegExp; value?: string }[];
	}[];
};

function strings(x: unknown): string[] {
	if (Array.isArray(x)) return x.filter((v): v is string => typeof v === 'string');
	return typeof x === 'string' || typeof x === 'number' ? [String(x)] : [];
}

/** Entity types that are identifiers: a flow's formats for them are read first. */
const ID_TYPES = new Set<EntityType>(['account_id', 'phone', 'order_id']);

export function vocabularyOf(flow: Flow, data: TableData): Vocabulary {
	const vocab: Vocabulary = { ids: [], phones: [], idPatterns: [], values: [] };
	for (const slot of flow.slots) {
		if (ID_TYPES.has(slot.entity))
			for (const p of slot.patterns ?? [])
				vocab.idPatterns.push({
					type: slot.entity,
					re: new RegExp(p.match, 'i'),
					...(p.value !== undefined ? { value: p.value } : {})
				});
		const rows = slot.values ? (data[slot.values.table] ?? []) : [];
		const names: { value: string; said: string[] }[] = [];
		for (const row of rows) {
			for (const value of strings(row[slot.values!.field])) {
				const said = [value];
				if (slot.values!.alsoField)
					for (const other of strings(row[slot.values!.alsoField]))
						said.push(other.replace(/[-_]/g, ' '));
				names.push({ value, said });
			}
		}
		if (slot.entity === 'account_id') {
			vocab.ids.push(...names.map((n) => n.value));
			continue;
		}
		if (slot.entity === 'phone') {
			vocab.phones.push(...names.map((n) => n.value));
			continue;
		}
		if (ID_TYPES.has(slot.entity)) {
			if (names.length > 0)
				vocab.values.push({ type: slot.entity, names: dedupe(names), patterns: [] });
			continue;
		}
		const patterns = (slot.patterns ?? []).map((p) => ({
			re: new RegExp(p.match, 'i'),
			...(p.value !== undefined ? { value: p.value } : {})
		}));
		if (names.length > 0 || patterns.length > 0)
			vocab.values.push({ type: slot.entity, names: dedupe(names), patterns });
	}
	return vocab;
}

function dedupe(names: { value: string; said: string[] }[]) {
	const seen = new Set<string>();
	return names.filter((n) => {
		const k = n.value.toLowerCase();
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}
