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
 * Opens the chosen transport. `will` is the presence an MQTT broker publishes for this peer if it
 * vanishes (an operator's closed tab), so it stops being offered calls.
 */
export async function openSignaling(
	choice: TransportChoice,
	options: { will?: { from: string; name: string } } = {}
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
