import { describe, expect, it } from 'vitest';
import type { Persona } from '$lib/agents/flow';
import { demoCall } from '$lib/testing/calls';
import type { CallbackDetails } from '$lib/agents/human-link';
import { wireCall, wireNoHumanLink, type CallView, type CallVoice } from './wire-call';

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
