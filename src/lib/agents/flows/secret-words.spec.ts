import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Router } from '../routing/router';
import { Session } from '../session';
import { loadFlow } from './load';

// A flow names what its callers call their secret; the caller's words for it verify them once and
// are never kept, like a PIN.

describe("a flow's own word for the secret", () => {
	it('verifies with it and removes it from everything the call keeps', async () => {
		const file = JSON.parse(readFileSync('examples/flows/city-bikes.json', 'utf8'));
		const verify = file.tools.find((t: { kind: string }) => t.kind === 'verify');
		verify.secretWords = ['pickup code'];
		const { flow, data } = loadFlow(file);
		const call = new Session({
			flow,
			dataset: data,
			router: Router.train(flow),
			human: 'available'
		});
		await call.start();
		await call.hear("what's the status of my repair?");
		await call.hear('repair CB-2041, my pickup code is 7391');
		expect(call.record.verified?.accountId).toBe('CB-2041');
		const kept = JSON.stringify(
			[call.record.transcript, call.record.entities, call.audit],
			(k, v) => (['callId', 'at', 'startedAt'].includes(k) ? undefined : v)
		);
		expect(kept).not.toContain('7391');
		expect(kept).toContain('pickup code is [PIN removed]');
	});
});
