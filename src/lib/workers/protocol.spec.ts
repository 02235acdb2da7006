import { afterEach, describe, expect, it } from 'vitest';
import { BatonError } from '../errors';
import { serve, WorkerCallError, WorkerClient, type HandlerContext } from './protocol';

type Methods = {
	echo(p: { text: string }): string;
	slowCount(p: { to: number }): number;
	fail(p: Record<string, never>): never;
};

const channels: MessageChannel[] = [];
afterEach(() => {
	for (const c of channels.splice(0)) {
		c.port1.close();
		c.port2.close();
	}
});

function pair() {
	const ch = new MessageChannel();
	channels.push(ch);
	let cancelled = false;
	serve(ch.port2 as unknown as Parameters<typeof serve>[0], {
		echo: (p: { text: string }) => p.text.toUpperCase(),
		slowCount: async (p: { to: number }, ctx: HandlerContext) => {
			for (let i = 1; i <= p.to; i++) {
				if (ctx.signal.aborted) {
					cancelled = true;
					throw new Error('stopped');
				}
				ctx.progress({ stage: 'count', loaded: i, total: p.to });
				ctx.chunk(i);
				await new Promise((r) => setTimeout(r, 5));
			}
			return p.to;
		},
		fail: () => {
			throw new BatonError({
				code: 'model_missing',
				message: 'No weights at the configured URL.',
				retryable: true
			});
		}
	});
	const client = new WorkerClient<Methods>(
		ch.port1 as unknown as ConstructorParameters<typeof WorkerClient>[0]
	);
	return { client, wasCancelled: () => cancelled };
}

describe('worker protocol', () => {
	it('replies, and reports progress and streamed chunks in order', async () => {
		const { client } = pair();
		expect(await client.call('echo', { text: 'hi' })).toBe('HI');
		const progress: number[] = [];
		const chunks: unknown[] = [];
		const n = await client.call(
			'slowCount',
			{ to: 3 },
			{ onProgress: (p) => progress.push(p.loaded!), onChunk: (c) => chunks.push(c) }
		);
		expect(n).toBe(3);
		expect(progress).toEqual([1, 2, 3]);
		expect(chunks).toEqual([1, 2, 3]);
	});

	it('keeps the error name, code and retryable flag across the boundary', async () => {
		const { client } = pair();
		const e = await client.call('fail', {}).catch((x) => x);
		expect(e).toBeInstanceOf(WorkerCallError);
		expect(e).toMatchObject({
			name: 'BatonError',
			code: 'model_missing',
			retryable: true,
			message: 'No weights at the configured URL.'
		});
		const unknown = await (
			client as unknown as WorkerClient<Record<string, (p: unknown) => unknown>>
		)
			.call('nope', {})
			.catch((x) => x);
		expect(unknown).toMatchObject({ code: 'unknown_method' });
	});

	it('cancels: the caller gets an AbortError at once and the worker stops its work', async () => {
		const { client, wasCancelled } = pair();
		const ac = new AbortController();
		const chunks: unknown[] = [];
		const pending = client.call(
			'slowCount',
			{ to: 100 },
			{ signal: ac.signal, onChunk: (c) => chunks.push(c) }
		);
		setTimeout(() => ac.abort(), 20);
		await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
		await new Promise((r) => setTimeout(r, 30));
		expect(wasCancelled()).toBe(true);
		const seen = chunks.length;
		await new Promise((r) => setTimeout(r, 30));
		expect(chunks.length).toBe(seen);
	});
});
