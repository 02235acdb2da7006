import type { ContextPackage, TranscriptEntry } from './handoff/context-package';
import type { Persona } from './flow';

// A responder turns a skill's draft into the words a persona says. The rules responder says the
// draft as it is, so the product works with no model at all; an LLM responder (in a worker) can
// rephrase it, grounded in the same facts, and stream it sentence by sentence to speech
// (see sentence-stream.ts).

export type ReplyRequest = {
	persona: Persona;
	/** The reply built from tool results and templates; always correct, maybe stiff. */
	draft: string;
	/** Tool results and package facts the reply may use; nothing else may be claimed. */
	facts: string[];
	/** The package this persona received, on its first turn after a handoff. */
	package?: ContextPackage;
	transcript: readonly TranscriptEntry[];
	signal?: AbortSignal;
	/**
	 * Account data in `text` the caller may not hear (another person's, or any before verification).
	 * A responder that generates words checks each sentence with it; the draft never needs it.
	 */
	leaks?: (text: string) => string[];
	/**
	 * Runs a tool a model asked for, through the call's guard (read-only, this persona's tools, the
	 * verified account). A refusal comes back with `ok: false` and nothing ran.
	 */
	tool?: (name: string, args: Record<string, unknown>) => Promise<{ ok: boolean; result: string }>;
};

export interface Responder {
	readonly name: string;
	/** Yields the reply in chunks (sentences or tokens). */
	reply(request: ReplyRequest): AsyncIterable<string>;
}

/**
 * Streams one reply, handing each chunk on as it comes; stops at `signal` (barge-in). Returns what
 * was said. A failing responder (a crashed model) must not cost the caller the answer: with
 * nothing said yet, the draft stands.
 */
export async function streamReply(
	responder: Responder,
	request: ReplyRequest & { signal: AbortSignal },
	onChunk: (chunk: string) => void
): Promise<string> {
	let text = '';
	try {
		for await (const chunk of responder.reply(request)) {
			if (request.signal.aborted) break;
			text += chunk;
			onChunk(chunk);
		}
	} catch {
		if (!text) text = request.draft;
	}
	return text;
}

export const rulesResponder: Responder = {
	name: 'rules',
	async *reply(request) {
		yield request.draft;
	}
};
