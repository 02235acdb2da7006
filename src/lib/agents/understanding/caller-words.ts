// What a caller's words mean apart from any topic: goodbyes, choices after a failed human
// handoff, asking to hear the last reply again, and utterances that are only hedges and filler.

/** Words that end a call whatever was asked: nobody says "bye" to answer a question. */
const FAREWELL =
	/\b(bye|goodbye|bye bye|see (?:ya|you)|take care|have a (?:good|nice|great) (?:one|day|night|evening|weekend)|hang up|that(?:'?s| is| was| will be) (?:all|it|everything)|nothing else|(?:i'?m|i am|we'?re|we are) (?:all )?(?:set|good|done|fine)|all set|all good|talk (?:to you )?(?:later|soon)|that'?ll do|that will do|gotta go|got to go|i'?m off|later then|catch you later|no need(?: to do anything)?|nothing (?:to do|needed))\b/i;
/** Thanks and a plain "no": a closing only when nothing was asked. */
const THANKS = /\b(thanks|thank you|thank u|thx|cheers|appreciate it|no|nope|nah)\b/i;
/** What a closing may hold besides its closing words, none of which names a topic. */
const CLOSING_WORDS = new Set(
	"no nope nah ok okay alright all right great perfect awesome cool lovely fine good well oh ugh ah then so and yes yeah yep thanks thank you u thx cheers appreciate it very much so lot a that that's thats is was will be all it everything nothing else for now today to i i'm im am we we're were are set done needed need wanted what just bye goodbye see ya take care have nice great one day night evening weekend hang up too really much helpful help been has you've youve talk later soon that'll thatll do gotta got go off catch need anything forget never mind worry about don't dont".split(
		' '
	)
);

/** Words that answer a question the agent asked. */
const ANSWER =
	/\b(yes|yeah|yep|yup|sure|no|nope|nah|fixed|worked|works|working|did it|do it|go ahead|please)\b|\d/i;
/** Words that ask for something: a turn with them is a request, whatever closes it. */
const REQUEST =
	/\?|\b(want|wanna|need|can you|could you|would you|how|when|what|why|where|which|who|help|please|dispute|cancel|change|switch|upgrade|check|is there|are there|do you|does|is my|is it|still|not working|broken|problem|issue)\b/i;

/**
 * How a turn that ends in a farewell ends the call: `close` when the words before it ask for
 * nothing ("oh right, I forgot. ok that's all"), `after` when they still need an answer or carry
 * one ("yes that fixed it, thanks bye": the answer is taken, then goodbye); null when the turn does
 * not end in a farewell.
 */
export function leaving(text: string, awaiting: boolean): 'close' | 'after' | null {
	const words = text.toLowerCase().match(/[a-z']+|[.?!,;]/g) ?? [];
	let cut = words.length;
	while (cut > 0 && (CLOSING_WORDS.has(words[cut - 1]!) || /^[.!,;]$/.test(words[cut - 1]!))) cut--;
	const tail = words.slice(cut).join(' ');
	if (!tail || !FAREWELL.test(tail) || cut === 0) return null;
	const head = words.slice(0, cut).join(' ');
	// An answer to the question still open ("yes that fixed it") is taken before the goodbye;
	// "ok never mind" or "let me think about it" answers nothing.
	const answers = awaiting && ANSWER.test(head);
	return answers || REQUEST.test(head) ? 'after' : 'close';
}

/**
 * Whether a turn closes the call: farewells ("ok thanks, bye", "no that's all") with nothing
 * else in them, and, when nothing was asked, thanks or a plain no ("no thanks", "great, thank
 * you"). "Thanks, but when is my refund?" is a question, not a closing.
 */
export function closes(text: string, awaiting: boolean): boolean {
	const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
	if (words.length === 0 || !words.every((w) => CLOSING_WORDS.has(w) || FILLER.has(w)))
		return false;
	if (/\b(?:done|finished|through) with\b/i.test(text)) return false;
	return FAREWELL.test(text) || (!awaiting && THANKS.test(text));
}
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

/** Asking to hear it again: "sorry, what did you say?", "can you repeat that", "come again?". */
const REPEAT =
	/\b(?:(?:did|do) you (?:just )?say|what (?:did|do) you say|(?:say|read|tell me) (?:that |it |this )?(?:again|back)|repeat (?:that|it|this|yourself|what you said|the last part)|come again|pardon(?: me)?|(?:didn'?t|did not|couldn'?t|could not) (?:quite )?(?:catch|hear|get|understand) (?:that|it|you|what you said|the last part)|what was that|one more time)\b/;
/** What a request to repeat may hold besides its repeat words, none of which names a topic. */
const REPEAT_WORDS = new Set(
	"sorry wait what huh eh hm hmm um uh oh so ok okay please can could would will you say again how long when what time much many which where was is it that this the me one more i i'm im missed bit part last".split(
		' '
	)
);

/** Why the caller missed it, said with the request: "I was driving", "you broke up", "bad line". */
const MISSED_IT =
	/\b(?:(?:i was|i'm|im|i am|we were|we're) (?:just )?(?:[a-z]+ing|distracted|outside|in the car|on the road)(?: [a-z]+)?|(?:you|it|the line|the call) (?:broke|cut|went|is breaking|was breaking|keeps? cutting|is cutting) ?(?:up|out)?(?: there)?(?: for a (?:second|sec|moment|bit))?|(?:it's|its|it is) (?:so |really )?(?:loud|noisy)(?: here)?|(?:bad|poor|noisy) (?:line|connection|reception)|(?:didn'?t|did not|couldn'?t|could not) (?:quite )?(?:catch|hear|get) (?:that|it|you|all of (?:that|it))|missed (?:that|it|the last part))\b/;

/** Whether the words ask to hear something again ("when did you say it would be fixed?"). */
export function asksAgain(text: string): boolean {
	return REPEAT.test(text.toLowerCase().replace(/’/g, "'"));
}

/**
 * Whether the caller asks to hear the last reply again, and nothing else: "sorry, how long did
 * you say?" is; "what did you say the dispute number was?" names what it wants, and is answered
 * as a question.
 */
export function asksToRepeat(text: string): boolean {
	const t = text.toLowerCase().replace(/’/g, "'").trim();
	if (/^(?:sorry|what|huh|pardon(?: me)?|excuse me)\s*\?+$/.test(t)) return true;
	if (!REPEAT.test(t)) return false;
	const rest =
		t
			.replace(new RegExp(REPEAT.source, 'g'), ' ')
			.replace(new RegExp(MISSED_IT.source, 'g'), ' ')
			.match(/[a-z']+/g) ?? [];
	return rest.every((w) => REPEAT_WORDS.has(w));
}

/**
 * A question of the caller's own: "is that gonna happen every month", "and is the data shared
 * between the lines?". A yes or a no to the agent's question is not one.
 */
export function asksQuestion(text: string): boolean {
	const t = text.toLowerCase().replace(/’/g, "'").trim();
	return (
		/\?\s*$/.test(t) ||
		/^(?:(?:and|but|so|ok|okay|oh|um|uh|wait|sorry|hmm)[,.]?\s+)*(?:is|are|was|were|does|do|did|will|would|can|could|should|how|what|what's|whats|when|why|where|which|who)\b/.test(
			t
		)
	);
}

const COMMON = new Set(
	'that this there their them they then than what when where which with would could should about again every just like your yours have does will much many gonna going want need know tell said says more some time'.split(
		' '
	)
);

/** The words of `text` that name something (four letters or more, not a common word), stemmed. */
export function contentWords(text: string): Set<string> {
	return new Set(
		(text.toLowerCase().match(/[a-z]+/g) ?? [])
			.filter((w) => w.length >= 4 && !COMMON.has(w))
			.map((w) => w.slice(0, 5))
	);
}

/** Words that bring something new after an acknowledgement. */
const NEWS =
	/\b(also|another|too|but|twice|charged|billed|broken|not|can'?t|cannot|won'?t|isn'?t|doesn'?t|didn'?t|wrong)\b/i;
const ACK_WORDS = new Set(
	"oh ah right ok okay i see got it makes sense forgot that's that right yeah yes fair enough understood cool alright all fine sure great never mind then about thanks thank you well so".split(
		' '
	)
);
const ACK =
	/\b(oh|ah|right|ok|okay|i see|got it|makes sense|forgot|that's right|yeah|yes|fair enough|understood|cool|alright|all right|fine|sure|great)\b/i;

/**
 * The caller takes in what was said and asks for nothing: "oh right, I forgot about that", "oh my
 * mom in Mexico, yeah ok". Not off the topic: the agent goes on.
 */
export function acknowledges(text: string): boolean {
	const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
	if (words.length === 0 || words.length > 10 || !ACK.test(text) || REQUEST.test(text))
		return false;
	// "Ok, and I was also billed twice" goes on to something new.
	if (NEWS.test(text)) return false;
	return words.filter((w) => ACK_WORDS.has(w)).length * 3 >= words.length;
}

/**
 * What the caller asks to hear again by name: "sorry, what's the ticket number again?" → "ticket
 * number"; undefined when the words do not ask for something said before.
 */
export function askedAgainAbout(text: string): string | undefined {
	const t = text.toLowerCase().replace(/’/g, "'");
	const m =
		t.match(
			/\b(?:when|what time|how long|how much|what|where|which|who) did you (?:just )?say (?:that )?([a-z' ]+)/
		) ??
		t.match(
			/\bwhat(?:'s| is| was|s| were)? (?:the |my |that |your |this )?([a-z' ]+?) (?:again|you said|did you say|you gave me)\b/
		) ??
		t.match(
			/\b(?:can|could) you (?:repeat|say|give me) (?:the |my |that )?([a-z' ]+?)(?: again| one more time)\b/
		);
	const about = m?.[1]?.trim();
	// "Can you say that again" names nothing: it asks for the last reply.
	return about && !/^(?:that|it|this|what you said|everything|all that|all of that)$/.test(about)
		? about
		: undefined;
}

/**
 * What follows a yes or a no joined on with "but" or "and": "no, don't dispute it yet, but my phone
 * keeps dropping calls" → "my phone keeps dropping calls". Undefined when the turn is the answer
 * alone, or what follows is under three words ("yes please and thanks").
 */
export function afterAnswer(text: string): string | undefined {
	const m =
		/^\s*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|no|nope|nah|not yet|no thanks)\b[^.?!]*?[,;.]?\s+(?:but|and also|and|also)\s+(.+)$/i.exec(
			text
		);
	const rest = m?.[1]?.trim();
	return rest && rest.split(/\s+/).length >= 3 ? rest : undefined;
}

/**
 * The requests in one turn, split where a caller joins a second one on: "I need my balance and also
 * is there an outage in 60614" → ["I need my balance", "is there an outage in 60614"]. One request
 * comes back whole; a part of fewer than three words is not a request of its own.
 */
export function splitRequests(text: string): string[] {
	const parts = text
		.split(
			/[,;.]?\s+(?:and also|and then|and another thing|also|plus|as well as|and)\s+(?=(?:is|are|was|what|what's|whats|when|when's|whens|how|can|could|i|i'm|im|i'd|my|the|there|there's|check|tell|why|do|does|will|would)\b)|[,;]\s+(?=(?:my|our|the|i|i've|i'm|im|it|it's|its|there|there's)\s)/i
		)
		.map((p) => p.trim())
		.filter(Boolean);
	return parts.length > 1 && parts.every((p) => p.split(/\s+/).length >= 3) ? parts : [text];
}
