import { BatonError } from '../errors';
// One message protocol for every model worker (STT, LLM, TTS): request, reply, progress and error,
// with pending calls keyed by id and cancellation. It runs over any `Endpoint` (a Worker, a
// MessagePort, the worker's own global scope), so it is tested without a browser. Errors cross the
// boundary with their name, code and `retryable` flag intact.

export type Progress = { stage: string; loaded?: number; total?: number; detail?: string };

export type SerializedError = {
	name: string;
	message: string;
	code?: string;
	retryable?: boolean;
	stack?: string;
};

export type ToWorker =
	{ kind: 'request'; id: number; method: string; params: unknown } | { kind: 'cancel'; id: number };

export type FromWorker =
	| { kind: 'reply'; id: number; result: unknown }
	| { kind: 'progress'; id: number; progress: Progress }
	| { kind: 'chunk'; id: number; chunk: unknown }
	| { kind: 'error'; id: number; error: SerializedError };

export interface Endpoint {
	postMessage(message: unknown, transfer?: Transferable[]): void;
	addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
	removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
	start?(): void;
}

/** An error that came back from a worker; keeps the original name, code and retryable flag. */
export class WorkerCallError extends BatonError {
	readonly remoteStack?: string;

	constructor(e: SerializedError) {
		super({ code: e.code ?? 'worker_error', message: e.message, retryable: e.retryable });
		// The error keeps the name it had in the worker, so callers can tell what failed there.
		this.name = e.name;
		this.remoteStack = e.stack;
	}
}

export function serializeError(e: unknown): SerializedError {
	if (e instanceof Error) {
		const x = e as Error & { code?: unknown; retryable?: unknown };
		return {
			name: e.name,
			message: e.message,
			...(typeof x.code === 'string' ? { code: x.code } : {}),
			...(typeof x.retryable === 'boolean' ? { retryable: x.retryable } : {}),
			...(e.stack ? { stack: e.stack } : {})
		};
	}
	return { name: 'Error', message: String(e) };
}

export type CallOptions = {
	signal?: AbortSignal;
	onProgress?: (p: Progress) => void;
	/** Streamed partial results (tokens, sentences, audio chunks). */
	onChunk?: (chunk: unknown) => void;
	transfer?: Transferable[];
};

type Pending = {
	resolve: (v: unknown) => void;
	reject: (e: unknown) => void;
	options: CallOptions;
	cleanup: () => void;
};

/** The calling side: `client.call('transcribe', { audio }, { onProgress, signal })`. */
export class WorkerClient<Methods extends Record<string, (params: never) => unknown>> {
	readonly #endpoint: Endpoint;
	readonly #pending = new Map<number, Pending>();
	#next = 1;
	readonly #onMessage = (event: MessageEvent) => this.#receive(event.data as FromWorker);

	constructor(endpoint: Endpoint) {
		this.#endpoint = endpoint;
		endpoint.addEventListener('message', this.#onMessage);
		endpoint.start?.();
	}

	call<M extends keyof Methods & string>(
		method: M,
		params: Parameters<Methods[M]>[0],
		options: CallOptions = {}
	): Promise<Awaited<ReturnType<Methods[M]>>> {
		const id = this.#next++;
		return new Promise((resolve, reject) => {
			if (options.signal?.aborted) {
				reject(abortError());
				return;
			}
			const onAbort = () => {
				this.#endpoint.postMessage({ kind: 'cancel', id } satisfies ToWorker);
				const p = this.#pending.get(id);
				this.#pending.delete(id);
				p?.cleanup();
				reject(abortError());
			};
			options.signal?.addEventListener('abort', onAbort, { once: true });
			this.#pending.set(id, {
				resolve: resolve as (v: unknown) => void,
				reject,
				options,
				cleanup: () => options.signal?.removeEventListener('abort', onAbort)
			});
			this.#endpoint.postMessage(
				{ kind: 'request', id, method, params } satisfies ToWorker,
				options.transfer
			);
		});
	}

	/** Rejects every pending call (the worker crashed or was terminated). */
	failAll(error: SerializedError): void {
		for (const [id, p] of this.#pending) {
			this.#pending.delete(id);
			p.cleanup();
			p.reject(new WorkerCallError(error));
		}
	}

	close(): void {
		this.#endpoint.removeEventListener('message', this.#onMessage);
		this.failAll({
			name: 'WorkerClosed',
			message: 'The worker was closed.',
			code: 'worker_closed',
			retryable: true
		});
	}

	#receive(m: FromWorker): void {
		const p = this.#pending.get(m.id);
		if (!p) return; // A late message for a cancelled call.
		if (m.kind === 'progress') p.options.onProgress?.(m.progress);
		else if (m.kind === 'chunk') p.options.onChunk?.(m.chunk);
		else {
			this.#pending.delete(m.id);
			p.cleanup();
			if (m.kind === 'reply') p.resolve(m.result);
			else p.reject(new WorkerCallError(m.error));
		}
	}
}

export type HandlerContext = {
	signal: AbortSignal;
	progress(p: Progress): void;
	chunk(c: unknown, transfer?: Transferable[]): void;
};

export type Handlers = Record<string, (params: never, ctx: HandlerContext) => unknown>;

/** The worker side: answers requests with the handlers; cancels on request. Returns a stop function. */
export function serve(endpoint: Endpoint, handlers: Handlers): () => void {
	const running = new Map<number, AbortController>();
	const post = (m: FromWorker, transfer?: Transferable[]) => endpoint.postMessage(m, transfer);
	const listener = async (event: MessageEvent) => {
		const m = event.data as ToWorker;
		if (m.kind === 'cancel') {
			running.get(m.id)?.abort();
			return;
		}
		if (m.kind !== 'request') return;
		const handler = handlers[m.method];
		if (!handler) {
			post({
				kind: 'error',
				id: m.id,
				error: {
					name: 'UnknownMethod',
					message: `The worker has no method "${m.method}".`,
					code: 'unknown_method'
				}
			});
			return;
		}
		const controller = new AbortController();
		running.set(m.id, controller);
		const ctx: HandlerContext = {
			signal: controller.signal,
			progress: (progress) =>
				!controller.signal.aborted && post({ kind: 'progress', id: m.id, progress }),
			chunk: (chunk, transfer) =>
				!controller.signal.aborted && post({ kind: 'chunk', id: m.id, chunk }, transfer)
		};
		try {
			const result = await handler(m.params as never, ctx);
			if (!controller.signal.aborted) post({ kind: 'reply', id: m.id, result });
		} catch (e) {
			if (!controller.signal.aborted) post({ kind: 'error', id: m.id, error: serializeError(e) });
		} finally {
			running.delete(m.id);
		}
	};
	endpoint.addEventListener('message', listener);
	endpoint.start?.();
	return () => {
		endpoint.removeEventListener('message', listener);
		for (const c of running.values()) c.abort();
	};
}

function abortError(): Error {
	const e = new Error('The call was cancelled.');
	e.name = 'AbortError';
	return e;
}
