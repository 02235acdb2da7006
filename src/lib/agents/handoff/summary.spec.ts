import { describe, expect, it } from 'vitest';
import { runCall } from '../../testing/calls';

// Every number, id, date and capitalised name in a summary must appear in the transcript or in a
// tool result: the summary may not invent anything.
function ungrounded(summary: string, sources: string): string[] {
	const tokens =
		summary.match(/\$?\d[\d.,:-]*\d|\b[A-Z]{2,}-\d+\b|\b[A-Z][a-z]+ [A-Z][a-z]+\b/g) ?? [];
	const fixed = /^(Triage|Their|They|The|It|This|Account|A)\b/;
	return tokens.filter((t) => !fixed.test(t) && !sources.includes(t.replace(/[.,]$/, '')));
}

describe('summary grounding', () => {
	it.each([
		[['I have a question about a charge', 'AC-10021 pin 4821', 'I want to talk to a person']],
		[['I was charged twice', 'account AC-10022 pin 7310', 'yes', 'upgrade me to unlimited plus']],
		[['my internet is down', 'zip 73301', 'this is ridiculous']],
		[['I want to cancel', 'AC-10023 pin 2290', 'no, cancel it']]
	])('is 2–3 sentences grounded in the call: %j', async (turns) => {
		const s = await runCall(turns);
		expect(s.packages.length).toBeGreaterThan(0);
		for (const pkg of s.packages) {
			const sentences = pkg.summary.split(/(?<=[.!?])\s+(?=[A-Z])/);
			expect(sentences.length).toBeGreaterThanOrEqual(2);
			expect(sentences.length).toBeLessThanOrEqual(3);
			const sources = [
				...pkg.transcript.map((t) => t.text),
				...pkg.actions.map((a) => a.result)
			].join('\n');
			expect(ungrounded(pkg.summary, sources)).toEqual([]);
		}
	});
});
