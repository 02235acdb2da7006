import type { CallControls } from './call-controls';
import type { ContextPackage } from '../handoff/context-package';
import { opening } from '../handoff/handoff';
import { figuresOf } from '../handoff/wording';
import { humanOf, identityTool, topicsOf, type Persona } from '../flow';
import type { Row } from '../flows/schema';
import { holds, type Scope } from '../flows/scope';
import { holesOf } from '../flows/template';
import type { RouteDecision } from '../routing/router';
import { saidNo, saidYes } from './skills';
import { acknowledges, asksQuestion, contentWords } from '../understanding/caller-words';
import {
	answers,
	lastQuestion,
	readsOn,
	rereads,
	runIntent,
	sentencesOf,
	scopeFor,
	type Asked,
	type Pending,
	type StepContext,
	type StepResult
} from './steps';
import type { GuardedOutcome, ToolGuard, ToolOrigin } from '../tools/tool-guard';
import { toolFailure, type Trigger } from '../routing/triggers';

// A specialist's side of a call: a turn that clearly belongs to another persona hands off (the
// package carries what was settled); otherwise the persona's steps for the caller's intent run
// (steps.ts), and their result is said. Also keeps what the steps need between turns: the secret
// given for one check, what was remembered, and the question the caller is answering.

export class SpecialistDesk {
	readonly #c: CallControls;
	readonly #guard: ToolGuard;
	readonly #caller: () => Row | undefined;
	#secret: string | undefined;
	#memory: Record<string, unknown> = {};
	#results: Record<string, unknown> = {};
	#pending: Pending | undefined;
	#toolFailureHandled = false;
	/** The last words the steps said, and how many times in a row they came out the same. */
	#lastSaid = '';
	#repeats = 0;
	/** The question the steps asked last, with its other wordings. */
	#asked: Asked | undefined;
	/** The caller said a secret in the turn being answered. */
	#secretThisTurn = false;

	constructor(controls: CallControls, guard: ToolGuard, caller: () => Row | undefined) {
		this.#c = controls;
		this.#guard = guard;
		this.#caller = caller;
	}

	/**
	 * A tool a language model asked for while `persona` spoke. It goes through the same guard as
	 * a step's, which lets a model only read, only with this persona's tools, only the verified
	 * caller's rows; a refusal is logged and changes nothing.
	 */
	modelTool(
		persona: Persona,
		tool: string,
		args: Record<string, unknown>
	): Promise<GuardedOutcome> {
		const scope = scopeFor(this.#context(persona, '', []));
		return this.#callTool(persona, tool, args, 'model', scope, false);
	}

	/** A secret (a PIN) the caller just said; kept for one verification attempt only. */
	givePin(pin: string): void {
		this.#secret = pin;
		this.#secretThisTurn = true;
	}

	/** The reply the persona's answers give to these words, if any (see `#answered`). */
	answerOf(
		persona: Persona,
		text: string,
		found: { type: string; value?: string }[]
	): string | undefined {
		return this.#answered(persona, text, found);
	}

	/** Whether the persona has asked the caller something the next turn should answer. */
	get asking(): boolean {
		return this.#pending !== undefined;
	}

	/** What the persona is waiting for, in a word: identity, a slot's id, confirm or answer. */
	#awaitingWord(p: Pending | undefined): string | undefined {
		if (!p) return undefined;
		return p.kind === 'slot' ? p.name : p.kind;
	}

