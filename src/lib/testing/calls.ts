import { demoDataset, demoFlow } from '../agents/demo';
import { Router } from '../agents/routing/router';
import { Session, type HumanAvailability } from '../agents/session';

// Test fixtures: a shared router for the demo flow and a helper that runs a scripted call.

let router: Router | null = null;
export function demoRouter(): Router {
	router ??= Router.train(demoFlow);
	return router;
}

/** A call on the demo flow, not yet started. */
export function demoCall(human: HumanAvailability = 'available'): Session {
	return new Session({ flow: demoFlow, dataset: demoDataset, router: demoRouter(), human });
}

export async function runCall(
	turns: readonly string[],
	human: HumanAvailability = 'available'
): Promise<Session> {
	const session = demoCall(human);
	await session.start();
	for (const t of turns) await session.hear(t);
	return session;
}
