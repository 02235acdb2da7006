import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowIssues, loadFlow } from './load';
import type { Row } from './schema';
import { Router } from '../routing/router';
import { Session } from '../session';
import { simulateCall } from '../cli/simulator';
import { DisclosureCheck } from '../tools/disclosure';
import type { KeptRecords } from '../tools/runtime';

// The second company that ships as a file: a dental clinic with its own personas, identifiers
// (BSD patient numbers, a passcode), tables and tools, run by the same engine as the phone company
// with no code of its own. Calls go through the real loader, router and Session.

const FILE = 'flows/bright-smile-dental.json';
const raw = () => JSON.parse(readFileSync(FILE, 'utf8'));
const { flow, data } = loadFlow(raw());
let router: Router;

beforeAll(() => {
	router = Router.train(flow);
});

/** Keeps what a tool saves, as IndexedDB would across calls. */
class SavedRecords implements KeptRecords {
	readonly saved: { table: string; row: Row }[] = [];
	async save(table: string, row: Row): Promise<void> {
		this.saved.push({ table, row: { ...row } });
	}
}

async function call(turns: readonly string[], kept?: KeptRecords): Promise<Session> {
	const session = new Session({
		flow,
		dataset: data,
		router,
		human: 'available',
		...(kept ? { kept } : {})
	});
	await session.start();
	for (const t of turns) await session.hear(t);
	return session;
}

const agentLines = (s: Session, persona?: string) =>
	s.record.transcript
		.filter((t) => t.role === 'agent' && (persona === undefined || t.personaId === persona))
		.map((t) => t.text);
const lastAgent = (s: Session) => agentLines(s).at(-1) ?? '';
const rows = (s: Session, table: string) => s.tables.rows(table);
const opening = (s: Session, id: string) => rows(s, 'openings').find((r) => r.id === id)!;

const DANA = 'my patient number is BSD-20417 and my passcode is 5150';

describe('the dental clinic flow file', () => {
	it('loads with the real loader and nothing wrong with it', () => {
		expect(flowIssues(raw())).toEqual([]);
		expect(flow.company.name).toBe('Bright Smile Dental');
		expect(flow.personas.map((p) => p.id)).toEqual([
			'reception',
			'appointments',
			'insurance',
			'billing',
			'clinic-team'
		]);
		for (const p of flow.personas.filter((x) => x.kind === 'specialist'))
			for (const i of p.intents.filter((x) => x.examples.length > 0))
				expect(i.examples.length, i.id).toBeGreaterThanOrEqual(10);
		expect(data.patients!.length).toBeGreaterThanOrEqual(6);
	});

	it('routes callers to each of its own personas', () => {
		const cases: [string, string][] = [
			['can I come in next week for a checkup', 'appointments'],
			['what time is my cleaning', 'appointments'],
			['is a root canal covered by my plan', 'insurance'],
			['do you accept ToothTrust', 'insurance'],
			['I received an invoice I have questions about', 'billing'],
			['how much do I still owe you', 'billing'],
			['can I speak to a human', 'clinic-team']
		];
		for (const [text, persona] of cases) expect(router.route(text).personaId, text).toBe(persona);
		expect(router.route('what is the weather tomorrow').personaId).toBeNull();
	});
});

