import { describe, expect, it } from 'vitest';
import { demoFlow } from './demo';
import { streamReply, type Responder } from './responder';

const persona = demoFlow.personas[0]!;
const request = (signal: AbortSignal) => ({
	persona,
	draft: 'Your balance is $94.00.',
	facts: [],
	transcript: [],
	signal
});

describe('streamReply', () => {
	it('hands each chunk on as it comes and returns the whole reply', async () => {
		const responder: Responder = {
			name: 'two',
			async *reply() {
				yield 'Your balance ';
				yield 'is $94.00.';
			}
		};
		const chunks: string[] = [];
		const text = await streamReply(responder, request(new AbortController().signal), (c) =>
			chunks.push(c)
		);
		expect(chunks).toEqual(['Your balance ', 'is $94.00.']);
		expect(text).toBe('Your balance is $94.00.');
	});

	it('stops at a barge-in, keeping what was already said', async () => {
		const abort = new AbortController();
		const responder: Responder = {
			name: 'talked-over',
			async *reply() {
				yield 'Your balance ';
				abort.abort();
				yield 'is $94.00.';
			}
		};
		expect(await streamReply(responder, request(abort.signal), () => {})).toBe('Your balance ');
	});

	it('a model that fails before a word still leaves the caller the draft', async () => {
		const responder: Responder = {
			name: 'crashed',
			// eslint-disable-next-line require-yield
			async *reply() {
				throw new Error('the model crashed');
			}
		};
		expect(await streamReply(responder, request(new AbortController().signal), () => {})).toBe(
			'Your balance is $94.00.'
		);
	});
});
