// The security headers every response of Baton carries, built here and only here: the production
// server (server/index.js), `vite dev` and `vite preview` (vite.config.ts) all send what this
// module returns. The Content-Security-Policy allows the app's own origin, the MQTT broker and the
// model hosts the app is configured with, WebAssembly compilation (the speech and language models
// need it) and nothing that evaluates strings as code.
import { createHash } from 'node:crypto';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { KOKORO_DEFAULT_URL, MODEL_HOST_REDIRECTS } from '../src/lib/workers/model-sources.js';

/** The methods the production server answers; anything else gets 405. */
export const ALLOWED_METHODS = ['GET', 'HEAD'];

export class HeaderConfigError extends Error {
	code = 'header_config';
}

/**
 * @typedef {object} PolicyOptions
 * @property {string[]} [connect] origins besides the app's own that pages may connect to
 * @property {string[]} [scriptHashes] `'sha256-…'` sources of the page's inline scripts
 * @property {boolean} [dev] Vite's dev server: it injects styles as inline `<style>` elements
 */

/**
 * The origins the app's pages load models from unless their URL names others: Kokoro's default
 * folder and web-llm's prebuilt models (weights and model libraries; `?llm=` picks any of them),
 * with the hosts those redirect large files to.
 * @returns {string[]}
 */
export function defaultModelOrigins() {
	const urls = [
		KOKORO_DEFAULT_URL,
		...prebuiltAppConfig.model_list.flatMap((m) => [m.model, m.model_lib])
	];
	return withRedirects(urls.map((u) => new URL(u).origin));
}

/** @param {string[]} origins */
function withRedirects(origins) {
	const all = origins.flatMap((o) => [o, ...(MODEL_HOST_REDIRECTS[o] ?? [])]);
	return [...new Set(all)];
}

/**
 * The origins a deployment adds, from its environment: `BATON_MODEL_HOSTS` (the hosts its pages'
 * `?models=`, `?kokoro=`, `?llmUrl=` and `?llmLib=` point at; URLs or origins, separated by commas
 * or spaces) and `BATON_BROKER_URL` (the external MQTT broker its pages' `?broker=` names).
 * Anything that is not an http(s) or ws(s) address is refused with the variable's name.
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function configuredOrigins(env) {
	const models = (env.BATON_MODEL_HOSTS ?? '').split(/[\s,]+/).filter(Boolean);
	const broker = (env.BATON_BROKER_URL ?? '').trim();
	return withRedirects([
		...models.map((u) => originOf(u, 'BATON_MODEL_HOSTS', ['http:', 'https:'])),
		...(broker ? [originOf(broker, 'BATON_BROKER_URL', ['ws:', 'wss:'])] : [])
	]);
}

/**
 * @param {string} value
 * @param {string} name
 * @param {string[]} protocols
 */
function originOf(value, name, protocols) {
	let url;
	try {
		url = new URL(value);
	} catch {
		throw new HeaderConfigError(
			`${name}: "${value}" is not an address (expected e.g. ${example(protocols)}).`
		);
	}
	if (!protocols.includes(url.protocol)) {
		throw new HeaderConfigError(
			`${name}: "${value}" must start with ${protocols.map((p) => `${p}//`).join(' or ')}.`
		);
	}
	return url.origin;
}

/** @param {string[]} protocols */
const example = (protocols) =>
	protocols[0] === 'ws:' ? 'wss://broker.example/mqtt' : 'https://models.example';

/**
 * Every origin the policy's connect-src names besides the app's own: the default model hosts and
 * what the environment adds.
 * @param {Record<string, string | undefined>} [env]
 */
export function connectOrigins(env = process.env) {
	return [...new Set([...defaultModelOrigins(), ...configuredOrigins(env)])];
}

/**
 * The Content-Security-Policy. `'self'` covers the broker at /mqtt: CSP matches a ws(s) address
 * on the page's own host and port to it.
 * @param {PolicyOptions} [options]
 */
export function contentSecurityPolicy({ connect = [], scriptHashes = [], dev = false } = {}) {
	/** @type {[string, string[]][]} */
	const directives = [
		['default-src', ["'self'"]],
		// 'wasm-unsafe-eval' lets WebAssembly compile (ONNX Runtime, espeak-ng, web-llm's model
		// libraries); JavaScript from strings (eval, new Function) stays refused.
		['script-src', ["'self'", "'wasm-unsafe-eval'", ...scriptHashes]],
		// Module workers and ONNX Runtime's threads, all from the app's own files; and blob: for
		// mqtt.js, which runs its keepalive timers in a small worker made from a Blob so that a
		// console in a background tab keeps its broker connection (only script the page already
		// runs, under script-src, can make one).
		['worker-src', ["'self'", 'blob:']],
		['connect-src', ["'self'", ...connect]],
		// Stylesheets are files; Svelte sets `style` attributes. Vite's dev server injects <style>.
		['style-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
		['style-src-attr', ["'unsafe-inline'"]],
		// The pairing QR code is a data: URL.
		['img-src', ["'self'", 'data:']],
		['media-src', ["'self'"]],
		['font-src', ["'self'"]],
		['manifest-src', ["'self'"]],
		['object-src', ["'none'"]],
		['base-uri', ["'none'"]],
		['form-action', ["'self'"]],
		['frame-src', ["'none'"]],
		// No other site may frame the caller page or the console (clickjacking a microphone).
		['frame-ancestors', ["'none'"]]
	];
	return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/**
 * The headers for every response: the policy, and the ones that keep a browser from guessing
 * content types, leaking page addresses or lending the microphone to anything but the app.
 * @param {PolicyOptions} [options]
 * @returns {Record<string, string>}
 */
export function securityHeaders(options = {}) {
	return {
		'Content-Security-Policy': contentSecurityPolicy(options),
		'X-Content-Type-Options': 'nosniff',
		// Page addresses carry configuration (?broker=, ?models=): other sites get the origin only.
		'Referrer-Policy': 'strict-origin-when-cross-origin',
		'Permissions-Policy':
			'microphone=(self), camera=(), geolocation=(), payment=(), usb=(), display-capture=()'
	};
}

/**
 * The `'sha256-…'` sources of the inline scripts in a page (SvelteKit's bootstrap script in the
 * static build's index.html), hashed as the browser hashes them: the script's text as written.
 * @param {string} html
 * @returns {string[]}
 */
export function inlineScriptHashes(html) {
	const hashes = [];
	for (const m of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
		if (/\ssrc\s*=/i.test(m[1] ?? '')) continue;
		hashes.push(
			`'sha256-${createHash('sha256')
				.update(m[2] ?? '', 'utf8')
				.digest('base64')}'`
		);
	}
	return [...new Set(hashes)];
}

/**
 * The `'sha256-…'` sources of a policy SvelteKit wrote (its dev server's header or the static
 * build's meta tag), which are the hashes of the inline scripts it rendered.
 * @param {string} policy
 * @returns {string[]}
 */
export function policyHashes(policy) {
	return [...new Set(policy.match(/'sha256-[A-Za-z0-9+/=]+'/g) ?? [])];
}
