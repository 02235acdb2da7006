import { describe, expect, it } from 'vitest';
import { newSealingKeys, open, seal, SealError } from './sealed';

// A callback crosses the broker sealed: only the console whose key it was sealed to reads it.

const request = {
	callId: 'call-1',
	name: 'James Carter',
	phone: '415-555-0134',
	summary: 'Charged twice for March; wants the duplicate refunded.',
	at: 1_790_000_000_000
};

describe('sealed callbacks', () => {
	it('opens with the key it was sealed to, and shows nothing in the clear', async () => {
		const keys = await newSealingKeys();
		const box = await seal(keys.publicKey, request);
		const wire = JSON.stringify(box);
		for (const secret of ['James', 'Carter', '415', '0134', 'refunded']) {
			expect(wire).not.toContain(secret);
		}
		expect(await open(keys, box)).toEqual(request);
	});

	it('is unreadable with another console’s key, and when altered', async () => {
		const keys = await newSealingKeys();
		const other = await newSealingKeys();
		const box = await seal(keys.publicKey, request);
		await expect(open(other, box)).rejects.toBeInstanceOf(SealError);
		const flipped = box.ct.startsWith('A') ? `B${box.ct.slice(1)}` : `A${box.ct.slice(1)}`;
		await expect(open(keys, { ...box, ct: flipped })).rejects.toBeInstanceOf(SealError);
		await expect(open(keys, { ...box, epk: other.publicKey })).rejects.toBeInstanceOf(SealError);
		await expect(open(keys, { epk: '', iv: '', ct: '' })).rejects.toBeInstanceOf(SealError);
	});

	it('seals each message with a fresh key, so two seals of one request differ', async () => {
		const keys = await newSealingKeys();
		const a = await seal(keys.publicKey, request);
		const b = await seal(keys.publicKey, request);
		expect(a.epk).not.toBe(b.epk);
		expect(a.ct).not.toBe(b.ct);
	});
});
