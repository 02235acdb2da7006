import type { MqttCredentials } from './mqtt-signaling';
import { BroadcastSignaling, type Signaling } from './signaling';

// Which signaling transport a page uses, from its URL: `?signal=mqtt&broker=wss://…` for MQTT,
// `?signal=manual` for pairing by copied codes or QR, anything else for BroadcastChannel.

export type TransportChoice =
	{ kind: 'broadcast' } | { kind: 'mqtt'; url: string } | { kind: 'manual' };

export function transportFromUrl(url: URL): TransportChoice {
	if (url.searchParams.get('signal') === 'manual') return { kind: 'manual' };
	if (url.searchParams.get('signal') === 'mqtt') {
		const broker = url.searchParams.get('broker');
		const ws = url.protocol === 'https:' ? 'wss:' : 'ws:';
		return { kind: 'mqtt', url: broker ?? `${ws}//${url.host}/mqtt` };
	}
	return { kind: 'broadcast' };
}

/**
 * Opens the chosen transport. Over MQTT a console signs in with `operator` (an account id and its
 * password or token); a page without it is an anonymous caller.
 */
export async function openSignaling(
	choice: TransportChoice,
	options: { operator?: MqttCredentials } = {}
): Promise<Signaling> {
	if (choice.kind === 'mqtt') {
		const { MqttSignaling } = await import('./mqtt-signaling');
		return MqttSignaling.connect(choice.url, options);
	}
	if (choice.kind === 'manual') {
		const { ManualSignaling } = await import('./manual-signaling');
		return new ManualSignaling();
	}
	return new BroadcastSignaling();
}
