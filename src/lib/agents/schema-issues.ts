import * as v from 'valibot';

/** Flattens valibot issues into `path: message` lines a person can act on. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
	return issues.map((issue) => {
		const path = v.getDotPath(issue);
		return `${path ?? '(root)'}: ${issue.message}`;
	});
}
