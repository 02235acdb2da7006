// Barge-in: when the caller starts speaking while an agent talks, the agent's audio pauses at once
// (one VAD frame after onset, far inside the 200 ms budget). When the caller's turn ends it is
// either a backchannel ("yeah", "ok", "mm-hm"), and the agent resumes where it was, or a real
// interruption, and pending generation and synthesis are cancelled.

export type BargeInDecision = 'none' | 'pause' | 'resume' | 'cancel';

const BACKCHANNEL =
	/^(yeah|yes|yep|yup|ok|okay|mm+[- ]?hm+|m+hm+|uh[- ]?huh|right|sure|got it|i see|alright|all right|hmm+)[.!,]?$/i;

export function isBackchannel(transcript: string): boolean {
	return BACKCHANNEL.test(transcript.trim());
}

export type BargeInOptions = {
	/** Longest turn that can still be a backchannel. */
	backchannelMaxMs: number;
};

export class BargeIn {
	readonly #o: BargeInOptions;
	#paused = false;

	constructor(options: Partial<BargeInOptions> = {}) {
		this.#o = { backchannelMaxMs: 900, ...options };
	}

	get paused(): boolean {
		return this.#paused;
	}

	/** The caller started speaking. */
	speechStart(agentSpeaking: boolean): BargeInDecision {
		if (!agentSpeaking || this.#paused) return 'none';
		this.#paused = true;
		return 'pause';
	}

	/** A VAD misfire (too short to be speech): carry on. */
	misfire(): BargeInDecision {
		if (!this.#paused) return 'none';
		this.#paused = false;
		return 'resume';
	}

	/** The caller's turn ended; `transcript` is what speech-to-text heard. */
	speechEnd(durationMs: number, transcript: string): BargeInDecision {
		if (!this.#paused) return 'none';
		this.#paused = false;
		return durationMs <= this.#o.backchannelMaxMs && isBackchannel(transcript)
			? 'resume'
			: 'cancel';
	}
}
