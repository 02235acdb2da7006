import { createHash } from 'node:crypto';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { KOKORO_DEFAULT_URL } from '../src/lib/workers/tts/kokoro-hub';
import {
	configuredOrigins,
	connectOrigins,
	contentSecurityPolicy,
	defaultModelOrigins,
	HeaderConfigError,
	inlineScriptHashes,
	policyHashes,
	securityHeaders
	// @ts-expect-error: plain JS module without types
} from './headers.js';

// The one place the security headers are built: what the policy allows follows the app's model
// configuration and the deployment's environment, never a list kept by hand.

const directive = (policy: string, name: string) =>
	policy
		.split(';')
		.map((d) => d.trim().split(/\s+/))
		.find(([n]) => n === name)
		?.slice(1);

describe('contentSecurityPolicy', () => {
	const policy = contentSecurityPolicy({
		connect: ['https://models.example'],
		scriptHashes: ["'sha256-abc='"]
	});

	it('compiles WebAssembly but never evaluates strings as code', () => {
		expect(policy).not.toMatch(/'unsafe-eval'/);
		expect(directive(policy, 'script-src')).toEqual([
			"'self'",
			"'wasm-unsafe-eval'",
			"'sha256-abc='"
		]);
		expect(directive(policy, 'script-src')).not.toContain("'unsafe-inline'");
		expect(directive(policy, 'object-src')).toEqual(["'none'"]);
	});

	it('limits connections, workers and framing', () => {
		expect(directive(policy, 'connect-src')).toEqual(["'self'", 'https://models.example']);
		expect(directive(policy, 'worker-src')).toEqual(["'self'", 'blob:']);
		expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
		expect(directive(policy, 'default-src')).toEqual(["'self'"]);
	});

	it('lets only the dev server inline <style> elements', () => {
		expect(directive(policy, 'style-src')).toEqual(["'self'"]);
		const dev = contentSecurityPolicy({ dev: true });
		expect(directive(dev, 'style-src')).toContain("'unsafe-inline'");
		expect(dev).not.toMatch(/'unsafe-eval'/);
	});
});

describe('securityHeaders', () => {
	it('adds nosniff, a referrer policy and the microphone for the app only', () => {
		const h = securityHeaders();
		expect(h['X-Content-Type-Options']).toBe('nosniff');
		expect(h['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
		expect(h['Permissions-Policy']).toMatch(/(^|, )microphone=\(self\)(,|$)/);
		expect(h['Permissions-Policy']).toMatch(/camera=\(\)/);
		expect(h['Content-Security-Policy']).toBe(contentSecurityPolicy());
	});
});

describe('model and broker origins', () => {
	it('allows the hosts the app loads its default models from', () => {
		const origins: string[] = defaultModelOrigins();
		expect(origins).toContain(new URL(KOKORO_DEFAULT_URL).origin);
		for (const m of prebuiltAppConfig.model_list) {
			expect(origins).toContain(new URL(m.model).origin);
			expect(origins).toContain(new URL(m.model_lib).origin);
		}
		// Hugging Face answers large files with a redirect to its CDN, which the policy checks too.
		expect(origins).toContain('https://*.hf.co');
	});

	it('adds the hosts and broker a deployment declares, as origins only', () => {
		expect(
			configuredOrigins({
				BATON_MODEL_HOSTS: 'https://cdn.example/models/, https://weights.example:8443/x',
				BATON_BROKER_URL: 'wss://broker.example/mqtt'
			})
		).toEqual(['https://cdn.example', 'https://weights.example:8443', 'wss://broker.example']);
		expect(configuredOrigins({})).toEqual([]);
		const all: string[] = connectOrigins({ BATON_BROKER_URL: 'wss://broker.example/mqtt' });
		expect(all).toContain('wss://broker.example');
		expect(all).toContain(new URL(KOKORO_DEFAULT_URL).origin);
	});

	it('refuses what is not an http(s) or ws(s) address, naming the variable', () => {
		const bad: [Record<string, string>, RegExp][] = [
			[{ BATON_MODEL_HOSTS: 'cdn.example' }, /BATON_MODEL_HOSTS: "cdn.example" is not an address/],
			[{ BATON_MODEL_HOSTS: '*' }, /BATON_MODEL_HOSTS: "\*" is not an address/],
			[
				{ BATON_MODEL_HOSTS: 'ftp://x.example' },
				/BATON_MODEL_HOSTS.*must start with http:\/\/ or https:\/\//
			],
			[
				{ BATON_BROKER_URL: 'https://broker.example' },
				/BATON_BROKER_URL.*must start with ws:\/\/ or wss:\/\//
			]
		];
		for (const [env, message] of bad) {
			expect(() => configuredOrigins(env)).toThrow(HeaderConfigError);
			expect(() => configuredOrigins(env)).toThrow(message);
		}
	});

	it('keeps only the origin, so an address cannot smuggle a directive into the policy', () => {
		const origins: string[] = configuredOrigins({
			BATON_MODEL_HOSTS: "https://x.example/;script-src;'unsafe-eval'"
		});
		expect(origins).toEqual(['https://x.example']);
		expect(contentSecurityPolicy({ connect: origins })).not.toContain("'unsafe-eval'");
	});
});

describe('inline script hashes', () => {
	it('hashes each inline script as the browser does, and skips external ones', () => {
		const body = '\n\t\t\t\t{ kit.start(app, element); }\n\t\t\t';
		const html = `<head><script type="module" src="/x.js"></script></head><body><script>${body}</script></body>`;
		const want = `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
		expect(inlineScriptHashes(html)).toEqual([want]);
		expect(inlineScriptHashes('<p>no scripts</p>')).toEqual([]);
	});

	it('reads the hashes SvelteKit put in a policy', () => {
		expect(
			policyHashes("script-src 'self' 'wasm-unsafe-eval' 'sha256-q1w2+/e3='; style-src 'self'")
		).toEqual(["'sha256-q1w2+/e3='"]);
	});
});
