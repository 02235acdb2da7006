import { describe, expect, it } from 'vitest';
import { isTyping, shortcutFor } from './shortcuts';

const key = (k: string, mods: Partial<KeyboardEvent> = {}) =>
	({
		key: k,
		ctrlKey: false,
		altKey: false,
		metaKey: false,
		repeat: false,
		...mods
	}) as KeyboardEvent;
const at = (tagName: string, extra: Record<string, unknown> = {}) =>
	({ target: { tagName, ...extra } }) as unknown as KeyboardEvent;

describe('the ringing call’s keys', () => {
	it('A accepts, D declines, C asks for a callback, in either case', () => {
		expect(shortcutFor(key('a'))).toBe('accept');
		expect(shortcutFor(key('A'))).toBe('accept');
		expect(shortcutFor(key('d'))).toBe('decline');
		expect(shortcutFor(key('c'))).toBe('callback');
		expect(shortcutFor(key('x'))).toBeNull();
	});

	it('a key with Ctrl, Alt or Command, or held down, is not a shortcut (Ctrl+C copies)', () => {
		expect(shortcutFor(key('c', { ctrlKey: true }))).toBeNull();
		expect(shortcutFor(key('a', { metaKey: true }))).toBeNull();
		expect(shortcutFor(key('d', { altKey: true }))).toBeNull();
		expect(shortcutFor(key('a', { repeat: true }))).toBeNull();
	});

	it('a key typed into a text field, a text area, a list or editable text is just a letter', () => {
		expect(isTyping(at('TEXTAREA'))).toBe(true);
		expect(isTyping(at('INPUT', { type: 'text' }))).toBe(true);
		expect(isTyping(at('INPUT', { type: 'search' }))).toBe(true);
		expect(isTyping(at('SELECT'))).toBe(true);
		expect(isTyping(at('DIV', { isContentEditable: true }))).toBe(true);
		expect(isTyping(at('INPUT', { type: 'checkbox' }))).toBe(false);
		expect(isTyping(at('BUTTON'))).toBe(false);
		expect(isTyping(at('BODY'))).toBe(false);
		expect(isTyping({ target: null } as unknown as KeyboardEvent)).toBe(false);
	});
});
