import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row, TableDef, ToolDef } from '../flows/schema';
import { Scope } from '../flows/scope';
import { Tables } from '../flows/tables';
import { ToolRuntime } from './runtime';

// The generic tool kinds over a small clinic's tables: nothing here knows the demo company.

const tables: TableDef[] = [
	{
		id: 'patients',
		key: 'id',
		private: true,
		fields: [
			{ name: 'id', type: 'id' },
			{ name: 'name', type: 'name' },
			{ name: 'code', type: 'secret' },
			{ name: 'planId', type: 'ref', table: 'plans' }
		]
	},
	{
		id: 'plans',
		key: 'id',
		label: 'name',
		fields: [
			{ name: 'id', type: 'id' },
			{ name: 'name', type: 'text' },
			{ name: 'monthly', type: 'money' },
			{ name: 'covers', type: 'list' }
		]
	},
	{
		id: 'visits',
		key: 'id',
		private: true,
		owner: 'patientId',
		fields: [
			{ name: 'id', type: 'id' },
			{ name: 'patientId', type: 'ref', table: 'patients' },
			{ name: 'date', type: 'date' },
			{ name: 'amount', type: 'money' },
			{ name: 'what', type: 'text' }
		]
	},
	{
		id: 'bookings',
		key: 'id',
		private: true,
		owner: 'patientId',
		keep: true,
		fields: [
			{ name: 'id', type: 'id' },
			{ name: 'patientId', type: 'ref', table: 'patients' },
			{ name: 'slot', type: 'text' }
		]
	}
];
const data = {
	patients: [
		{ id: 'P-1', name: 'Ann Able', code: '1111', planId: 'basic' },
		{ id: 'P-2', name: 'Bo Best', code: '2222', planId: 'gold' }
	],
	plans: [
		{ id: 'basic', name: 'Basic Care', monthly: 20, covers: ['cleanings', 'x-rays'] },
		{ id: 'gold', name: 'Gold Care', monthly: 45, covers: ['cleanings', 'X-rays', 'fillings'] }
	],
	visits: [
		{ id: 'V-1', patientId: 'P-1', date: '2026-10-01', amount: 80, what: 'Cleaning' },
		{ id: 'V-2', patientId: 'P-1', date: '2026-10-03', amount: 80, what: 'Cleaning' },
		{ id: 'V-3', patientId: 'P-2', date: '2026-10-02', amount: 300, what: 'Crown' }
	],
	bookings: [] as Row[]
};

function setup(callerId?: string, options = {}) {
	const t = new Tables(tables, data);
	const caller = callerId ? t.get('patients', callerId) : undefined;
	const runtime = new ToolRuntime(t, options);
	const scope = new Scope(t, { caller }, new Map());
	const run = (tool: ToolDef, args: Record<string, unknown> = {}) =>
		runtime.run(tool, args, { scope, caller, identityTable: 'patients' });
	return { t, run };
}

