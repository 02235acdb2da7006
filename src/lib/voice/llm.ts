import {
	CreateWebWorkerMLCEngine,
	prebuiltAppConfig,
	type AppConfig,
	type MLCEngineInterface,
	type ModelRecord
} from '@mlc-ai/web-llm';
import { BatonError } from '$lib/errors';

// The local LLM: a small instruct model through web-llm, in a worker, on WebGPU. It serves two
// things once loaded: ambiguous routing (LlmRouter, JSON-schema constrained) and specialist replies
// (LlmResponder, streamed and grounding-checked). The model is configurable from the page URL:
// `?llm=<model id>` picks another of web-llm's prebuilt models, and `?llmUrl=<weights folder>` with
// `?llmLib=<model library .wasm>` serves the model from a deployment's own host.

export const DEFAULT_LLM = 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC';

export type LlmChoice = { modelId: string; appConfig: AppConfig; record: ModelRecord };

export class LlmConfigError extends BatonError {
	constructor(message: string) {
		super({ code: 'llm_config', message });
	}
}

export function llmChoice(
	pageUrl: URL | string,
	prebuilt: AppConfig = prebuiltAppConfig
): LlmChoice {
	const page = new URL(pageUrl);
	const modelId = page.searchParams.get('llm') ?? DEFAULT_LLM;
	const known = prebuilt.model_list.find((m) => m.model_id === modelId);
	const url = page.searchParams.get('llmUrl');
	const lib = page.searchParams.get('llmLib');
	if (!known && !(url && lib)) {
		throw new LlmConfigError(
			`"${modelId}" is not one of web-llm's prebuilt models; give its weights (llmUrl) and library (llmLib) too.`
		);
	}
	const record: ModelRecord = {
		...(known ?? { model_id: modelId }),
		model: url ? new URL(url, page).toString() : known!.model,
		model_lib: lib ? new URL(lib, page).toString() : known!.model_lib
	} as ModelRecord;
	return { modelId, record, appConfig: { ...prebuilt, model_list: [record] } };
}

export type LlmProgress = { progress: number; text: string };

/** Starts the worker and loads the model, reporting web-llm's progress (0–1). */
export async function loadLlm(
	choice: LlmChoice,
	onProgress: (p: LlmProgress) => void
): Promise<MLCEngineInterface> {
	const worker = new Worker(new URL('../workers/llm.worker.ts', import.meta.url), {
		type: 'module'
	});
	try {
		return await CreateWebWorkerMLCEngine(worker, choice.modelId, {
			appConfig: choice.appConfig,
			initProgressCallback: (r) => onProgress({ progress: r.progress, text: r.text })
		});
	} catch (e) {
		worker.terminate();
		throw e;
	}
}
