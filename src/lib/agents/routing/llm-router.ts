import type { ChatCompletionRequestNonStreaming, MLCEngineInterface } from '@mlc-ai/web-llm';
import * as v from 'valibot';
import type { Flow } from '../flow';
import type { RouteDecision } from './router';

// Stage two of triage: when the classifier is unsure and a model is loaded, ask the LLM with a
// JSON-schema constrained answer. The answer is data from a model, so it is validated like any
// other untrusted input, restricted to the personas this flow lets triage hand to, and thrown away
// (falling back to the clarifying question) at the first sign of trouble.

/** The part of web-llm's engine this router uses; `MLCEngine` and `WebWorkerMLCEngine` both fit. */
export type ChatEngine = Pick<MLCEngineInterface, 'chatCompletion' | 'interruptGenerate'>;

export type LlmRouteOutcome =
	| { ok: true; decision: RouteDecision; reason: string }
	| {
			ok: false;
			error: 'engine_failed' | 'timeout' | 'malformed_json' | 'invalid_answer' | 'unknown_persona';
			detail: string;
	  };

export class LlmRouter {
	readonly #engine: ChatEngine;
	readonly #flow: Flow;
	readonly #allowed: string[];
	readonly #timeoutMs: number;
	readonly #schema: v.GenericSchema<
		unknown,
		{ route: string | null; confidence: number; reason: string }
	>;

	constructor(options: { engine: ChatEngine; flow: Flow; timeoutMs?: number }) {
		this.#engine = options.engine;
		this.#flow = options.flow;
		const triage = options.flow.personas.find((p) => p.kind === 'triage');
		this.#allowed = triage?.handoffTo ?? [];
		this.#timeoutMs = options.timeoutMs ?? 4000;
		this.#schema = v.strictObject({
			route: v.nullable(v.string()),
			confidence: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
			reason: v.pipe(v.string(), v.maxLength(400))
		});
	}

	/** The JSON schema handed to the engine's grammar-constrained decoder. */
	jsonSchema(): string {
		return JSON.stringify({
			type: 'object',
			properties: {
				route: { anyOf: [{ type: 'string', enum: this.#allowed }, { type: 'null' }] },
				confidence: { type: 'number', minimum: 0, maximum: 1 },
				reason: { type: 'string' }
			},
			required: ['route', 'confidence', 'reason'],
			additionalProperties: false
		});
	}

	request(text: string): ChatCompletionRequestNonStreaming {
		const options = this.#flow.personas
			.filter((p) => this.#allowed.includes(p.id))
			.map((p) => `- ${p.id}: ${p.description}`)
			.join('\n');
		return {
			messages: [
				{
					role: 'system',
					content: `You route phone calls. Pick the one team that should handle the caller's request, or null if none fits.\nTeams:\n${options}\nAnswer with JSON only: {"route": team id or null, "confidence": 0..1, "reason": short}.`
				},
				{ role: 'user', content: text }
			],
			temperature: 0,
			max_tokens: 120,
			stream: false,
			response_format: { type: 'json_object', schema: this.jsonSchema() }
		};
	}

	async route(text: string): Promise<LlmRouteOutcome> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		let content: string;
		try {
			const reply = await Promise.race([
				this.#engine.chatCompletion(this.request(text)),
				new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error('timeout')), this.#timeoutMs);
				})
			]);
			content = reply.choices[0]?.message.content ?? '';
		} catch (e) {
			const timedOut = e instanceof Error && e.message === 'timeout';
			if (timedOut) this.#engine.interruptGenerate();
			return timedOut
				? { ok: false, error: 'timeout', detail: `no answer within ${this.#timeoutMs} ms` }
				: { ok: false, error: 'engine_failed', detail: e instanceof Error ? e.message : String(e) };
		} finally {
			clearTimeout(timer);
		}
		let json: unknown;
		try {
			json = JSON.parse(content);
		} catch {
			return { ok: false, error: 'malformed_json', detail: 'the model did not return JSON' };
		}
		const parsed = v.safeParse(this.#schema, json);
		if (!parsed.success) {
			return {
				ok: false,
				error: 'invalid_answer',
				detail: parsed.issues.map((i) => i.message).join('; ')
			};
		}
		const { route, confidence, reason } = parsed.output;
		if (route !== null && !this.#allowed.includes(route)) {
			return {
				ok: false,
				error: 'unknown_persona',
				detail: `"${route}" is not a persona triage may hand to`
			};
		}
		return {
			ok: true,
			reason,
			decision: {
				personaId: route,
				intent: null,
				confidence,
				alternatives: route ? [{ personaId: route, p: confidence }] : [],
				source: 'llm'
			}
		};
	}
}
