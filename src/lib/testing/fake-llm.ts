import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '@mlc-ai/web-llm';
import type { ChatEngine } from '../agents/routing/llm-router';

// FAKE. A stand-in for web-llm's engine in tests: no package ships an LLM, so tests script what
// the model says. It implements the engine methods Baton uses, with web-llm's own types, and
// records every request so tests can check what would have been sent. Never used by the product.

export type FakeReply = string | Error | { delayMs: number; content: string };

export class FakeMLCEngine implements ChatEngine {
	readonly requests: ChatCompletionRequest[] = [];
	interrupted = 0;
	#replies: FakeReply[];

	constructor(replies: FakeReply[]) {
		this.#replies = [...replies];
	}

	// web-llm overloads chatCompletion: a streaming request gets chunks, word by word, like tokens.
	chatCompletion = (async (request: ChatCompletionRequest) => {
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
		if (request.stream) return this.#stream(content);
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

	/** Tokens generated so far by streaming requests (an interrupted stream stops adding). */
	streamedTokens = 0;

	async *#stream(content: string): AsyncGenerator<ChatCompletionChunk> {
		const interruptedAt = this.interrupted;
		for (const piece of content.match(/\S+\s*/g) ?? []) {
			await new Promise((r) => setTimeout(r, 0));
			if (this.interrupted !== interruptedAt) return;
			this.streamedTokens++;
			yield {
				id: `fake-${this.requests.length}`,
				object: 'chat.completion.chunk',
				created: 0,
				model: 'fake',
				choices: [{ index: 0, delta: { content: piece }, finish_reason: null, logprobs: null }]
			} as ChatCompletionChunk;
		}
	}

	interruptGenerate = (): void => {
		this.interrupted++;
	};
}