describe('a dental call', () => {
	it('verifies by patient number and passcode, and not with a wrong passcode', async () => {
		const s = await call([
			'When is my next appointment?',
			'my patient number is BSD-20858 and my passcode is 1111'
		]);
		expect(s.record.verified).toBeUndefined();
		expect(lastAgent(s)).toMatch(/don't match our records/);
		expect(lastAgent(s)).not.toMatch(/December/);
		await s.hear('Sorry about that. My passcode is 4403.');
		expect(s.record.verified).toMatchObject({ accountId: 'BSD-20858', name: 'Hannah Okonjo' });
		expect(lastAgent(s)).toMatch(/Friday, December 11 at 3:00 pm with Dr\. Anika Rao/);
		// The appointment's record id is not read out: the patient needs the time, not the key.
		expect(lastAgent(s)).toMatch(/for your root canal\./);
		expect(lastAgent(s)).not.toContain('VISIT-0008');
	});

	it('verifies by the phone number on file too, and an unknown patient number verifies no one', async () => {
		const byPhone = await call([
			'How much do I owe?',
			'my phone number is 503-555-0142 and my passcode is 5150'
		]);
		expect(byPhone.record.verified?.accountId).toBe('BSD-20417');
		const unknown = await call([
			'How much do I owe?',
			'my patient number is BSD-99999 and my passcode is 5150'
		]);
		expect(unknown.record.verified).toBeUndefined();
		expect(lastAgent(unknown)).not.toMatch(/\$/);
	});

	it('answers from the tables: an invoice, and what a plan covers', async () => {
		const bill = await call(['Why do I owe $180?', DANA]);
		const answer = lastAgent(bill);
		const invoice = data.invoices!.find((r) => r.id === 'INV-318')!;
		expect(answer).toContain('INV-318');
		expect(answer).toContain(`$${Number(invoice.total).toLocaleString('en-US')} in total`);
		expect(answer).toContain(`covered $${Number(invoice.covered).toLocaleString('en-US')},`);
		expect(answer).toContain('$180 is due');
		expect(answer).not.toMatch(/\.00\b/);
		expect(bill.record.actions.map((a) => a.tool)).toEqual(['patient.verify', 'bill.explain']);

		const cover = await call(['Does Harbor Dental PPO cover a root canal?']);
		expect(cover.record.verified).toBeUndefined();
		expect(lastAgent(cover)).toMatch(/Harbor Dental PPO covers 50% of major work/);
		expect(lastAgent(cover)).toContain('$950');
	});

	it('books a free time only after the patient says yes, and keeps it', async () => {
		const kept = new SavedRecords();
		const before = rows(await call([]), 'appointments').length;
		const s = await call(
			['I would like to book a cleaning', DANA, 'Thursday at 2 pm please'],
			kept
		);
		expect(lastAgent(s)).toMatch(/Shall I book it\?/);
		expect(rows(s, 'appointments')).toHaveLength(before);
		expect(opening(s, 'dec10-1400').status).toBe('free');
		expect(kept.saved).toEqual([]);

		await s.hear('yes please');
		const made = rows(s, 'appointments').slice(before);
		expect(made).toEqual([
			expect.objectContaining({
				patientId: 'BSD-20417',
				slotId: 'dec10-1400',
				reason: 'cleaning',
				status: 'booked'
			})
		]);
		expect(opening(s, 'dec10-1400').status).toBe('taken');
		expect(lastAgent(s)).toContain(String(made[0]!.id));
		expect(kept.saved).toEqual([{ table: 'appointments', row: made[0] }]);
	});

	it('books nothing when the patient says no', async () => {
		const before = rows(await call([]), 'appointments').length;
		const s = await call([
			'Can I make an appointment for a filling?',
			DANA,
			'how about Tuesday at 9:30',
			'no, not that one'
		]);
		expect(lastAgent(s)).toMatch(/haven't booked anything/);
		expect(rows(s, 'appointments')).toHaveLength(before);
		expect(opening(s, 'dec08-0930').status).toBe('free');
		expect(s.record.actions.some((a) => a.tool === 'appt.book' || a.tool === 'appt.hold')).toBe(
			false
		);
	});

	it('makes one booking per time: not twice for the same patient, not over another patient', async () => {
		const before = rows(await call([]), 'appointments').length;
		const s = await call(['I would like to book a cleaning', DANA, 'Thursday at 2 pm', 'yes']);
		expect(rows(s, 'appointments')).toHaveLength(before + 1);
		await s.hear('can you also put me down for December 10 at 2 pm');
		expect(lastAgent(s)).toMatch(/already your appointment/);
		await s.hear('yes');
		expect(rows(s, 'appointments')).toHaveLength(before + 1);

		// Monday at 9 is another patient's appointment.
		const taken = await call(['I need a check-up on Monday at 9 am', DANA]);
		expect(lastAgent(taken)).toMatch(/Monday, December 7 at 9:00 am is already taken/);
		await taken.hear('yes');
		expect(rows(taken, 'appointments')).toHaveLength(before);
		expect(lastAgent(taken)).not.toMatch(/Marcus|BSD-20533|VISIT-0004/);
	});

	it('hands to another persona with the verified identity and never the passcode', async () => {
		const s = await call([
			'Why am I being charged $350?',
			'my patient number is BSD-21075 and my passcode is 3309',
			'does my insurance cover a crown though?'
		]);
		const pkg = s.packages.at(-1)!;
		expect(pkg.from.personaId).toBe('billing');
		expect(pkg.to.personaId).toBe('insurance');
		expect(pkg.caller).toMatchObject({
			accountId: 'BSD-21075',
			name: 'Mei Tanaka',
			phone: '503-555-0130',
			verified: true,
			verifiedBy: 'passcode'
		});
		expect(JSON.stringify(s.packages)).not.toContain('3309');
		expect(JSON.stringify(s.audit)).not.toContain('3309');
		const insurance = agentLines(s, 'insurance').join(' ');
		// It proves the context travelled and asks for nothing the package holds.
		expect(insurance).toMatch(/Mei, I can see you're verified/);
		expect(insurance).toMatch(/ToothTrust Premier covers 60% of major work/);
		expect(insurance).not.toMatch(/patient number|passcode|Which insurance plan/);
	});

	it('hands to a person: when asked, for a payment, and at once for an urgent problem', async () => {
		const asked = await call(['Can I talk to a receptionist please?']);
		expect(asked.packages.at(-1)).toMatchObject({
			to: { personaId: 'clinic-team', kind: 'human' },
			trigger: { kind: 'explicit_request' }
		});

		const pay = await call(["I'd like to pay my bill"]);
		expect(pay.packages.at(-1)).toMatchObject({
			to: { personaId: 'clinic-team' },
			trigger: { kind: 'workflow' }
		});

		const urgent = await call(['My face is swollen on one side and I can hardly swallow']);
		expect(urgent.owners).toEqual(['reception', 'clinic-team']);
		expect(urgent.packages).toHaveLength(1);
		expect(urgent.packages[0]).toMatchObject({
			trigger: { kind: 'sensitive_topic', detail: 'swelling' },
			nextStep: expect.stringMatching(/emergency/i)
		});

		const midCall = await call([
			'I want to book an appointment',
			'BSD-20742 and my passcode is 6017',
			"actually my gum won't stop bleeding since yesterday"
		]);
		expect(midCall.packages.at(-1)).toMatchObject({
			to: { personaId: 'clinic-team' },
			trigger: { kind: 'sensitive_topic', detail: 'bleeding' },
			caller: { accountId: 'BSD-20742', verified: true }
		});
	});

	it('tells a verified patient nothing about another patient', async () => {
		const s = await call(["What's my balance?", DANA, 'and what does BSD-20533 owe?']);
		expect(lastAgent(s)).toMatch(/only help with the file you verified, BSD-20417/);
		// The refusal ran no tool: the actions are the caller's own balance look-ups.
		expect(s.record.actions.map((a) => a.args.patientId)).toEqual([
			'BSD-20417',
			'BSD-20417',
			'BSD-20417'
		]);
		const check = new DisclosureCheck(flow, data);
		for (const line of agentLines(s)) expect(check.leaksIn(line, s.record), line).toEqual([]);
		// The check is not blind: another patient's name, file or invoice said to Dana is caught
		// (BSD-20533 itself is not: Dana said it first).
		expect(check.leaksIn('Marcus Bell has an appointment too.', s.record)).not.toEqual([]);
		expect(check.leaksIn('Patient BSD-20611 is all paid up.', s.record)).not.toEqual([]);
		expect(check.leaksIn('Invoice INV-303 is paid.', s.record)).not.toEqual([]);
	});
});

describe('the scripted dental calls', () => {
	it('all run, and no agent line gives away another patient', async () => {
		const scripts = readFileSync('examples/dental-calls.jsonl', 'utf8')
			.split('\n')
			.filter((l) => l.trim())
			.map((l) => JSON.parse(l) as { id: string; turns: string[] });
		expect(scripts.length).toBeGreaterThanOrEqual(15);
		const check = new DisclosureCheck(flow, data);
		const owners = new Set<string>();
		for (const script of scripts) {
			let session: Session | undefined;
			const c = await simulateCall({
				flow,
				dataset: data,
				router,
				human: 'available',
				id: script.id,
				turns: script.turns,
				onSession: (s) => (session = s)
			});
			for (const p of c.personas) owners.add(p);
			for (const t of c.transcript.filter((x) => x.role === 'agent'))
				expect(check.leaksIn(t.text, session!.record), `${c.id}: ${t.text}`).toEqual([]);
			const secrets = data.patients!.map((p) => String(p.passcode));
			// Ids and times are random digits and letters: a passcode can turn up inside a UUID.
			const words = (x: unknown) =>
				JSON.stringify(x, (k, v) =>
					['handoffId', 'callId', 'createdAt', 'at'].includes(k) ? undefined : v
				);
			for (const secret of secrets) {
				expect(words(c.packages), String(c.id)).not.toContain(secret);
				expect(words(c.transcript), String(c.id)).not.toContain(secret);
			}
		}
		expect([...owners].sort()).toEqual([
			'appointments',
			'billing',
			'clinic-team',
			'insurance',
			'reception'
		]);
	});
});
