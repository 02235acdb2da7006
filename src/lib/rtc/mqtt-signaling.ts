import mqtt, { type MqttClient } from 'mqtt';
import { uuid } from '../agents/ids';
import { parseSignal, type Signal, type Signaling } from './signaling';

// Signaling over MQTT (WebSocket): the app's own server embeds a broker at /mqtt, and any standard
// broker (a mosquitto, a cluster) works instead. Operator presence is a retained message per
// operator with a last will, so an operator whose tab vanishes stops being offered.

const ROOT = 'baton/v1';

export class MqttSignaling implements Signaling {
	readonly kind = 'mqtt' as const;
	readonly #client: MqttClient;
	readonly #listeners = new Set<(m: Signal) => void>();

	private constructor(client: MqttClient) {
		this.#client = client;
		client.on('message', (_topic, payload) => {
			const m = parseSignal(payload.toString());
			if (m) for (const l of this.#listeners) l(m);
		});
	}

	/** Connects; `will` is the presence to publish if this client disappears. */
	static async connect(
		url: string,
		options: { will?: { from: string; name: string } } = {}
	): Promise<MqttSignaling> {
		const will = options.will;
		const client = await mqtt.connectAsync(url, {
			clientId: `baton-${uuid()}`,
			reconnectPeriod: 1000,
			connectTimeout: 5000,
			will: will
				? {
						topic: `${ROOT}/presence/${will.from}`,
						payload: new TextEncoder().encode(
							JSON.stringify({
								type: 'presence',
								from: will.from,
								name: will.name,
								status: 'offline',
								at: Date.now()
							})
						) as Buffer,
						retain: true,
						qos: 1
					}
				: undefined
		});
		await client.subscribeAsync([`${ROOT}/presence/+`, `${ROOT}/all`], { qos: 1 });
		const s = new MqttSignaling(client);
		return s;
	}

	/** Receives messages addressed to this peer id. */
	async listenAs(peerId: string): Promise<void> {
		await this.#client.subscribeAsync(`${ROOT}/peer/${peerId}`, { qos: 1 });
	}

	send(m: Signal): void {
		const body = JSON.stringify(m);
		if (m.type === 'presence') {
			this.#client.publish(`${ROOT}/presence/${m.from}`, body, { retain: true, qos: 1 });
		} else if ('to' in m) {
			this.#client.publish(`${ROOT}/peer/${m.to}`, body, { qos: 1 });
		} else {
			this.#client.publish(`${ROOT}/all`, body, { qos: 1 });
		}
	}

	subscribe(listener: (m: Signal) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	close(): void {
		this.#listeners.clear();
		this.#client.end();
	}
}
