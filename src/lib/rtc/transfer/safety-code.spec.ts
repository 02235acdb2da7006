import { describe, expect, it } from 'vitest';
import { safetyCode, sdpFingerprint } from './safety-code';

const sdp = (fp: string) =>
	`v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;
const CALLER = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0')).join(
	':'
);
const OPERATOR = Array.from({ length: 32 }, (_, i) =>
	(i * 5 + 3).toString(16).padStart(2, '0')
).join(':');
const MALLORY = Array.from({ length: 32 }, (_, i) => (255 - i).toString(16).padStart(2, '0')).join(
	':'
);

describe('safetyCode', () => {
	it('is the same six digits on both screens of one connection', async () => {
		const onCaller = await safetyCode(sdp(CALLER), sdp(OPERATOR));
		const onOperator = await safetyCode(sdp(OPERATOR.toLowerCase()), sdp(CALLER.toUpperCase()));
		expect(onCaller).toMatch(/^\d{3} \d{3}$/);
		expect(onOperator).toBe(onCaller);
	});

	it('differs between the two screens when someone in the middle swapped the codes', async () => {
		// Mallory answers the caller with her certificate and calls the operator with it too.
		const onCaller = await safetyCode(sdp(CALLER), sdp(MALLORY));
		const onOperator = await safetyCode(sdp(OPERATOR), sdp(MALLORY));
		expect(onCaller).not.toBe(onOperator);
	});

	it('is null until both descriptions carry a fingerprint', async () => {
		expect(await safetyCode(sdp(CALLER), null)).toBeNull();
		expect(await safetyCode('v=0\r\n', sdp(CALLER))).toBeNull();
		expect(sdpFingerprint(sdp(CALLER))).toBe(`sha-256 ${CALLER.toUpperCase()}`);
	});
});
