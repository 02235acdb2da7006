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
): { route: RouteDecision; text: string } | null {
	const parts = splitRequests(text);
	if (parts.length < 2 || !route.personaId) return null;
	for (const part of parts) {
		const r = router.route(part);
		if (forAnotherTeam(r, route.personaId, flow)) return { route: r, text: part };
	}
	return null;
}

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

/** The words go, surely enough, to an AI team other than `personaId`'s (never to a person). */
function forAnotherTeam(r: RouteDecision, personaId: string, flow: Flow): boolean {
	return (
		!!r.personaId &&
		r.personaId !== personaId &&
		r.personaId !== humanOf(flow)?.id &&
		r.confidence >= flow.thresholds.route
	);
}
