// How much one input to the command-line tools may hold. Past these a line, a turn or a call is
// refused with a message naming the limit, rather than left to take minutes and gigabytes (a
// 20 MB turn took 53 s and 1.36 GB in the simulator before there was a cap).

/** One JSON Lines record, in characters. */
export const MAX_LINE_CHARS = 1 << 20;
/** One caller turn or routed utterance, in characters: minutes of speech. */
export const MAX_UTTERANCE_CHARS = 2000;
/** Turns in one simulated call. */
export const MAX_TURNS = 200;

/** `12345` as `12,345`, for messages. */
export const count = (n: number) => n.toLocaleString('en-US');