describe('tool kinds', () => {
	it('lists only the verified caller’s private rows, each worded by the item template', async () => {
		const list: ToolDef = {
			id: 'visits.list',
			kind: 'list',
			table: 'visits',
			item: '{row.what} on {row.date} ({row.amount|money})',
			result: 'Visits: {items}.',
			empty: 'No visits.'
		};
		expect((await setup('P-1').run(list)).result).toBe(
			'Visits: Cleaning on 2026-10-01 ($80); Cleaning on 2026-10-03 ($80).'
		);
		expect((await setup().run(list)).result).toBe('No visits.');
	});

	it('picks the row the caller means, prefers a repeat, and classifies it', async () => {
		const pick: ToolDef = {
			id: 'visits.explain',
			kind: 'pick',
			table: 'visits',
			args: { amount: '' },
			match: [{ arg: 'amount', field: 'amount', how: 'amount' }],
			prefer: [{ repeats: { same: ['amount', 'what'], withinDays: 7 } }],
			classify: [
				{
					kind: 'repeat',
					when: { repeats: { same: ['amount', 'what'], withinDays: 7 } },
					reads: 'billed twice'
				},
				{ kind: 'one', reads: 'a {row.what|lower}' }
			],
			result: '{row.id} is {reads}.',
			failed: 'No visit {args.amount|money|prefix:"of "|default:"like that"}.'
		};
		const { run } = setup('P-1');
		expect((await run(pick, { amount: 80 })).result).toBe('V-2 is billed twice.');
		expect((await run(pick, { amount: 300 })).ok).toBe(false);
	});

	it('follows refs in templates and compares two rows', async () => {
		const compare: ToolDef = {
			id: 'plans.compare',
			kind: 'compare',
			table: 'plans',
			a: '{caller.planId}',
			b: '{args.to}',
			args: { to: '' },
			field: 'monthly',
			result:
				'{a.name} to {b.name} is {difference|abs|money} {difference|moreless} ({caller.planId.name}).'
		};
		expect((await setup('P-1').run(compare, { to: 'Gold Care' })).result).toBe(
			'Basic Care to Gold Care is $25 more (Basic Care).'
		);
		// A list field's items only one side has: what a move loses, and what it adds.
		const changes = {
			...compare,
			result: 'lost [{lost.covers|join}] gained [{gained.covers|join}]'
		};
		expect((await setup('P-1').run(changes, { to: 'Gold Care' })).result).toBe(
			'lost [] gained [fillings]'
		);
		expect(
			(await setup('P-1').run({ ...changes, a: '{args.to}', b: '{caller.planId}' }, { to: 'gold' }))
				.result
		).toBe('lost [fillings] gained []');
	});

	it('creates one record per subject, refuses a ref to someone else’s row, and keeps it', async () => {
		const saved: Row[] = [];
		const kept = { save: async (_t: string, row: Row) => void saved.push(row) };
		const book: ToolDef = {
			id: 'book',
			kind: 'create',
			table: 'bookings',
			args: { slot: '' },
			prefix: 'B-',
			values: { patientId: '{caller.id}', slot: '{args.slot}' },
			unique: ['slot'],
			result: 'Booked {row.slot} as {row.id}.',
			existing: 'Already booked {row.slot} as {row.id}.'
		};
		const { run, t } = setup('P-1', { kept });
		expect((await run(book, { slot: 'Mon 9:00' })).result).toBe('Booked Mon 9:00 as B-0001.');
		expect((await run(book, { slot: 'Mon 9:00' })).result).toBe(
			'Already booked Mon 9:00 as B-0001.'
		);
		expect(t.rows('bookings')).toHaveLength(1);
		expect(saved).toHaveLength(1);
		const forOther: ToolDef = { ...book, values: { patientId: 'P-2', slot: '{args.slot}' } };
		expect((await run(forOther, { slot: 'Tue' })).ok).toBe(false);
		const full = { save: async () => Promise.reject(new Error('QuotaExceededError')) };
		const r = await setup('P-1', { kept: full }).run(book, { slot: 'Wed' });
		expect(r).toMatchObject({ ok: false, result: expect.stringContaining('could not be saved') });
	});

	it('updates only when the row allows it, and reads the old value', async () => {
		const change: ToolDef = {
			id: 'plan.change',
			kind: 'update',
			table: 'patients',
			args: { to: '' },
			key: '{caller.id}',
			set: { planId: '{args.to}' },
			requires: { when: { path: 'row.name', matches: '^Ann' }, otherwise: 'Not for {row.name}.' },
			result: 'From {before.planId.name} to {row.planId.name}.'
		};
		const { run, t } = setup('P-1');
		expect((await run(change, { to: 'nope' })).ok).toBe(false);
		expect((await run(change, { to: 'gold' })).result).toBe('From Basic Care to Gold Care.');
		expect(t.get('patients', 'P-1')?.planId).toBe('gold');
		expect((await setup('P-2').run(change, { to: 'basic' })).result).toBe('Not for Bo Best.');
	});
});

describe('the http tool', () => {
	let server: Server;
	let base = '';
	const seen: unknown[] = [];
	beforeAll(async () => {
		server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				seen.push(body ? JSON.parse(body) : req.url);
				if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 1500);
				if (req.url === '/bad') return res.end('{"status": 7}');
				if (req.url === '/error') {
					res.statusCode = 500;
					return res.end('no');
				}
				res.setHeader('content-type', 'application/json');
				res.end(JSON.stringify({ status: 'ready for pickup', extra: 'ignored' }));
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((r) => server.close(() => r())));

	const tool = (path: string, timeoutMs = 1000): ToolDef => ({
		id: 'repair.status',
		kind: 'http',
		url: `${base}${path}`,
		args: { order: '{caller.id}' },
		timeoutMs,
		reply: { status: 'text' },
		result: 'Order {args.order}: {reply.status}.'
	});

	it('posts validated arguments and says only the fields it declared', async () => {
		const r = await setup('P-1').run(tool('/ok'), { order: 'P-1' });
		expect(r).toMatchObject({ ok: true, result: 'Order P-1: ready for pickup.' });
		expect(seen.at(-1)).toEqual({ order: 'P-1' });
		expect(JSON.stringify(r.data)).not.toContain('ignored');
	});

	it('fails cleanly on a timeout, an error status and a reply of the wrong shape', async () => {
		const { run } = setup('P-1');
		expect((await run(tool('/slow', 200))).result).toMatch(/did not answer within 200 ms/);
		expect((await run(tool('/error'))).result).toMatch(/answered 500/);
		expect((await run(tool('/bad'))).result).toMatch(/without a valid status/);
	});
});