	/** Runs `intentId`'s steps for `persona` on the caller's last words, and says the result. */
	async runSteps(
		persona: Persona,
		intentId: string,
		text: string,
		found: { type: string; value?: string }[],
		prefix = '',
		resume?: Pending,
		options: { quietIfOld?: boolean } = {}
	): Promise<void> {
		const gaveSomething = found.length > 0 || this.#secretThisTurn;
		this.#secretThisTurn = false;
		const result = await runIntent(intentId, this.#context(persona, text, found), resume);
		this.#pending = result.pending;
		this.#asked = result.asked;
		// A question asked before in the call is asked in other words; the same words twice in a row,
		// to a turn that gave nothing, tell the caller what is still needed.
		const say = result.asked ? this.#reworded(result.say, result.asked) : result.say;
		const repeated = !gaveSomething && !!result.pending && say !== '' && say === this.#lastSaid;
		this.#repeats = repeated ? this.#repeats + 1 : 0;
		this.#lastSaid = say;
		// A question of the caller's own that the steps cannot answer gets the same reply again: the
		// caller is told so in a sentence, not read the same text twice.
		const question = !gaveSomething && asksQuestion(text);
		if (repeated && question && this.#repeats === 1) {
			const ask = sentencesOf(say).filter((x) => x.endsWith('?'));
			const part = this.#partSaidAbout(text);
			result.say = `${part ? `As I said, ${part}.` : NO_MORE} ${ask.join(' ') || 'Anything else I can help with?'}`;
		} else if (repeated) {
			result.say = `${this.#repeats > 1 ? 'I still need that to go on.' : 'Sorry, I need this first.'} ${say}`;
		} else {
			const unrepeated = this.#unrepeated(say, options.quietIfOld);
			result.say =
				unrepeated.old && question && !result.pending && !this.#about(text, say)
					? this.#noMoreOnThat(text)
					: unrepeated.say;
		}
		return this.afterSteps(persona, result, prefix);
	}

	/**
	 * A specialist takes a handed-over call: its first words come from the package alone, then,
	 * unless the call was handed back, the steps for the caller's intent run on their last words.
	 */
	takeOver(
		to: Persona,
		pkg: ContextPackage,
		trigger: Trigger,
		intent: RouteDecision['intent'] | undefined,
		callerLine?: string,
		request?: string
	): Promise<void> {
		const record = this.#c.record;
		this.#pending = undefined;
		let say = opening(to, pkg, this.#known(to));
		const intentId =
			intent && to.intents.some((i) => i.id === intent.id) ? intent.id : to.intents[0]?.id;
		const lastCaller = [...record.transcript].reverse().find((t) => t.role === 'caller');
		if (intentId && trigger.kind !== 'handback') {
			if (intent && intent.id === intentId) record.intent = intent;
			// A question in the request ("…and how long does the refund take?") is answered first.
			const found = record.entities.filter(
				(e) => e.turn === (lastCaller ? record.transcript.indexOf(lastCaller) : -1)
			);
			const words = request ?? lastCaller?.text ?? '';
			const answered = this.#answers(to, words, found);
			if (answered.length > 0) say = `${say} ${answered.join(' ')}`;
			// Once the question is answered, steps that have nothing new to say stay quiet.
			return this.runSteps(to, intentId, words, found, say + ' ', undefined, {
				quietIfOld: answered.length > 0
			});
		}
		// The operator's notes stay with the team; only the line they wrote for the caller is said.
		if (trigger.kind === 'handback')
			say += `${callerLine ? ` ${callerLine}` : ''} How can I help from here?`;
		return this.#c.reply(to, { say, facts: [], package: pkg });
	}

	/** The flow's phrase for what is known of the caller, when every fact it names is known. */
	#known(to: Persona): string | undefined {
		const phrase = this.#c.flow.phrases.known;
		if (!phrase) return undefined;
		const scope = scopeFor(this.#context(to, '', []));
		const complete = holesOf(phrase).every((h) => {
			const v = scope.resolve(h.path);
			return v !== undefined && v !== null && v !== '';
		});
		return complete ? scope.text(phrase) : undefined;
	}

	/** One caller turn while a specialist owns the call. */
	async turn(
		owner: Persona,
		text: string,
		route: RouteDecision,
		found: { type: string; value?: string }[],
		continuing: boolean
	): Promise<void> {
		const t = this.#c.flow.thresholds;
		const human = humanOf(this.#c.flow);
		// A question about what this persona just did ("so what will I pay now?") is answered here,
		// before the words are read as a new topic for another team or a person (a caller who asks
		// for a person in words was already handed over by the triggers).
		if (!continuing) {
			const say = this.#answered(owner, text, found);
			if (say) return this.#c.reply(owner, { say, facts: [] });
		}
		if (
			!continuing &&
			route.personaId &&
			route.personaId !== owner.id &&
			route.confidence >= t.switch &&
			// "And what does BSD-20533 owe?" from a verified caller asks about someone else's record:
			// this persona refuses it; another team would only be asked the same.
			!this.#namesAnotherRecord(found)
		) {
			if (route.personaId === human?.id) {
				return this.#c.handoff(route.personaId, {
					kind: 'explicit_request',
					detail: 'Caller asked to speak to a person.'
				});
			}
			if (owner.handoffTo.includes(route.personaId)) {
				return this.#c.handoff(
					route.personaId,
					{
						kind: 'out_of_scope',
						detail: `Topic moved from ${owner.id} to ${route.personaId} (${route.intent?.id ?? 'unknown'}, ${route.confidence.toFixed(2)}).`
					},
					{ intentFor: route }
				);
			}
		}
		const pending = this.#pending;
		// "The family one, how much is that?" asks before it answers: the question is answered and
		// the persona's own question still stands. A yes or a no is an answer; the steps take it.
		if (continuing && pending && this.#asked && !saidYes(text) && !saidNo(text)) {
			const say = this.#answered(owner, text, found);
			if (say) return this.#c.reply(owner, { say, facts: [] });
		}
		if (continuing && pending && owner.intents.some((i) => i.id === pending.intent)) {
			return this.runSteps(owner, pending.intent, text, found, '', pending);
		}
		// Who the caller is, said while another question is open ("AC-10023 pin 2290" to "Did that
		// fix it?"): kept for when the steps need it, and the question stands.
		if (!continuing && pending && pending.kind !== 'identity' && this.#asked) {
			if (this.#onlyIdentity(text, found)) {
				const say = `Thanks, I have your details. ${this.#again(this.#asked)}`;
				this.#lastSaid = say;
				return this.#c.reply(owner, { say, facts: [] });
			}
		}
		// An answer of another kind than asked ("zip 60614" to "which device?") is used where one of
		// the persona's intents needs it (check for an outage there) rather than ignored.
		if (found.length > 0 && pending?.kind !== 'identity') {
			const other = this.#intentNeeding(owner, found, pending);
			const elsewhere =
				route.personaId !== null && route.personaId !== owner.id && route.confidence >= t.switch;
			if (other && !elsewhere) return this.runSteps(owner, other, text, found);
		}
		// A question the call already holds the answer to ("when will I get the money back?") is
		// answered, and whatever was asked before still stands; no step runs again.
		const answeredSay = this.#answered(owner, text, found);
		if (answeredSay) return this.#c.reply(owner, { say: answeredSay, facts: [] });
		let intentId = this.#c.record.intent.id;
		if (
			!continuing &&
			route.personaId === owner.id &&
			route.intent &&
			route.confidence >= 0.5 &&
			// "What about repair CB-2041?" names what the current intent works on: the word "repair"
			// leaning to another intent that has no use for it does not move the call there.
			!(this.#uses(owner, intentId, found) && !this.#uses(owner, route.intent.id, found))
		) {
			intentId = route.intent.id;
			this.#c.record.intent = route.intent;
		} else if (
			!continuing &&
			route.personaId === null &&
			route.confidence >= 0.6 &&
			human &&
			// A caller answering, or giving facts, is not off the topic; the steps read the turn.
			!pending &&
			found.length === 0 &&
			!this.#secretThisTurn &&
			// Words that still lean to one of the company's teams are not called off-topic.
			(route.alternatives.find((a) => a.personaId !== human.id)?.p ?? 0) < 0.4
		) {
			// "Oh right, I forgot about that" takes in the answer; it asks for nothing.
			if (acknowledges(text))
				return this.#c.reply(owner, { say: 'Okay. Anything else I can help with?', facts: [] });
			this.#pending = undefined;
			this.#c.awaiting = 'human_offer';
			return this.#c.reply(owner, {
				say: `That's outside what I can help with. I can connect you with a person, or help with ${topicsOf(this.#c.flow)}. Would you like a person?`,
				facts: []
			});
		} else if (this.#c.awaiting === 'human_offer' && saidYes(text) && human) {
			return this.#c.handoff(human.id, {
				kind: 'explicit_request',
				detail: 'Caller accepted the offer of a person.'
			});
		}
		if (!owner.intents.some((i) => i.id === intentId)) {
			intentId = owner.intents[0]?.id ?? intentId;
		}
		// "Oh ok, never mind then" after an answer asks for nothing: the steps are not run again.
		if (!continuing && !pending && found.length === 0 && acknowledges(text))
			return this.#c.reply(owner, { say: 'Okay. Anything else I can help with?', facts: [] });
		return this.runSteps(owner, intentId, text, found);
	}

	/** The entity types of what identifies a caller in this flow (an account, a phone, an order). */
	#identityTypes(): Set<string | undefined> {
		const flow = this.#c.flow;
		return new Set(
			(identityTool(flow)?.identify ?? []).map(
				(i) => flow.slots.find((x) => x.id === i.slot)?.entity
			)
		);
	}

	/** The turn names an account other than the one the caller verified. */
	#namesAnotherRecord(found: { type: string; value?: string }[]): boolean {
		const verified = this.#c.record.verified;
		if (!verified) return false;
		const types = this.#identityTypes();
		// The caller's own identifiers, said again, are not another record.
		const norm = (v: string) => v.toUpperCase().replace(/[^A-Z0-9]/g, '');
		const own = new Set([verified.accountId, verified.phone ?? ''].filter(Boolean).map(norm));
		return found.some(
			(e) => types.has(e.type) && e.type !== 'phone' && !!e.value && !own.has(norm(e.value))
		);
	}

	/** Whether `intentId`'s steps take any of this turn's facts: who the caller is, or a slot. */
	#uses(persona: Persona, intentId: string, found: { type: string }[]): boolean {
		const steps = persona.intents.find((i) => i.id === intentId)?.steps ?? [];
		const flow = this.#c.flow;
		const entities = new Set<string | undefined>();
		for (const step of steps) {
			if ('verify' in step) for (const t of this.#identityTypes()) entities.add(t);
			if ('need' in step) entities.add(flow.slots.find((x) => x.id === step.need)?.entity);
		}
		return found.some((e) => entities.has(e.type));
	}

	/** The turn only says who the caller is: an account or phone (and perhaps a PIN), no request. */
	#onlyIdentity(text: string, found: { type: string }[]): boolean {
		const types = this.#identityTypes();
		if (found.length === 0 || !found.every((e) => types.has(e.type))) return false;
		const rest = text
			.toLowerCase()
			.replace(/\[[^\]]*\]/g, ' ')
			.split(/\s+/)
			.filter((w) => w && !/\d/.test(w) && !IDENTITY_WORDS.has(w.replace(/[^a-z']/g, '')));
		return rest.length <= 2;
	}

	/** Another of the persona's intents whose first need this turn's facts fill. */
	#intentNeeding(
		persona: Persona,
		found: { type: string; value?: string }[],
		pending: Pending | undefined
	): string | undefined {
		const types = new Set(found.map((e) => e.type));
		for (const intent of persona.intents) {
			if (intent.id === pending?.intent) continue;
			const need = intent.steps?.find((s) => 'need' in s);
			const slot =
				need && 'need' in need ? this.#c.flow.slots.find((x) => x.id === need.need) : undefined;
			if (!slot || slot.id === pending?.name || !types.has(slot.entity)) continue;
			// A value the call already had was already used; saying it again is not news.
			const record = this.#c.record;
			const turn = record.transcript.length - 1;
			const fresh = found.some(
				(e) =>
					e.type === slot.entity &&
					!record.entities.some((x) => x.type === e.type && x.value === e.value && x.turn < turn)
			);
			if (fresh) return intent.id;
		}
		return undefined;
	}

	/** Everything said to the caller so far, sentence by sentence. */
	#saidSentences(): Set<string> {
		return new Set(
			this.#c.record.transcript
				.filter((t) => t.role === 'agent')
				.flatMap((t) => sentencesOf(t.text).map(key))
		);
	}

	/** `say` with its question in other words when that question was asked before in the call. */
	#reworded(say: string, asked: Asked): string {
		const q = lastQuestion(asked.text) ?? asked.text;
		// A short question ("Did that fix it?") may come again; a long one is not said twice.
		if (q.split(/\s+/).length < 5 || !say.includes(q) || !this.#saidSentences().has(key(q)))
			return say;
		return say.replace(q, this.#again(asked));
	}

	/** The question again, in words not yet said in this call: the flow's own, then plainer ones. */
	#again(asked: Asked): string {
		const said = this.#saidSentences();
		const label = asked.label;
		const candidates = [
			...(asked.again ? [asked.again] : []),
			...(asked.alternatives ?? []),
			...(asked.alternatives
				? []
				: label
					? [
							`Sorry, I still need the ${label} to go on. What is it?`,
							`I can't go on without the ${label}; tell me, or ask for a person and I'll connect you.`
						]
					: ['Shall I go ahead?', 'Would you like me to go ahead?', 'Just a yes or a no, please.'])
		];
		const fresh = candidates.find((c) => sentencesOf(c).every((x) => !said.has(key(x))));
		return fresh ?? candidates.at(-1)!;
	}

	/**
	 * A reply without what was already said in the call: a statement said before is left out when
	 * the reply has something new; a reply with nothing new is said as a reminder.
	 */
	#unrepeated(say: string, quietIfOld = false): { say: string; old: boolean } {
		const said = this.#saidSentences();
		// A statement that opens with a whole sentence said before ("The second $65 charge is a
		// duplicate" + " of the same plan charge…") was said too: the caller hears it as a repeat.
		const openings = [...said]
			.filter((s) => !s.endsWith('?') && s.split(' ').length >= 5)
			.map((s) => s.replace(/[.!]$/, ''));
		const saidBefore = (p: string) =>
			said.has(key(p)) || openings.some((o) => key(p).startsWith(`${o} `));
		const parts = sentencesOf(say);
		const fresh = parts.filter((p) => p.endsWith('?') || !saidBefore(p));
		const news = fresh.filter((p) => !ANYTHING_ELSE.test(p));
		if (news.length > 0 && fresh.length < parts.length) return { say: fresh.join(' '), old: false };
		if (news.length === 0 && quietIfOld && !fresh.some((p) => p.endsWith('?')))
			return { say: '', old: true };
		// Every statement in it was said before (perhaps inside a longer line): a reminder.
		const stale =
			news.length === 0 && parts.some((p) => !p.endsWith('?') && !ANYTHING_ELSE.test(p));
		const before =
			stale || this.#c.record.transcript.some((t) => t.role === 'agent' && t.text === say);
		if (!before || !say) return { say, old: false };
		// A reminder is the gist, not the whole answer again: its first statement up to a colon or a
		// semicolon (or, past ten words, a comma) with its last short clause, and the questions that
		// followed it.
		const first = parts.find((p) => !p.endsWith('?') && !ANYTHING_ELSE.test(p));
		if (!first)
			return { say: `As I said, ${say.charAt(0).toLowerCase()}${say.slice(1)}`, old: true };
		const statement = first.replace(/[.!]$/, '');
		let gist = statement.split(/[:;]/)[0]!.trim();
		if (gist.split(/\s+/).length > 10) gist = gist.split(',')[0]!.trim();
		// "There is an outage in zip 60614: …, expected fixed by 6 tonight": its last short
		// clause is what the caller came back for.
		const last = statement.split(',').at(-1)!.trim();
		if (gist !== statement && last.split(/\s+/).length <= 6 && !gist.includes(last))
			gist = `${gist}, ${last}`;
		// "There's an outage in zip 60614 since 6 this morning. … It's expected to be fixed by 6
		// tonight.": a later short statement with a figure in it is kept too.
		const later = parts
			.filter((p) => p !== first && !p.endsWith('?') && !ANYTHING_ELSE.test(p))
			.filter((p) => figuresOf(p).length > 0 && p.split(/\s+/).length <= 12)
			.at(-1);
		const asked = parts.filter((p) => p.endsWith('?'));
		return {
			say: [
				`As I said, ${gist.charAt(0).toLowerCase()}${gist.slice(1)}.`,
				...(later ? [later] : []),
				...asked
			].join(' '),
			old: true
		};
	}

	/**
	 * The part of something said earlier in the call that the caller's question is about: "is the
	 * data shared between the lines?" → "100 GB shared data" (a clause, not the whole sentence
	 * again); undefined when no part shares enough of the question's words.
	 */
	#partSaidAbout(text: string): string | undefined {
		const wanted = contentWords(text);
		if (wanted.size === 0) return undefined;
		const needed = wanted.size >= 3 ? 2 : 1;
		let best = { hits: 0, part: '' };
		for (const e of this.#c.record.transcript) {
			if (e.role !== 'agent') continue;
			for (const sentence of sentencesOf(e.text)) {
				if (sentence.endsWith('?')) continue;
				for (const raw of sentence.replace(/[.!]$/, '').split(/[,;:]| - /)) {
					const part = raw.trim();
					const words = contentWords(part);
					const hits = [...wanted].filter((w) => words.has(w)).length;
					// Of parts as close, the shortest says it most plainly.
					if (
						hits > best.hits ||
						(hits === best.hits && hits > 0 && part.length < best.part.length)
					)
						best = { hits, part };
				}
			}
		}
		if (best.hits < needed) return undefined;
		return /^(?:the|your|it|its|it's|this|that|there|a|an|we|you)\b/i.test(best.part)
			? best.part.charAt(0).toLowerCase() + best.part.slice(1)
			: best.part;
	}

	/** Whether the caller's words name something the reply speaks of ("my balance" and "balance"). */
	#about(text: string, say: string): boolean {
		const reply = contentWords(say);
		return [...contentWords(text)].some((w) => reply.has(w));
	}

	/**
	 * "Is that gonna happen every month?" when all the persona has was said already: it says so, and
	 * offers a person who can tell more (or, with no person in the flow, asks what else).
	 */
	#noMoreOnThat(text: string): string {
		const part = this.#partSaidAbout(text);
		if (part) return `As I said, ${part}. Anything else I can help with?`;
		if (!humanOf(this.#c.flow)) return `${NO_MORE} Anything else I can help with?`;
		this.#pending = undefined;
		this.#c.awaiting = 'human_offer';
		return `${NO_MORE} I can connect you with a person who can tell you more. Would you like that?`;
	}

	/**
	 * The reply to a turn the persona's answers cover: the answers, then its open question again in
	 * other words, or "anything else?". Undefined when no answer fits the turn.
	 */
	#answered(
		persona: Persona,
		text: string,
		found: { type: string; value?: string }[]
	): string | undefined {
		const answered = this.#answers(persona, text, found);
		if (answered.length === 0) return undefined;
		const asked = this.#pending && this.#asked ? this.#again(this.#asked) : undefined;
		// The caller asked: the answer is said even when it was said before ("how long does that
		// take?" twice), as a reminder then, never left out.
		const say = `${answered.join(' ')} ${asked ?? 'Anything else I can help with?'}`;
		this.#lastSaid = say;
		return say;
	}

	/** The persona's answers to the questions in the caller's words, one per question. */
	#answers(
		persona: Persona,
		text: string,
		found: { type: string; value?: string }[] = []
	): string[] {
		if (persona.answers.length === 0) return [];
		const scope = scopeFor(this.#context(persona, text, found));
		const done = new Set<string>();
		const out: string[] = [];
		const before = this.#saidSentences();
		const saidBefore = (t: string) => sentencesOf(t).every((p) => before.has(key(p)));
		for (const a of persona.answers) {
			if (done.has(a.id) || !new RegExp(a.said, 'iu').test(text)) continue;
			if (a.when && !holds(a.when, scope)) continue;
			const answer = scope.text(a.say).trim();
			if (!answer) continue;
			done.add(a.id);
			// Asked again: the answer is said again, never left out, in the flow's other words when
			// it has them, else as a reminder.
			const again = a.again && saidBefore(answer) ? scope.text(a.again).trim() : '';
			if (again && !saidBefore(again)) out.push(again);
			else if (saidBefore(answer)) out.push(reminder(answer));
			else out.push(answer);
		}
		return out;
	}

	/** The persona's open question takes a yes or a no (a confirmation, or a question of the flow's). */
	get askedYesOrNo(): boolean {
		return this.#pending?.kind === 'confirm' || this.#pending?.kind === 'answer';
	}

	/** The persona's open question, in other words than last time; undefined when none is open. */
	questionAgain(): string | undefined {
		return this.#pending && this.#asked ? this.#again(this.#asked) : undefined;
	}

	/** The kind of fact (an entity type) the persona's open question asks for. */

	expecting(): string | undefined {
		const p = this.#pending;
		if (p?.kind === 'identity') return this.#secret === undefined ? 'secret' : undefined;
		if (p?.kind !== 'slot') return undefined;
		return this.#c.flow.slots.find((s) => s.id === p.name)?.entity;
	}

	/** True when the turn answers what the persona asked for, so it is not re-routed. */
	continues(text: string, found: { type: string }[]): boolean {
		const p = this.#pending;
		if (answers(p, this.#c.flow, text, found, this.#secret !== undefined)) return true;
		if (p?.kind !== 'answer' || saidYes(text) || saidNo(text)) return false;
		const persona = this.#c.flow.personas.find((x) => x.intents.some((i) => i.id === p.intent));
		const intent = persona?.intents.find((i) => i.id === p.intent);
		if (!persona || !intent) return false;
		const ctx = this.#context(persona, text, found);
		return rereads(intent, p.step, ctx) || readsOn(intent, p.step, ctx);
	}

	#context(persona: Persona, text: string, found: { type: string; value?: string }[]): StepContext {
		const ctx: StepContext = {
			flow: this.#c.flow,
			persona,
			tables: this.#c.tables,
			record: this.#c.record,
			text,
			turnEntities: found as StepContext['turnEntities'],
			...(this.#secret !== undefined ? { secret: this.#secret } : {}),
			caller: this.#caller,
			memory: this.#memory,
			results: this.#results,
			clock: this.#c.clock(),
			call: (tool, args, scope, quiet) =>
				this.#callTool(persona, tool, args, 'skill', scope, quiet),
			settle: (fact: string) => {
				if (fact && !this.#c.record.resolved.includes(fact)) this.#c.record.resolved.push(fact);
			},
			consumeSecret: () => {
				// A secret is good for one attempt; it is never kept after it was checked.
				this.#secret = undefined;
				delete ctx.secret;
			}
		};
		return ctx;
	}

	async #callTool(
		persona: Persona,
		tool: string,
		args: Record<string, unknown>,
		origin: ToolOrigin,
		scope: Scope,
		quiet: boolean
	): Promise<GuardedOutcome> {
		let outcome: GuardedOutcome;
		try {
			outcome = await this.#guard.dispatch({ persona, tool, args, origin, scope });
		} catch (e) {
			outcome = {
				ok: false,
				result: `The ${tool} tool failed: ${e instanceof Error ? e.message : String(e)}`
			};
		}
		if (outcome.refused && outcome.refused !== 'locked') {
			// Nothing ran: the refusal is kept in the audit log, not among the call's actions.
			this.#c.log({
				type: 'tool_refused',
				tool,
				reason: outcome.refused,
				origin,
				owner: persona.id
			});
			return outcome;
		}
		this.#c.log({ type: 'tool', tool, ok: outcome.ok, owner: persona.id });
		// A quiet check decides a step; it is not an action, and finding nothing is not a failure.
		if (quiet) return outcome;
		// The secret is checked and forgotten; it never reaches the package, the log or the console.
		const logged = { ...(outcome.args ?? args) };
		this.#c.record.actions.push({ tool, args: logged, ok: outcome.ok, result: outcome.result });
		if (!outcome.ok) this.#c.record.toolFailures++;
		return outcome;
	}

	/** Says the steps' result, and hands off when the steps or failing tools call for it. */
	async afterSteps(owner: Persona, result: StepResult, prefix = ''): Promise<void> {
		this.#c.awaiting = this.#awaitingWord(this.#pending);
		const human = humanOf(this.#c.flow);
		const failed = toolFailure(this.#c.record.toolFailures, this.#c.flow.thresholds.toolFailures);
		if (failed && human && !this.#toolFailureHandled) {
			this.#toolFailureHandled = true;
			// The call goes to a person now: no question is asked on the way.
			const told = sentencesOf(result.say).filter((x) => !x.endsWith('?'));
			const say = told.length > 0 ? told.join(' ') : "That didn't work either.";
			await this.#c.reply(owner, { say: prefix + say, facts: result.facts });
			return this.#c.handoff(human.id, failed);
		}
		if (result.trigger) {
			const { nextStep, to, ...trigger } = result.trigger;
			const target = to ?? human?.id;
			if (target) {
				await this.#c.reply(owner, { say: prefix + result.say, facts: result.facts });
				return this.#c.handoff(target, trigger, nextStep ? { nextStep } : {});
			}
		}
		return this.#c.reply(owner, { say: prefix + result.say, facts: result.facts });
	}
}

/** An answer said again: "As I said, there is nothing to do on your end." */
function reminder(answer: string): string {
	const rest = answer.replace(/^(?:yes|no)\b[,:]?\s*/i, '');
	const first = rest.split(/\s/, 1)[0]!;
	const plain = /^(?:the|a|an|your|it|it's|there|that|this|from|once|you|we|its)$/i.test(first);
	return `As I said, ${plain ? rest.charAt(0).toLowerCase() + rest.slice(1) : rest}`;
}

/** Words that come with an account number, a phone and a PIN, and name no request. */
const IDENTITY_WORDS = new Set(
	"my the it's its is and account number no phone pin passcode code it ok okay sure here yes yeah sorry".split(
		' '
	)
);

const key = (sentence: string) => sentence.toLowerCase().replace(/\s+/g, ' ');

const ANYTHING_ELSE = /^(?:is there )?anything else\b/i;
const NO_MORE = "I'm sorry, I don't have more detail on that here.";
