// Where the app fetches models from when its page URL names no other place. One list, read by the
// code that fetches them and by the server's Content-Security-Policy, which allows these hosts and
// no others (server/headers.js): a deployment serving models from elsewhere declares that host.

/** Kokoro 82M, the natural voice: a folder laid out like a Hugging Face repository. */
export const KOKORO_DEFAULT_URL =
	'https://huggingface.co/onnx-community/Kokoro-82M-v1.0-ONNX/resolve/main/';

/**
 * Hosts a model host answers with redirects to (large files live on a CDN), by origin. A browser
 * checks every redirect against the policy, so these are allowed with their model host.
 * @type {Record<string, string[]>}
 */
export const MODEL_HOST_REDIRECTS = {
	'https://huggingface.co': ['https://*.huggingface.co', 'https://*.hf.co']
};
