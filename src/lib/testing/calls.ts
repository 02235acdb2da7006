import { demoDataset, demoFlow } from '../agents/demo';
import { Router } from '../agents/routing/router';
import { Session, type HumanAvailability } from '../agents/session';

// Test fixtures: a shared router for the demo flow and a helper that runs a scripted call.

let router: Router | null = null;
export function demoRouter(): Router {
	router ??= Router.train(demoFlow);
	return router;
}

export async function runCall(
	turns: readonly string[],
	human: HumanAvailability = 'available'
): Promise<Session> {
	const session = new Session({
		flow: demoFlow,
		dataset: demoDataset,
		router: demoRouter(),
		human
	});
	await session.start();
	for (const t of turns) await session.hear(t);
	return session;
}
