/// <reference lib="webworker" />
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

// The LLM worker: web-llm's own engine behind its own worker protocol (the page talks to it through
// `CreateWebWorkerMLCEngine`, which implements the same `MLCEngineInterface`). Weights are kept in
// web-llm's cache backend (Cache Storage).

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (msg: MessageEvent) => handler.onmessage(msg);
