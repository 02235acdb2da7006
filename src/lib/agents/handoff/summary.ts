import type { CallRecord } from '../call-record';
import { clauseOf, forTeam, lowerFirst } from './wording';
import type { Trigger } from '../routing/triggers';

// The summary is built from facts only: the verified identity, the intent, tool results and the
// trigger. Tool results are produced by code from the dataset, so every name, number and date in
// the summary can be traced to the transcript or to a tool result. No free text is generated here.
// It is written about the caller, for the team: "called about their plan", never "your plan" (intent
// labels and tool results are worded for the caller, and are put in the third person here).

const TRIGGER_SENTENCE: Record<Trigger['kind'], string> = {
	explicit_request: 'They asked to be transferred.',
	out_of_scope: 'Their request belongs with another team.',
	low_confidence: 'The assistant could not tell what they needed after a clarifying question.',
	frustration: 'They are frustrated with the call so far.',
	tool_failure: 'Look-ups of their records failed repeatedly.',
	sensitive_topic: 'The request involves a sensitive matter that needs a person.',
	workflow: 'This step must be completed by a person.',
	agent_limit: 'The assistant cannot complete this request.',
	handback: 'A colleague returned the call with notes.'
};

/** How the caller proved who they are, as an agent reads it ("PIN", "passcode"). */
function secretName(by: string): string {
	return by.length <= 4 ? by.toUpperCase() : by.replace(/[_-]+/g, ' ');
}

export function buildSummary(record: CallRecord, trigger: Trigger, verifyTool?: string): string {
	const who = record.verified
		? `${record.verified.name ?? 'The caller'} (account ${record.verified.accountId}, verified by ${secretName(record.verified.by)})`
		: 'The caller (not verified)';
	const about =
		record.intent.id === 'unknown'
			? 'has not yet said what they need'
			: `called about ${forTeam(lowerFirst(record.intent.label))}`;
	const sentences = [`${who} ${about}.`];
	const facts = record.actions.filter((a) => a.ok && a.tool !== verifyTool).slice(-2);
	// The last two results, each cut to its first clause, in one sentence: the summary stays at
	// three sentences however long the tools' words are.
	if (facts.length > 0) {
		const said = forTeam(facts.map((a) => clauseOf(a.result)).join('; '));
		sentences.push(`${said.charAt(0).toUpperCase()}${said.slice(1)}.`);
	}
	const triggerSentence =
		trigger.kind === 'out_of_scope' && trigger.detail.startsWith('Triage routed')
			? 'Triage routed the call to this team.'
			: trigger.kind === 'explicit_request' && /person/.test(trigger.detail)
				? 'They asked to speak to a person.'
				: trigger.kind === 'sensitive_topic'
					? `It involves a sensitive matter (${trigger.detail.split(':')[0]}).`
					: TRIGGER_SENTENCE[trigger.kind];
	sentences.push(triggerSentence);
	return sentences.join(' ');
}
