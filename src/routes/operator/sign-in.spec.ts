import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { MANUAL_OPERATOR_ID } from '$lib/rtc/signaling/manual-signaling';
import type { MqttCredentials } from '$lib/rtc/signaling/mqtt-signaling';
import type { Signaling } from '$lib/rtc/signaling/signaling';
import type { TransportChoice } from '$lib/rtc/signaling/transport';
import { FakeSignaling } from '$lib/testing/fake-signaling';
import { until } from '$lib/testing/until';
import { ConsoleSignIn, TOKEN_KEY } from './sign-in.svelte';

/** This tab's storage, in memory. */
function tokens(saved?: string) {
	const m = new Map<string, string>(saved === undefined ? [] : [[TOKEN_KEY, saved]]);
	return {
		getItem: (k: string) => m.get(k) ?? null,
		setItem: (k: string, v: string) => void m.set(k, v),
		removeItem: (k: string) => void m.delete(k),
		saved: () => m.get(TOKEN_KEY)
	};
}

/** A transport opener that hands out fakes and writes down the credentials it was given. */
function opener(options: { refuse?: string; grant?: { token: string; name: string } } = {}) {
	const opened: { signaling: FakeSignaling; operator?: MqttCredentials }[] = [];
	const open = async (choice: TransportChoice, o: { operator?: MqttCredentials } = {}) => {
		if (options.refuse) throw new Error(options.refuse);
		const signaling = new FakeSignaling(choice.kind, o.operator?.id ?? null);
		signaling.grant = options.grant ?? null;
		opened.push({ signaling, ...(o.operator ? { operator: o.operator } : {}) });
		return signaling as Signaling;
	};
	return { open, opened };
}

const stops: (() => void)[] = [];
afterEach(() => {
	for (const stop of stops.splice(0)) stop();
});

describe('ConsoleSignIn', () => {
	it('a demo console opens at once, goes available on a name, and signs out when closed', async () => {
		const { open, opened } = opener();
		const app = new ConsoleSignIn({ kind: 'broadcast' }, { tokens: tokens(), open });
		const stop = app.start();
		await until(() => app.desk !== null);
		await app.signInAs('Olivia');
		expect(app.desk?.status).toBe('available');
		stop();
		const s = opened[0]!.signaling;
		expect(s.presence()).toMatchObject({ status: 'offline' });
		expect(s.closed).toBe(true);
		expect(s.listening).toBe(0);
		expect(app.desk).toBeNull();
	});

	it('a paired console is the fixed manual operator, shows its answer code and takes the caller’s', async () => {
		const { open, opened } = opener();
		const app = new ConsoleSignIn({ kind: 'manual' }, { tokens: tokens(), open });
		stops.push(app.start());
		await until(() => app.desk !== null);
		expect(app.desk?.operatorId).toBe(MANUAL_OPERATOR_ID);
		opened[0]!.signaling.code('ANSWER');
		expect(app.answerCode).toBe('ANSWER');
		app.pair('OFFER');
		expect(app.answerCode).toBeNull();
		expect(opened[0]!.signaling.pasted).toEqual(['OFFER']);
	});

	it('over a broker, a password signs in under the account’s name and the token is kept for this tab', async () => {
		const store = tokens();
		const { open, opened } = opener({ grant: { token: 'tok-1', name: 'Olivia P.' } });
		const app = new ConsoleSignIn({ kind: 'mqtt', url: 'ws://broker' }, { tokens: store, open });
		stops.push(app.start());
		expect(opened).toHaveLength(0);
		await app.signInWithPassword('  Olivia ', 'secret');
		expect(opened[0]!.operator).toEqual({ id: 'olivia', secret: 'secret' });
		expect(app.desk?.name).toBe('Olivia P.');
		expect(app.desk?.status).toBe('available');
		expect(JSON.parse(store.saved()!)).toEqual({ id: 'olivia', token: 'tok-1', name: 'Olivia P.' });
		// A renewed token replaces it.
		opened[0]!.signaling.token({ token: 'tok-2', name: 'Olivia P.' });
		expect(JSON.parse(store.saved()!).token).toBe('tok-2');
	});

	it('a reload signs in again with the kept token; one the broker refuses signs out and says why', async () => {
		const store = tokens(JSON.stringify({ id: 'olivia', token: 'tok-1', name: 'Olivia P.' }));
		const { open, opened } = opener();
		const app = new ConsoleSignIn({ kind: 'mqtt', url: 'ws://broker' }, { tokens: store, open });
		stops.push(app.start());
		expect(app.signingIn).toBe(true);
		// No grant from this broker (a mosquitto): the name kept with the token is used.
		await until(() => app.desk?.status === 'available', { timeoutMs: 4000 });
		expect(opened[0]!.operator).toEqual({ id: 'olivia', secret: 'tok-1' });
		expect(app.desk?.name).toBe('Olivia P.');
		expect(app.signingIn).toBe(false);

		opened[0]!.signaling.refuse('The account was removed.');
		expect(app.desk).toBeNull();
		expect(app.signInError).toBe('Signed out: The account was removed.');
		expect(store.saved()).toBeUndefined();
		expect(opened[0]!.signaling.listening).toBe(0);
	});

	it('a kept token that is not readable is forgotten, and a refused password is shown', async () => {
		const store = tokens('{not json');
		const { open, opened } = opener({ refuse: 'Wrong id or password.' });
		const app = new ConsoleSignIn({ kind: 'mqtt', url: 'ws://broker' }, { tokens: store, open });
		stops.push(app.start());
		expect(store.saved()).toBeUndefined();
		expect(app.signingIn).toBe(false);
		await app.signInWithPassword('olivia', 'nope');
		expect(app.signInError).toBe('Wrong id or password.');
		expect(app.signingIn).toBe(false);
		expect(app.desk).toBeNull();
		expect(opened).toHaveLength(0);
	});
});
