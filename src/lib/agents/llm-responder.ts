import type { ChatCompletionMessageParam, ChatCompletionRequestStreaming } from '@mlc-ai/web-llm';
import type { ChatEngine } from './routing/llm-router';
import type { ReplyRequest, Responder } from './responder';
import { SentenceStream } from './sentence-stream';

// Specialist replies from a small local LLM (web-llm, in a worker): the skill's draft is always
// correct and grounded in tool results; the model rephrases it in the persona's manner, streamed
// sentence by sentence so speech starts before generation ends. A model can invent a figure, so
// every sentence is checked before it is said: any number, amount, date or id in it must appear in
// the draft, the facts or the package. The first sentence that fails stops the model, and the
// draft is said instead (prefaced, if some of the reply was already said). The same happens to a
// sentence with account data the caller may not hear (`leaks`), whatever a caller told the model.
// A tool call the model writes (Qwen's `<tool_call>` form) is never spoken: it goes to the call's
// tool guard, and only a result the guard let run is said. A model that errors or says nothing
// costs the caller nothing: the draft is said.

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
		const check = (s: string) =>
			ungrounded(s, sources).length === 0 && (r.leaks?.(s).length ?? 0) === 0;
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
			for await (const piece of piecesOf(stream)) {
				if (piece.kind === 'tool') {
					// A tool call is never spoken. The guard runs it or refuses it; only a result it ran
					// (a fact from the tool itself) is said in its place.
					const out = await runToolCall(piece.body, r.tool);
					if (out?.ok) {
						sources.push(out.result);
						yield (said++ ? ' ' : '') + out.result;
					}
					continue;
				}
				if (!check(piece.text)) {
					if (piece.generating) this.#o.engine.interruptGenerate();
					yield said ? ` To be precise: ${r.draft}` : r.draft;
					return;
				}
				yield (said++ ? ' ' : '') + piece.text;
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

type Piece = { kind: 'text'; text: string; generating: boolean } | { kind: 'tool'; body: string };

const TOOL_OPEN = '<tool_call>';
const TOOL_CLOSE = '</tool_call>';

/**
 * The streamed reply as whole sentences and tool calls (Qwen's `<tool_call>{...}</tool_call>`
 * form); `generating` says whether the model may still be producing text.
 */
async function* piecesOf(stream: Tokens): AsyncGenerator<Piece> {
	const sentences = new SentenceStream();
	let pending = '';
	let inTool = false;
	const text = function* (t: string): Generator<Piece> {
		for (const s of sentences.push(t)) yield { kind: 'text', text: s, generating: true };
	};
	for await (const chunk of stream) {
		pending += chunk.choices[0]?.delta.content ?? '';
		for (;;) {
			if (inTool) {
				const end = pending.indexOf(TOOL_CLOSE);
				if (end < 0) break;
				yield { kind: 'tool', body: pending.slice(0, end) };
				pending = pending.slice(end + TOOL_CLOSE.length);
				inTool = false;
				continue;
			}
			const start = pending.indexOf(TOOL_OPEN);
			if (start >= 0) {
				yield* text(pending.slice(0, start));
				for (const s of sentences.flush()) yield { kind: 'text', text: s, generating: true };
				pending = pending.slice(start + TOOL_OPEN.length);
				inTool = true;
				continue;
			}
			// Keep back what may be the start of a tag split across tokens.
			const lt = pending.lastIndexOf('<');
			const keep = lt >= 0 && TOOL_OPEN.startsWith(pending.slice(lt)) ? lt : pending.length;
			yield* text(pending.slice(0, keep));
			pending = pending.slice(keep);
			break;
		}
	}
	// An unclosed tool call at the end is still a tool call, never words.
	if (inTool) yield { kind: 'tool', body: pending };
	else for (const s of sentences.push(pending)) yield { kind: 'text', text: s, generating: false };
	for (const s of sentences.flush()) yield { kind: 'text', text: s, generating: false };
}

/** Parses one tool call and hands it to the guard; undefined when it is not a well-formed call. */
async function runToolCall(
	body: string,
	tool: ReplyRequest['tool']
): Promise<{ ok: boolean; result: string } | undefined> {
	if (!tool) return undefined;
	let call: unknown;
	try {
		call = JSON.parse(body.trim());
	} catch {
		return undefined;
	}
	if (typeof call !== 'object' || call === null) return undefined;
	const { name, arguments: args } = call as { name?: unknown; arguments?: unknown };
	if (typeof name !== 'string') return undefined;
	const a = typeof args === 'object' && args !== null && !Array.isArray(args) ? args : {};
	return tool(name, a as Record<string, unknown>);
}
