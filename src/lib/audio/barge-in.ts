// Barge-in: when the caller starts speaking while an agent talks, or while its answer to their last
// turn is on its way, the agent's audio pauses at once (one VAD frame after onset, far inside the
// 200 ms budget). When that turn ends it is either a backchannel ("yeah", "ok", "mm-hm"), and the
// agent resumes where it was, or a real interruption, and pending generation and synthesis are
// cancelled. The caller's latest turn decides: while a later one is still open, an answer to an
// earlier one stays paused (as when several turns wait for speech recognition to load).

export type BargeInDecision = 'none' | 'pause' | 'resume' | 'cancel' | 'ignore';
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
	/** Turns begun over the agent whose words are not known yet. */
	readonly #over = new Set<number>();

	constructor(options: Partial<BargeInOptions> = {}) {
		this.#o = { backchannelMaxMs: 900, ...options };
	}

	/** The agent is held, silent, for the caller. */
	get paused(): boolean {
		return this.#over.size > 0;
	}

	/**
	 * The caller started speaking turn `turn`. `agentSpeaking`: the agent is talking, or its answer
	 * to an earlier turn is on its way.
	 */
	speechStart(turn: number, agentSpeaking: boolean): BargeInDecision {
		if (!agentSpeaking && !this.paused) return 'none';
		const was = this.paused;
		this.#over.add(turn);
		return was ? 'none' : 'pause';
	}

	/** A VAD misfire (too short to be speech): carry on, unless another turn still holds the agent. */
	misfire(turn: number): BargeInDecision {
		if (!this.#over.delete(turn)) return 'none';
		return this.paused ? 'none' : 'resume';
	}

	/**
	 * The caller's turn `turn` ended; `transcript` is what speech-to-text heard. `cancel`: drop what
	 * the agent had to say and answer this turn (held while a later turn is open). `ignore`: a
	 * backchannel while a later turn still holds the agent: not a turn for the call.
	 */
	speechEnd(turn: number, durationMs: number, transcript: string): BargeInDecision {
		if (!this.#over.delete(turn)) return 'none';
		// A short sound with no words (a cough, a click, "uh") is not an interruption either.
		const backchannel =
			durationMs <= this.#o.backchannelMaxMs && (isBackchannel(transcript) || !transcript.trim());
		if (!backchannel) return 'cancel';
		return this.paused ? 'ignore' : 'resume';
	}

	/** The microphone stopped: no turn is left to decide. */
	reset(): BargeInDecision {
		if (!this.paused) return 'none';
		this.#over.clear();
		return 'resume';
	}
}
