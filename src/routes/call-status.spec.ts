import { describe, expect, it } from 'vitest';
import type { CallState } from '$lib/agents/events';
import type { MicState } from '$lib/voice/voice-agent.svelte';
import { shownState, STATE_LABEL } from './call-status';

const voiceCall = (state: CallState, turns = 3) => ({
	mode: 'voice' as const,
	active: true,
	state,
	turns
});
const voice = (o: { speaking?: boolean; mic?: MicState; spokeThisCall?: boolean } = {}) => ({
	speaking: false,
	mic: 'listening' as MicState,
	spokeThisCall: true,
	...o
});

describe('shownState', () => {
	it('shows a typed call, or a call that is not running, as the core has it', () => {
		const states: CallState[] = ['idle', 'listening', 'speaking', 'on_hold', 'ended'];
		for (const state of states) {
			expect(
				shownState({ mode: 'text', active: true, state, turns: 0 }, voice({ speaking: true }))
			).toBe(state);
			expect(shownState({ ...voiceCall(state), active: false }, voice({ speaking: true }))).toBe(
				state
			);
		}
	});

	it('says connecting until the greeting has been heard', () => {
		expect(shownState(voiceCall('listening', 1), voice({ spokeThisCall: false }))).toBe(
			'connecting'
		);
		expect(shownState(voiceCall('listening', 1), voice({ spokeThisCall: true }))).toBe('listening');
		// A caller who typed before the greeting played is past the start.
		expect(shownState(voiceCall('thinking', 2), voice({ spokeThisCall: false }))).toBe('thinking');
	});

	it('says speaking while the agent is heard, whatever the core is doing', () => {
		expect(shownState(voiceCall('listening'), voice({ speaking: true, mic: 'hearing' }))).toBe(
			'speaking'
		);
		expect(shownState(voiceCall('on_hold'), voice({ speaking: true }))).toBe('speaking');
	});

	it('follows the microphone on the caller’s turn', () => {
		expect(shownState(voiceCall('listening'), voice({ mic: 'hearing' }))).toBe('hearing');
		expect(shownState(voiceCall('listening'), voice({ mic: 'transcribing' }))).toBe('thinking');
		expect(shownState(voiceCall('listening'), voice({ mic: 'listening' }))).toBe('listening');
		expect(shownState(voiceCall('with_human'), voice({ mic: 'hearing' }))).toBe('with_human');
	});

	it('keeps the caller waiting on a reply the core has but the voice has not said yet', () => {
		expect(shownState(voiceCall('speaking'), voice())).toBe('thinking');
	});

	it('has words for every state but idle', () => {
		for (const [state, label] of Object.entries(STATE_LABEL))
			expect(label === '', state).toBe(state === 'idle');
	});
});
