import type { CallState } from '$lib/agents/events';
import type { MicState } from '$lib/voice/voice-agent.svelte';

// What the caller is told about their call, in their terms. In a voice call the core is done with
// a turn before its words have been spoken aloud, and nothing has been said until the first sound
// plays, so the voice's own state decides what is shown.

export type ShownState = CallState | 'connecting' | 'hearing';

export const STATE_LABEL: Record<ShownState, string> = {
	idle: '',
	connecting: 'Connecting…',
	listening: 'Your turn',
	hearing: 'Listening…',
	thinking: 'Thinking…',
	speaking: 'Speaking…',
	handing_off: 'Connecting you…',
	on_hold: 'On hold',
	with_human: 'With a person',
	queued: 'In the queue',
	ended: 'Call ended'
};

/** How a call ended, as the caller is told it ("Call ended (hung up)."). */
export const OUTCOME_LABEL: Record<string, string> = {
	resolved: 'resolved',
	human: 'finished with our team',
	queued: 'left the queue',
	callback: "we'll call you back",
	abandoned: 'hung up'
};

export function shownState(
	call: { mode: 'voice' | 'text'; active: boolean; state: CallState; turns: number },
	voice: { speaking: boolean; mic: MicState; spokeThisCall: boolean }
): ShownState {
	if (call.mode !== 'voice' || !call.active) return call.state;
	if (voice.speaking) return 'speaking';
	// Nothing said yet, and no more than the greeting in the transcript: the call is still starting.
	if (!voice.spokeThisCall && call.turns <= 1) return 'connecting';
	if (call.state === 'listening' && (voice.mic === 'hearing' || voice.mic === 'transcribing'))
		return voice.mic === 'hearing' ? 'hearing' : 'thinking';
	// The core has its reply; until it is heard, the caller is still waiting on it.
	return call.state === 'speaking' ? 'thinking' : call.state;
}
