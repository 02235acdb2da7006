// Polling for tests and labs that wait on something asynchronous they cannot await directly (a
// message crossing a channel, an outbox emptying).

export type UntilOptions = {
	/** Give up after this long, in milliseconds. */
	timeoutMs?: number;
	/** How often `done` is asked again, in milliseconds. */
	everyMs?: number;
};

/** Resolves once `done()` holds, or `false` when `timeoutMs` passes first. */
export async function held(
	done: () => boolean | Promise<boolean>,
	{ timeoutMs = 3000, everyMs = 10 }: UntilOptions = {}
): Promise<boolean> {
	const t0 = Date.now();
	while (!(await done())) {
		if (Date.now() - t0 > timeoutMs) return false;
		await new Promise((r) => setTimeout(r, everyMs));
	}
	return true;
}

/** Resolves once `done()` holds; throws naming `what` when `timeoutMs` passes first. */
export async function until(
	done: () => boolean | Promise<boolean>,
	options: UntilOptions & { what?: string } = {}
): Promise<void> {
	if (!(await held(done, options)))
		throw new Error(
			`timed out after ${options.timeoutMs ?? 3000} ms: ${options.what ?? 'waiting'}`
		);
}
