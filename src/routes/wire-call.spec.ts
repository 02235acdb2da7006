import { describe, expect, it } from 'vitest';
import type { Persona } from '$lib/agents/flow';
import { demoCall } from '$lib/testing/calls';
import type { CallbackDetails } from '$lib/agents/human-link';
import type { CallerLinkEvent } from '$lib/rtc/transfer/caller-link';
import type { Link } from '$lib/rtc/transfer/link';
import {
	wireCall,
	wireHumanLink,
	wireNoHumanLink,
	type CallTransfer,
	type CallView,
	type CallVoice
} from './wire-call';

/** A page view and a voice that write down what reached them. */
function fakes() {
	const seen: string[] = [];
	const busy: boolean[] = [];
	const view: CallView = {
		state: (s) => seen.push(`state ${s}`),
		transcript: (e) => seen.push(`${e.role}: ${e.text}`),
		owner: (id) => seen.push(`owner ${id}`),
		handoff: (pkg) => seen.push(`handoff to ${pkg.to.personaId}`),
		fallback: (options) => seen.push(`choose ${options.join('/')}`),
		ended: (outcome) => seen.push(`ended ${outcome}`),
		timing: () => {},
		busy: (b) => busy.push(b),
		linkStatus: () => {},
		remoteAudio: () => {},
		safetyCode: () => {}
	};
	const spoken: string[] = [];
	let listening = false;
	let onText: ((text: string) => void) | null = null;
	const voice: CallVoice = {
		async startListening(text) {
			listening = true;
			onText = text;
		},
		async stopListening() {
			listening = false;
		},
		async say(text: string, persona: Persona) {
			spoken.push(`${persona.voice.id}: ${text}`);
		},
		// A streamed reply is spoken as it comes, sentence by sentence.
		replyChunk(text: string, persona: Persona) {
			spoken.push(`${persona.voice.id}: ${text}`);
		},
		endReply() {}
	};
	return {
		seen,
		busy,
		view,
		voice,
		spoken,
		listening: () => listening,
		speak: (text: string) => onText?.(text)
	};
}

describe('wireCall', () => {
	it('shows the call and speaks every agent line in its persona’s voice', async () => {
		const call = demoCall('available');
		const f = fakes();
		wireCall(call, f.view, f.voice);
		await call.start();
		await call.hear('my phone has no signal');
		expect(f.seen).toContain('owner triage');
		expect(f.seen).toContain('handoff to support');
		expect(f.seen).toContain('caller: my phone has no signal');
		const triage = call.flow.personas.find((p) => p.id === 'triage')!;
		const support = call.flow.personas.find((p) => p.id === 'support')!;
		expect(f.spoken[0]).toMatch(new RegExp(`^${triage.voice.id}: Thanks for calling`));
		expect(f.spoken.some((s) => s.startsWith(`${support.voice.id}: `))).toBe(true);
	});

	it('listens while an AI has the call, takes what the caller says into the call, and stops for a person', async () => {
		const call = demoCall('available');
		const f = fakes();
		wireCall(call, f.view, f.voice);
		await call.start();
		await new Promise((r) => setTimeout(r, 0));
		expect(f.listening()).toBe(true);
		f.speak('what is my balance');
		await new Promise((r) => setTimeout(r, 0));
		expect(call.record.transcript.some((t) => t.text === 'what is my balance')).toBe(true);
		expect(f.busy).toEqual([true, false]);
		await call.hear('let me talk to a person');
		await new Promise((r) => setTimeout(r, 0));
		expect(f.listening()).toBe(false);
	});

	it('lets go of the call once undone', async () => {
		const call = demoCall('available');
		const f = fakes();
		const unwire = wireCall(call, f.view, f.voice);
		await call.start();
		await new Promise((r) => setTimeout(r, 0));
		unwire();
		const before = f.seen.length;
		await call.hear('what plans do you have');
		expect(f.seen).toHaveLength(before);
		// A turn the voice still hands over after that goes nowhere.
		const turns = call.record.transcript.length;
		f.speak('hello?');
		await new Promise((r) => setTimeout(r, 0));
		expect(call.record.transcript).toHaveLength(turns);
	});
});

describe('wireNoHumanLink', () => {
	it('never leaves a caller waiting for a person no one can reach', async () => {
		const call = demoCall('external');
		const f = fakes();
		wireCall(call, f.view, null);
		const kept: CallbackDetails[] = [];
		wireNoHumanLink(call, async (d) => void kept.push(d));
		await call.start();
		await call.hear('my number is 415-555-0134, let me talk to a person');
		await new Promise((r) => setTimeout(r, 0));
		// There is no queue to wait in when the team cannot be reached: a callback or the AI.
		expect(f.seen).toContain('choose callback/ai');
		expect(
			f.seen.some((l) => /agent: We cannot reach our team from here right now\./.test(l))
		).toBe(true);
		expect(call.awaitingFallback).toBe(true);
		await call.chooseFallback('callback');
		// The callback is handed over to be kept until the team can be reached, once.
		expect(kept).toEqual([call.human.callback()]);
		expect(kept[0]!.phone).toBe('415-555-0134');
		expect(f.seen.at(-1)).toBe('ended callback');
	});
});

describe('wireHumanLink', () => {
	/** A transfer that writes down what the call asked of it, with a channel once a person has it. */
	function transfer() {
		const did: string[] = [];
		const sent: { type: string; payload: unknown }[] = [];
		const listeners = new Set<(e: CallerLinkEvent) => void>();
		let connected = false;
		const channel = {
			send: (type: string, payload: unknown) => void sent.push({ type, payload })
		} as unknown as Link;
		const link: CallTransfer = {
			offer: async (pkg) => void did.push(`offer ${pkg.to.kind}`),
			get withPerson() {
				return connected ? channel : null;
			},
			requestCallback: async () => void did.push('callback'),
			callState: (s) => void did.push(`state ${s}`),
			on(l) {
				listeners.add(l);
				return () => listeners.delete(l);
			}
		};
		return {
			link,
			did,
			sent,
			connect: () => (connected = true),
			emit: (e: CallerLinkEvent) => listeners.forEach((l) => l(e))
		};
	}

	it('offers a human handoff, then sends each transcript line live once a person has the call', async () => {
		const call = demoCall('available');
		const f = fakes();
		const t = transfer();
		const off = wireHumanLink(call, t.link, f.view);
		await call.start();
		// Nobody has the call yet: the greeting goes to no one.
		expect(t.sent).toEqual([]);
		await call.hear('let me talk to a person please');
		expect(t.did).toContain('offer human');
		t.connect();
		await call.hear('are you there?');
		const lines = t.sent.map((m) => (m.payload as { role: string; text: string }).text);
		expect(t.sent.every((m) => m.type === 'transcript')).toBe(true);
		expect(lines).toContain('are you there?');
		// Undone, nothing more goes over the channel.
		off();
		const before = t.sent.length;
		await call.hear('hello?');
		expect(t.sent).toHaveLength(before);
	});

	it('passes the link’s news to the page', () => {
		const call = demoCall('available');
		const statuses: unknown[] = [];
		const codes: string[] = [];
		const f = fakes();
		const t = transfer();
		wireHumanLink(call, t.link, {
			...f.view,
			linkStatus: (s) => void statuses.push(s),
			safetyCode: (c) => void codes.push(c)
		});
		t.emit({ type: 'status', status: { type: 'looking' } });
		t.emit({ type: 'safety_code', code: '123456' });
		expect(statuses).toEqual([{ type: 'looking' }]);
		expect(codes).toEqual(['123456']);
	});
});
