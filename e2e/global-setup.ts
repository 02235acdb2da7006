import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeConversation, writeSpeech } from '../src/lib/testing/speech';

// The fake microphone plays a caller's voice made with espeak-ng (48 kHz mono WAV, as Chromium's
// file capture expects), so audio journeys run on speech rather than a test tone.
export const CALLER_WAV = join(import.meta.dirname, '.artifacts', 'caller.wav');

/**
 * The voice call's caller: quiet while the greeting plays, asks about a charge on the bill, then
 * talks over the billing agent's answer (barge-in) with a different question.
 */
export const VOICE_CALLER_WAV = join(import.meta.dirname, '.artifacts', 'voice-caller.wav');
export const VOICE_CALLER_SCRIPT = [
	7,
	'I have a question about a charge on my bill.',
	3,
	'Sorry, stop. What is my balance right now?',
	30
];

/** A voice caller who asks for a person, then stays quiet. */
export const VOICE_HUMAN_WAV = join(import.meta.dirname, '.artifacts', 'voice-human.wav');

/**
 * A caller who pauses mid-sentence (about half a second of quiet after "and"), longer than the
 * 400 ms that ends a turn on silence alone: the turn must wait for the rest of the sentence.
 */
export const VOICE_PAUSE_WAV = join(import.meta.dirname, '.artifacts', 'voice-pause.wav');
export const VOICE_PAUSE_SCRIPT = [
	10,
	'I want to change my plan and',
	0.15,
	'upgrade to the unlimited plus plan.',
	30
];

export default function globalSetup(): void {
	mkdirSync(join(import.meta.dirname, '.artifacts'), { recursive: true });
	if (!existsSync(VOICE_PAUSE_WAV)) {
		writeConversation(VOICE_PAUSE_WAV, VOICE_PAUSE_SCRIPT, { sampleRate: 48000 });
	}
	if (!existsSync(VOICE_HUMAN_WAV)) {
		writeConversation(VOICE_HUMAN_WAV, [7, 'I want to talk to a real person please.', 30], {
			sampleRate: 48000
		});
	}
	if (!existsSync(VOICE_CALLER_WAV)) {
		writeConversation(VOICE_CALLER_WAV, VOICE_CALLER_SCRIPT, { sampleRate: 48000 });
	}
	if (existsSync(CALLER_WAV)) return;
	writeSpeech(
		CALLER_WAV,
		'Hi, I have a question about a charge on my bill. I think I was charged twice this month.',
		{
			sampleRate: 48000,
			padStart: 0.5,
			padEnd: 1
		}
	);
}
