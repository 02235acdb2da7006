import { describe, expect, it } from 'vitest';
import { demoDataset, demoFlow } from '../demo';
import { simulate, type SimulatedCall, type SimulationError } from './simulator';
import { parseContextPackage } from '../handoff/context-package';
import { demoRouter, runCall } from '../../testing/calls';

async function run(lines: string[], human: 'available' | 'unavailable' = 'available') {
	const out: (SimulatedCall | SimulationError)[] = [];
	for await (const r of simulate({
		flow: demoFlow,
		dataset: demoDataset,
		lines,
		human,
		router: demoRouter()
	}))
		out.push(r);
	return out;
}

describe('simulator', () => {
	it('round-trips scripted calls in input order, with valid packages', async () => {
		const out = await run([
			JSON.stringify({ id: 'a', turns: ['what is my balance', 'AC-10021 pin 4821', 'bye'] }),
			JSON.stringify({ id: 'b', turns: ['my phone has no signal', 'zip 60614'] }),
			JSON.stringify({ id: 'c', turns: ['speak to a human please'] })
		]);
		expect(out.map((r) => r.id)).toEqual(['a', 'b', 'c']);
		const [a, b, c] = out as SimulatedCall[];
		expect(a).toMatchObject({ personas: ['triage', 'billing'], outcome: 'resolved' });
		expect(b).toMatchObject({ personas: ['triage', 'support'], outcome: 'resolved' });
		expect(c).toMatchObject({
			personas: ['triage', 'human'],
			outcome: 'human',
			hops: [{ from: 'triage', to: 'human', trigger: 'explicit_request' }]
		});
		for (const r of out as SimulatedCall[])
			for (const p of r.packages) expect(() => parseContextPackage(p)).not.toThrow();
	});

	it('reports malformed lines with their number and goes on', async () => {
		const out = await run([
			'{"id": "ok", "turns": ["hi"]}',
			'not json',
			'{"id": "x", "turns": "nope"}',
			'',
			'{"turns": []}',
			'{"id": "z", "turns": []}'
		]);
		expect(out.map((r) => r.id)).toEqual(['ok', null, null, null, 'z']);
		expect(out[1]).toMatchObject({ id: null, line: 2 });
		expect(out[2]).toMatchObject({ id: null, line: 3 });
		expect(out[3]).toMatchObject({ id: null, line: 5 });
	});

	it('with no person available, the caller can queue, get a callback, or go back to the AI', async () => {
		const out = (await run(
			[
				JSON.stringify({ id: 'q', turns: ['I want a real person'] }),
				JSON.stringify({
					id: 'cb',
					turns: ['my phone number is 415-555-0134, get me a human', 'call me back please']
				}),
				JSON.stringify({
					id: 'ai',
					turns: ['operator', 'go back to the assistant', 'what is my balance']
				})
			],
			'unavailable'
		)) as SimulatedCall[];
		expect(out[0]!.outcome).toBe('queued');
		expect(out[1]!.outcome).toBe('callback');
		expect(out[1]!.transcript.at(-1)!.text).toContain('415-555-0134');
		expect(out[2]!.personas).toEqual(['triage', 'billing']);
	});

	it('shows the caller on hold, not speaking, while they choose what happens next', async () => {
		// Regression: the state stayed "speaking" after the fallback offer was read out.
		const s = await runCall(['I want a real person'], 'unavailable');
		expect(s.awaitingFallback).toBe(true);
		expect(s.state).toBe('on_hold');
		await s.hear('hmm');
		expect(s.state).toBe('on_hold');
	});
});
