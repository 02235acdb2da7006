import { describe, expect, it } from 'vitest';
import type { Signal } from '../signaling/signaling';
import { QueueKeeper } from './queue';

type QueueSignal = Extract<Signal, { type: 'queue' }>;

const joined = (from: string, since: number): QueueSignal => ({
	type: 'queue',
	from,
	since,
	status: 'waiting',
	at: Date.now()
});

describe('QueueKeeper', () => {
	it('orders waiting callers by when they joined, ties by id', () => {
		const q = new QueueKeeper();
		q.heard(joined('c', 300));
		q.heard(joined('b', 100));
		q.heard(joined('a', 100));
		expect(q.line()).toEqual(['a', 'b', 'c']);
	});

	it('keeps a caller’s place when it announces itself again, and forgets one that left', () => {
		const q = new QueueKeeper();
		q.heard(joined('a', 100));
		q.heard(joined('b', 200));
		// A later announcement carrying a later time does not move the caller back.
		q.heard(joined('a', 500));
		expect(q.line()).toEqual(['a', 'b']);
		q.heard({ type: 'queue', from: 'a', since: 100, status: 'left', at: Date.now() });
		expect(q.line()).toEqual(['b']);
	});
});
