import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors';
import { checkPayload, envelope, parseEnvelope } from './envelope';

describe('the hand-back and the operator’s typed line on the data channel', () => {
	it('a hand-back carries notes for the team and, apart, an optional line for the caller', () => {
		const payload = {
			handoffId: 'h1',
			to: 'billing',
			notes: ['Customer upset - be gentle'],
			callerLine: 'I have refunded the second charge.'
		};
		const env = parseEnvelope(JSON.stringify(envelope('handback', payload, 1, 'm1')));
		expect(env).toMatchObject({ type: 'handback', payload });
		expect(checkPayload('handback', { handoffId: 'h1', to: 'billing', notes: [] })).toEqual({
			handoffId: 'h1',
			to: 'billing',
			notes: []
		});
	});

	it('a malformed hand-back is refused with what is wrong, in words', () => {
		const long = 'x'.repeat(501);
		expect(() =>
			checkPayload('handback', { handoffId: 'h1', to: 'billing', notes: [], callerLine: long })
		).toThrow(/The hand-back is invalid: The line for the caller is at most 500 characters/);
		expect(() => checkPayload('handback', { handoffId: 'h1', to: '', notes: 'n' })).toThrow(
			ValidationError
		);
		// A receiver refuses it too: nothing half-applied.
		const bad = { v: 1, type: 'handback', id: 'm2', seq: 2, payload: { to: 'billing' } };
		expect(() => parseEnvelope(JSON.stringify(bad))).toThrow(ValidationError);
	});

	it('the operator’s typed line is trimmed, must say something and has a length limit', () => {
		expect(checkPayload('text', { text: '  on it  ', at: 't' })).toEqual({
			text: 'on it',
			at: 't'
		});
		expect(() => checkPayload('text', { text: '   ', at: 't' })).toThrow(/Type something to send/);
		expect(() => checkPayload('text', { text: 'x'.repeat(2001), at: 't' })).toThrow(
			/at most 2000 characters/
		);
		const env = parseEnvelope(
			JSON.stringify(envelope('text', { text: 'hello', at: 't' }, 3, 'm3'))
		);
		expect(env).toMatchObject({ type: 'text', payload: { text: 'hello' } });
	});
});
