import { describe, expect, it } from 'vitest';
import { demoFlow } from '../demo';
import { LlmRouter } from './llm-router';
import { FakeMLCEngine } from '../../testing/fake-llm';
import { demoRouter, runCall } from '../../testing/calls';
import { Session } from '../session';
import { demoDataset } from '../demo';

describe('LLM second stage', () => {
	it('asks with a JSON schema restricted to the personas triage may hand to', async () => {
		const engine = new FakeMLCEngine(['{"route": "billing", "confidence": 0.8, "reason": "bill"}']);
		const out = await new LlmRouter({ engine, flow: demoFlow }).route(
			'so about that thing last month'
		);
		expect(out).toMatchObject({
			ok: true,
			decision: { personaId: 'billing', confidence: 0.8, source: 'llm' }
		});
		const req = engine.requests[0]!;
		expect(req.response_format?.type).toBe('json_object');
		const schema = JSON.parse(req.response_format!.schema!);
		expect(schema.properties.route.anyOf[0].enum).toEqual([
			'billing',
			'support',
			'sales',
			'retention',
			'human'
		]);
	});

	it.each([
		['{"route": "astrology", "confidence": 0.9, "reason": "x"}', 'unknown_persona'],
		['{"route": "billing", "confidence": 1.7, "reason": "x"}', 'invalid_answer'],
		['{"route": "billing", "confidence": 0.9}', 'invalid_answer'],
		['{"route": "billing", "confidence": 0.9, "reason": "x", "extra": 1}', 'invalid_answer'],
		['sure! {route: billing}', 'malformed_json'],
		['', 'malformed_json']
	])('refuses %s', async (content, error) => {
		const out = await new LlmRouter({ engine: new FakeMLCEngine([content]), flow: demoFlow }).route(
			'hmm'
		);
		expect(out).toMatchObject({ ok: false, error });
	});

	it('refuses an engine error and a timeout, interrupting the generation', async () => {
		const failing = await new LlmRouter({
			engine: new FakeMLCEngine([new Error('GPU device lost')]),
			flow: demoFlow
		}).route('x');
		expect(failing).toMatchObject({ ok: false, error: 'engine_failed' });
		const engine = new FakeMLCEngine([
			{ delayMs: 200, content: '{"route":"billing","confidence":1,"reason":""}' }
		]);
		const slow = await new LlmRouter({ engine, flow: demoFlow, timeoutMs: 20 }).route('x');
		expect(slow).toMatchObject({ ok: false, error: 'timeout' });
		expect(engine.interrupted).toBe(1);
	});

	it('routes an unclear turn in a call when the model is sure, and falls back to a question when it is not', async () => {
		const sure = new Session({
			flow: demoFlow,
			dataset: demoDataset,
			router: demoRouter(),
			llmRouter: new LlmRouter({
				engine: new FakeMLCEngine([
					'{"route": "support", "confidence": 0.9, "reason": "connectivity"}'
				]),
				flow: demoFlow
			})
		});
		await sure.start();
		// Words with a topic the classifier cannot place; a bare "hmm" has none for a model to read.
		await sure.hear('something is off with it');
		expect(sure.owner.id).toBe('support');
		expect(sure.audit).toContainEqual(
			expect.objectContaining({ type: 'route', source: 'llm', personaId: 'support' })
		);

		const broken = new Session({
			flow: demoFlow,
			dataset: demoDataset,
			router: demoRouter(),
			llmRouter: new LlmRouter({
				engine: new FakeMLCEngine(['{"route": "finance-bot", "confidence": 0.99, "reason": ""}']),
				flow: demoFlow
			})
		});
		await broken.start();
		await broken.hear('something is off with it');
		expect(broken.owner.id).toBe('triage');
		expect(broken.record.transcript.at(-1)!.text).toMatch(
			/right place|a little more|catch that|is this about/
		);
		expect(broken.audit).toContainEqual(
			expect.objectContaining({ type: 'llm_rejected', error: 'unknown_persona' })
		);
	});

	it('works the same without a model', async () => {
		const s = await runCall(['hmm']);
		expect(s.owner.id).toBe('triage');
	});
});
