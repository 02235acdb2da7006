import * as v from 'valibot';
import { BatonError } from '../../errors';

// Sealed messages for the signaling path: a caller seals a callback request (name, phone, summary)
// to the operator's public key, so the broker and every other client see only ciphertext. ECDH on
// P-256 with a fresh key per message, HKDF-SHA-256, AES-GCM-256; Web Crypto only.

export type SealedBox = { epk: string; iv: string; ct: string };

/** What a sealed callback carries. */
export const CallbackRequestSchema = v.object({
	callId: v.pipe(v.string(), v.maxLength(100)),
	name: v.optional(v.pipe(v.string(), v.maxLength(200))),
	phone: v.optional(v.pipe(v.string(), v.maxLength(40))),
	summary: v.pipe(v.string(), v.maxLength(2000)),
	at: v.number()
});
export type CallbackRequest = v.InferOutput<typeof CallbackRequestSchema>;

export class SealError extends BatonError {
	constructor() {
		super({
			code: 'sealed_message_unreadable',
			message: 'A sealed message could not be opened: it was not sealed to this key or was altered.'
		});
	}
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
const INFO = new TextEncoder().encode('baton sealed v1');

const toB64 = (bytes: ArrayBuffer | Uint8Array) => {
	let s = '';
	for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
	return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
};
const fromB64 = (s: string) => {
	const bin = atob(s.replaceAll('-', '+').replaceAll('_', '/'));
	return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/** A key pair for one console session; the private key cannot be exported. */
export async function newSealingKeys(): Promise<{ publicKey: string; privateKey: CryptoKey }> {
	const pair = await crypto.subtle.generateKey(ECDH, false, ['deriveBits']);
	return {
		publicKey: toB64(await crypto.subtle.exportKey('raw', pair.publicKey)),
		privateKey: pair.privateKey
	};
}

async function boxKey(
	privateKey: CryptoKey,
	peerPublic: Uint8Array,
	salt: Uint8Array,
	use: KeyUsage
) {
	const pub = await crypto.subtle.importKey('raw', peerPublic as BufferSource, ECDH, false, []);
	const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: pub }, privateKey, 256);
	const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
	return crypto.subtle.deriveKey(
		{ name: 'HKDF', hash: 'SHA-256', salt: salt as BufferSource, info: INFO },
		hkdf,
		{ name: 'AES-GCM', length: 256 },
		false,
		[use]
	);
}

/** Seals `data` (JSON) so only the holder of `recipientKey`'s private half can read it. */
export async function seal(recipientKey: string, data: unknown): Promise<SealedBox> {
	const recipient = fromB64(recipientKey);
	const eph = await crypto.subtle.generateKey(ECDH, true, ['deriveBits']);
	const epk = new Uint8Array(await crypto.subtle.exportKey('raw', eph.publicKey));
	const salt = new Uint8Array([...epk, ...recipient]);
	const key = await boxKey(eph.privateKey, recipient, salt, 'encrypt');
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const plain = new TextEncoder().encode(JSON.stringify(data));
	const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: salt }, key, plain);
	return { epk: toB64(epk), iv: toB64(iv), ct: toB64(ct) };
}

/** Opens a box sealed to `keys`; throws `SealError` for anything else. */
export async function open(
	keys: { publicKey: string; privateKey: CryptoKey },
	box: SealedBox
): Promise<unknown> {
	try {
		const epk = fromB64(box.epk);
		const salt = new Uint8Array([...epk, ...fromB64(keys.publicKey)]);
		const key = await boxKey(keys.privateKey, epk, salt, 'decrypt');
		const plain = await crypto.subtle.decrypt(
			{
				name: 'AES-GCM',
				iv: fromB64(box.iv) as BufferSource,
				additionalData: salt as BufferSource
			},
			key,
			fromB64(box.ct) as BufferSource
		);
		return JSON.parse(new TextDecoder().decode(plain));
	} catch {
		throw new SealError();
	}
}
