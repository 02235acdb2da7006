import { describe, expect, it } from 'vitest';
import { DEFAULT_LLM, llmChoice, LlmConfigError } from './llm';

describe('LLM model choice', () => {
	it('defaults to a small prebuilt instruct model, with its weights and library', () => {
		const c = llmChoice(new URL('https://help.example.com/'));
		expect(c.modelId).toBe(DEFAULT_LLM);
		expect(c.record.model).toMatch(/Qwen2\.5-0\.5B-Instruct-q4f16_1-MLC$/);
		expect(c.record.model_lib).toMatch(/\.wasm$/);
		expect(c.appConfig.model_list).toEqual([c.record]);
	});

	it("serves the model from a deployment's own host", () => {
		const c = llmChoice(
			new URL('https://help.example.com/?llmUrl=/llm/qwen/&llmLib=https://cdn.example/qwen.wasm')
		);
		expect(c.record.model).toBe('https://help.example.com/llm/qwen/');
		expect(c.record.model_lib).toBe('https://cdn.example/qwen.wasm');
		expect(c.record.model_id).toBe(DEFAULT_LLM);
	});

	it('refuses an unknown model id without its files', () => {
		expect(() => llmChoice(new URL('https://x.example/?llm=Mystery-7B'))).toThrow(LlmConfigError);
		const custom = llmChoice(
			new URL('https://x.example/?llm=Mystery-7B&llmUrl=https://m/&llmLib=https://m/lib.wasm')
		);
		expect(custom.record).toMatchObject({ model_id: 'Mystery-7B', model: 'https://m/' });
	});
});
