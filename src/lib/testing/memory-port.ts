import type { Port } from '../rtc/transfer/link';

// FAKE transport for tests: two Ports joined in memory, with a switch to cut the wire and a tap
// to inject raw frames (malformed, oversized, duplicated). Not used by the product.

export type MemoryPort = Port & { connected: boolean; sent: string[]; inject(data: unknown): void };

export function memoryPair(maxMessageSize = 16 * 1024): [MemoryPort, MemoryPort] {
	const make = (): MemoryPort => ({
		connected: true,
		sent: [],
		maxMessageSize,
		onmessage: null,
		get isOpen() {
			return this.connected;
		},
		send() {},
		inject(data) {
			this.onmessage?.(data);
		}
	});
	const a = make();
	const b = make();
	const wire = (from: MemoryPort, to: MemoryPort) => {
		from.send = (text) => {
			if (!from.connected) throw new Error('port closed');
			from.sent.push(text);
			queueMicrotask(() => to.connected && to.onmessage?.(text));
		};
	};
	wire(a, b);
	wire(b, a);
	return [a, b];
}
