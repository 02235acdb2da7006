import { demoDataset, demoFlow } from '$lib/agents/demo';
import type { Dataset } from '$lib/agents/dataset';
import type { Flow } from '$lib/agents/flow';
import { FlowFileError, loadFlow, type FlowIssue } from '$lib/agents/flows/load';

// Which company the caller page serves: the deployment's default flow, or the one `?flow=URL`
// names. A flow with errors does not start half-valid: the page lists every error (path and fix)
// and Call stays off until a valid flow is loaded.

export type FlowStatus =
	| { state: 'ready' }
	| { state: 'loading'; url: string }
	| { state: 'invalid'; url: string; issues: FlowIssue[] };

const FETCH_TIMEOUT_MS = 10_000;

export class PageFlow {
	// Raw: a flow is replaced whole, never changed in place, and it crosses into workers and storage,
	// which cannot take reactive proxies.
	flow = $state.raw<Flow>(demoFlow);
	data: Dataset = demoDataset;
	status = $state<FlowStatus>({ state: 'ready' });

	get ready(): boolean {
		return this.status.state === 'ready';
	}

	/** Loads the flow at `url` (same site); on any problem the page says what and nothing starts. */
	async load(url: string): Promise<void> {
		this.status = { state: 'loading', url };
		const invalid = (message: string, fix: string) => {
			this.status = { state: 'invalid', url, issues: [{ path: '(file)', message, fix }] };
		};
		let text: string;
		try {
			const res = await fetch(url, {
				cache: 'no-cache',
				signal: AbortSignal.timeout(FETCH_TIMEOUT_MS)
			});
			if (!res.ok)
				return invalid(
					`the flow could not be fetched (HTTP ${res.status})`,
					'Check the address in ?flow=; flows are served from this site, e.g. /flows/NAME.json.'
				);
			text = await res.text();
		} catch (e) {
			return invalid(
				`the flow could not be fetched: ${e instanceof Error ? e.message : String(e)}`,
				'Check the address and the network; a flow must come from this site.'
			);
		}
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch (e) {
			return invalid(
				`the file is not JSON: ${e instanceof Error ? e.message : String(e)}`,
				'Run npm run --silent flow:check -- FILE on it.'
			);
		}
		try {
			const loaded = loadFlow(json);
			this.flow = loaded.flow;
			this.data = loaded.data;
			this.status = { state: 'ready' };
		} catch (e) {
			if (e instanceof FlowFileError) this.status = { state: 'invalid', url, issues: e.issues };
			else invalid(e instanceof Error ? e.message : String(e), 'Run flow:check on the file.');
		}
	}
}

export const pageFlow = new PageFlow();
