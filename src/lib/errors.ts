/**
 * Errors the core raises. Each carries a stable `code` that UIs and logs switch on, and `retryable`
 * so a caller knows whether trying again can help. Messages say what to do next; caller words never
 * go into a message (they belong in tagged fields, and only after redaction).
 */
export class BatonError extends Error {
	readonly code: string;
	readonly retryable: boolean;

	constructor(options: { code: string; message: string; retryable?: boolean; cause?: unknown }) {
		super(options.message, { cause: options.cause });
		this.name = new.target.name;
		this.code = options.code;
		this.retryable = options.retryable ?? false;
	}
}

/** Data that crossed a trust boundary (a package, a dataset, a flow) failed its schema. */
export class ValidationError extends BatonError {
	/** Dotted paths with what was wrong at each, e.g. `caller.verified: expected boolean`. */
	readonly issues: string[];

	constructor(options: { what: string; issues: string[] }) {
		super({
			code: 'invalid_' + options.what.replace(/\W+/g, '_').toLowerCase(),
			message: `${options.what} is invalid: ${options.issues.slice(0, 5).join('; ')}${
				options.issues.length > 5 ? ` (and ${options.issues.length - 5} more)` : ''
			}. Fix the listed fields and send it again.`
		});
		this.issues = options.issues;
	}
}

/** A flow that cannot run: unknown persona ids, a missing triage persona, and the like. */
export class FlowError extends BatonError {
	constructor(message: string) {
		super({ code: 'invalid_flow', message });
	}
}
