import type { ChatCompletion, ChatCompletionRequestNonStreaming } from '@mlc-ai/web-llm';
import type { ChatEngine } from '../agents/llm-router';

// FAKE. A stand-in for web-llm's engine in tests: no package ships an LLM, so tests script what
// the model says. It implements the engine methods Baton uses, with web-llm's own types, and
// records every request so tests can check what would have been sent. Never used by the product.

export type FakeReply = string | Error | { delayMs: number; content: string };

export class FakeMLCEngine implements ChatEngine {
	readonly requests: ChatCompletionRequestNonStreaming[] = [];
	interrupted = 0;
	#replies: FakeReply[];

	constructor(replies: FakeReply[]) {
		this.#replies = [...replies];
	}

	// web-llm overloads chatCompletion for streaming; the fake serves the non-streaming form.
	chatCompletion = (async (request: ChatCompletionRequestNonStreaming): Promise<ChatCompletion> => {
		this.requests.push(request);
		const next = this.#replies.shift();
		if (next === undefined) throw new Error('FakeMLCEngine: no scripted reply left');
		if (next instanceof Error) throw next;
		let content: string;
		if (typeof next === 'string') {
			content = next;
		} else {
			await new Promise((r) => setTimeout(r, next.delayMs));
			content = next.content;
		}
		return {
			id: `fake-${this.requests.length}`,
			object: 'chat.completion',
			created: 0,
			model: 'fake',
			choices: [
				{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content } }
			]
		} as ChatCompletion;
	}) as ChatEngine['chatCompletion'];

	interruptGenerate = (): void => {
		this.interrupted++;
	};
}
