import type { ChatCompletionMessageParam, ChatCompletionRequestStreaming } from '@mlc-ai/web-llm';
import type { ChatEngine } from './llm-router';
import type { ReplyRequest, Responder } from './responder';
import { SentenceStream } from './sentence-stream';

// Specialist replies from a small local LLM (web-llm, in a worker): the skill's draft is always
// correct and grounded in tool results; the model rephrases it in the persona's manner, streamed
// sentence by sentence so speech starts before generation ends. A model can invent a figure, so
// every sentence is checked before it is said: any number, amount, date or id in it must appear in
// the draft, the facts or the package. The first sentence that fails stops the model, and the
// draft is said instead (prefaced, if some of the reply was already said). A model that errors
// or says nothing costs the caller nothing: the draft is said.

const GROUNDED_TOKEN = /[$£€]?\d[\d,.:/-]*%?|\b[A-Z]{1,4}-?\d[\w-]*\b/g;

/** The figures in `sentence` (amounts, dates, ids, numbers) that none of `sources` contains. */
export function ungrounded(sentence: string, sources: readonly string[]): string[] {
	const haystack = sources.join('\n').replace(/,/g, '');
	return [...sentence.matchAll(GROUNDED_TOKEN)]
		.map((m) => m[0].replace(/[.,:/-]+$/, ''))
		.filter((t) => t.length > 0 && !haystack.includes(t.replace(/,/g, '')));
}

export type LlmResponderOptions = {
	engine: ChatEngine;
	maxTokens?: number;
	temperature?: number;
};

export class LlmResponder implements Responder {
	readonly name = 'llm';
	readonly #o: Required<LlmResponderOptions>;

	constructor(options: LlmResponderOptions) {
		this.#o = { maxTokens: 160, temperature: 0.3, ...options };
	}

	request(r: ReplyRequest): ChatCompletionRequestStreaming {
		const facts = r.facts.length ? r.facts.map((f) => `- ${f}`).join('\n') : '- (none)';
		const recent = r.transcript.slice(-6).map<ChatCompletionMessageParam>((t) => ({
			role: t.role === 'caller' ? 'user' : 'assistant',
			content: t.text
		}));
		const handoff = r.package
			? `\nThe caller was handed to you with this summary: ${r.package.summary}`
			: '';
		return {
			stream: true,
			temperature: this.#o.temperature,
			max_tokens: this.#o.maxTokens,
			messages: [
				{
					role: 'system',
					content:
						`${r.persona.instructions}\nYou are ${r.persona.name}, speaking on a phone call. ` +
						`Say the message below to the caller in your own words, in at most three short sentences. ` +
						`Keep every number, amount, date and id exactly as written; add no facts of your own.${handoff}\n` +
						`Facts you may use:\n${facts}\nMessage to say:\n${r.draft}`
				},
				...recent,
				{ role: 'user', content: '(Say the message now.)' }
			]
		};
	}

	async *reply(r: ReplyRequest): AsyncIterable<string> {
		const sources = [r.draft, ...r.facts, ...(r.package ? [JSON.stringify(r.package)] : [])];
		let said = 0;
		const check = (s: string) => ungrounded(s, sources).length === 0;
		let stream: Tokens;
		try {
			stream = await this.#o.engine.chatCompletion(this.request(r));
		} catch {
			yield r.draft;
			return;
		}
		const onAbort = () => this.#o.engine.interruptGenerate();
		r.signal?.addEventListener('abort', onAbort, { once: true });
		try {
			for await (const [s, generating] of sentencesOf(stream)) {
				if (!check(s)) {
					if (generating) this.#o.engine.interruptGenerate();
					yield said ? ` To be precise: ${r.draft}` : r.draft;
					return;
				}
				yield (said++ ? ' ' : '') + s;
			}
			if (!said) yield r.draft;
		} catch {
			if (!said) yield r.draft;
		} finally {
			r.signal?.removeEventListener('abort', onAbort);
		}
	}
}

type Tokens = AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>;

/** The streamed reply as whole sentences; the flag says whether the model may still be generating. */
async function* sentencesOf(stream: Tokens): AsyncGenerator<[string, boolean]> {
	const sentences = new SentenceStream();
	for await (const chunk of stream) {
		for (const s of sentences.push(chunk.choices[0]?.delta.content ?? '')) yield [s, true];
	}
	for (const s of sentences.flush()) yield [s, false];
}
