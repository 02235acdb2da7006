import type { ContextPackage } from '../../agents/handoff/context-package';

// The console's rule for putting a context package on screen, kept apart from the Svelte state so
// the delivery benchmark and the tests judge the same rule the console runs.

export type Admission = 'show' | 'wrong_call' | 'already_shown';

/**
 * Whether a package that arrived on a ring's link goes on that ring's screen: only for the call
 * the ring is for, and never over a package already shown (a resend would wipe the live
 * transcript that followed it). A package the link reported as a duplicate is still shown to a
 * ring with nothing on screen: the same handoff offered again after a decline, or to a console
 * that reloaded mid-transfer, must reach the operator who now has to answer it.
 */
export function admitPackage(
	ring: { callId: string | null; pkg: { handoffId: string } | null },
	pkg: Pick<ContextPackage, 'callId' | 'handoffId'>
): Admission {
	// null: a manually paired ring, which could not name its call; its link holds to the call of
	// the first package it took in.
	if (ring.callId !== null && pkg.callId !== ring.callId) return 'wrong_call';
	if (ring.pkg) return 'already_shown';
	return 'show';
}
