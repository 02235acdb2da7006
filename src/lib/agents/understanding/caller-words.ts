// What a caller's words mean apart from any topic: goodbyes, choices after a failed human
// handoff, and utterances that are only hedges and filler.

export const GOODBYE =
	/\b(bye|goodbye|that's all|that is all|that's it|nothing else|no,? thanks?|i'm done|hang up)\b/i;
export const CHOICE_QUEUE = /\b(queue|wait|hold|stay on the line)\b/i;
export const CHOICE_CALLBACK = /\b(call ?back|call me|ring me)\b/i;
export const CHOICE_AI = /\b(back|assistant|ai|bot|keep going|continue|you)\b/i;

const FILLER = new Set(
	"hmm hm um umm uh er erm well not sure i i'm im don't dont know no idea maybe perhaps whatever guess something stuff thing things help like just really so okay ok yeah yes a the an have got question it is that this me my please can you could about".split(
		' '
	)
);

/** True when an utterance is only hedges and filler, with no topic word in it. */
export function isVague(text: string): boolean {
	const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
	return words.every((w) => FILLER.has(w));
}
