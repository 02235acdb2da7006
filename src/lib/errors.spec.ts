import { describe, expect, it } from 'vitest';
import { BatonError, FlowError, ValidationError } from './errors';
import { WavError } from './audio/wav';
import { MicError } from './audio/mic';
import { PairingCodeError } from './rtc/signaling/manual-signaling';
import { SignInError } from './rtc/signaling/mqtt-signaling';
import { SealError } from './rtc/callbacks/sealed';
import { LlmConfigError } from './voice/llm';
import { ModelLoadError } from './workers/model-loader';
import { WorkerCallError } from './workers/protocol';

describe('BatonError', () => {
	// Regression: five error classes skipped the base, and three reported their name as "Error".
	it.each([
		[new ValidationError({ what: 'Package', issues: ['v: expected 1'] }), 'ValidationError'],
		[new FlowError('Flow "x" has no triage persona.'), 'FlowError'],
		[new WavError('Not a WAV file.'), 'WavError'],
		[new PairingCodeError(), 'PairingCodeError'],
		[new SignInError('bad_credentials', 'Wrong operator id or password.'), 'SignInError'],
		[new SealError(), 'SealError'],
		[new LlmConfigError('Unknown model.'), 'LlmConfigError'],
		[new ModelLoadError('model_network_error', 'The network dropped.'), 'ModelLoadError'],
		[new MicError('mic_denied', 'Allow the microphone and try again.'), 'MicError']
	])('%s carries its own name, a code and retryable', (e, name) => {
		expect(e).toBeInstanceOf(BatonError);
		expect(e).toBeInstanceOf(Error);
		expect(e.name).toBe(name);
		expect(e.code).toMatch(/^[a-z_]+$/);
		expect(typeof e.retryable).toBe('boolean');
		expect(e.message.length).toBeGreaterThan(5);
	});

	it('says which failures are worth trying again', () => {
		expect(new ModelLoadError('model_network_error', 'x').retryable).toBe(true);
		expect(new ModelLoadError('model_http_error', 'x').retryable).toBe(false);
		expect(new SignInError('unreachable', 'x').retryable).toBe(true);
		expect(new SignInError('bad_credentials', 'x').retryable).toBe(false);
	});

	it('keeps the name a worker error had in the worker', () => {
		const e = new WorkerCallError({ name: 'ModelLoadError', message: 'gone', code: 'x_y' });
		expect(e).toBeInstanceOf(BatonError);
		expect(e.name).toBe('ModelLoadError');
		expect(e.code).toBe('x_y');
		expect(e.retryable).toBe(false);
	});
});
