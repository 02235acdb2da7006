import { humanOf, type Flow } from '../flow';
import { afterAnswer, splitRequests } from '../understanding/caller-words';
import type { RouteDecision, Router } from './router';

/**
 * A second request in the caller's first words ("my balance, and also is there an outage in
 * 60614?") that belongs to another team than the first (`route`), with the words that ask it: the
 * call keeps it and takes it there once the first is done. Null when there is none, or when it
 * would go to a person (asking for one is handled as its own trigger).
 */
export function secondRequest(
	text: string,
	route: RouteDecision,
	router: Pick<Router, 'route'>,
	flow: Flow
): Request | null {
	const parts = splitRequests(text);
	if (parts.length < 2) return null;
	const routed = parts.map((part) => ({ route: router.route(part), text: part }));
	let lead = route.personaId;
	let sure = (r: RouteDecision, not: string) => forAnotherTeam(r, not, flow);
	if (!lead) {
		// Unclear as a whole ("how much do I owe and is the network down around me"), clear part by
		// part: the first part's team is the first request, and the other part counts when it
		// leans, near enough, to the other team the whole leaned to.
		lead = routed.find((p) => sure(p.route, ''))?.route.personaId ?? null;
		const leaned = route.alternatives.slice(0, 2).map((a) => a.personaId);
		sure = (r, not) =>
			forAnotherTeam(r, not, flow, 0.8) && !!r.personaId && leaned.includes(r.personaId);
	}
	const first = lead;
	if (!first) return null;
	const second = routed.find((p) => sure(p.route, first));
	if (!second) return null;
	// The part for the first team, kept for when the call reaches the second team first (the
	// caller picked it when asked which they meant).
	const other = routed.find(
		(p) => p !== second && forAnotherTeam(p.route, second.route.personaId!, flow)
	);
	return other ? { ...second, first: other } : second;
}

/** A request kept for later: where it goes and the caller's words for it. `first`: see above. */
export type Request = {
	route: RouteDecision;
	text: string;
	first?: { route: RouteDecision; text: string };
};

/**
 * A request for another team joined onto the answer to a specialist's question ("no, don't
 * dispute it yet, but my phone keeps dropping calls too"): the answer is taken as usual, and the
 * request kept for once it is done. Null when there is none, or it is for `ownerId` or a person.
 */
export function requestAfterAnswer(
	text: string,
	ownerId: string,
	router: Pick<Router, 'route'>,
	flow: Flow
): { route: RouteDecision; text: string } | null {
	const rest = afterAnswer(text);
	if (!rest) return null;
	const r = router.route(rest);
	return forAnotherTeam(r, ownerId, flow) ? { route: r, text: rest } : null;
}

/**
 * The words go, surely enough, to an AI team other than `personaId`'s (never to a person): at
 * the flow's routing threshold, or `share` of it.
 */
function forAnotherTeam(r: RouteDecision, personaId: string, flow: Flow, share = 1): boolean {
	return (
		!!r.personaId &&
		r.personaId !== personaId &&
		r.personaId !== humanOf(flow)?.id &&
		r.confidence >= flow.thresholds.route * share
	);
}
