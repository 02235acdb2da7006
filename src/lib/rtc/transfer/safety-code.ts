// A short authentication string for manual pairing: six digits derived from both ends' DTLS
// certificate fingerprints. Each side reads its own fingerprint from its local description and the
// other's from the remote one; anyone who swapped the pairing codes in between holds different
// certificates toward each side, so the two screens show different numbers. Read aloud and
// compared, they prove the data channel reaches the person on the phone.

const FINGERPRINT = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m;

/** The `a=fingerprint` of an SDP ("sha-256 AB:CD:…"), normalised; null when it has none. */
export function sdpFingerprint(sdp: string | undefined | null): string | null {
	const m = sdp ? FINGERPRINT.exec(sdp) : null;
	return m?.[1] && m[2] ? `${m[1].toLowerCase()} ${m[2].toUpperCase()}` : null;
}

/** "123 456" from the two ends' SDPs, the same on both sides; null until both are known. */
export async function safetyCode(
	localSdp: string | undefined | null,
	remoteSdp: string | undefined | null
): Promise<string | null> {
	const a = sdpFingerprint(localSdp);
	const b = sdpFingerprint(remoteSdp);
	if (!a || !b) return null;
	const [first, second] = [a, b].sort();
	const bytes = new TextEncoder().encode(`baton-safety-code|${first}|${second}`);
	const digest = new DataView(await crypto.subtle.digest('SHA-256', bytes));
	const n = digest.getUint32(0) % 1_000_000;
	return `${String(Math.floor(n / 1000)).padStart(3, '0')} ${String(n % 1000).padStart(3, '0')}`;
}
