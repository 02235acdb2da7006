// Small rules for putting facts into sentences, shared by the handoff's opening line, the summary
// and the caller's recap.

const LOWERABLE =
	/^(A|An|The|Your|Moving|Plan|Plans|Balance|Outage|No|Dispute|Ticket|Steps|Offers|Recent|Verified|Finding|Changing|Cancelling|Disputing|Making|Speaking)\b/;

/** Lower-cases a leading sentence word so a fact can sit mid-sentence; names keep their capital. */
export function lowerFirst(s: string): string {
	return LOWERABLE.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

export function joinAnd(items: string[]): string {
	if (items.length <= 1) return items.join('');
	return items.slice(0, -1).join(', ') + ' and ' + items[items.length - 1];
}
