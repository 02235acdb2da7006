// The console's keys while a call rings: A accepts, D declines, C asks for a call back later. A key
// typed into a field, or pressed with Ctrl, Alt or the Command key, is never taken for one.

export type RingAction = 'accept' | 'decline' | 'callback';

const KEYS: Record<string, RingAction> = { a: 'accept', d: 'decline', c: 'callback' };

type Key = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey' | 'repeat'>;

/** The ring action a key press asks for, or null. */
export function shortcutFor(e: Key): RingAction | null {
	if (e.ctrlKey || e.altKey || e.metaKey || e.repeat) return null;
	return KEYS[e.key.toLowerCase()] ?? null;
}

/** Whether the key went to something the operator types into. */
export function isTyping(e: Pick<KeyboardEvent, 'target'>): boolean {
	const t = e.target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
	if (!t?.tagName) return false;
	if (t.isContentEditable) return true;
	const tag = t.tagName.toUpperCase();
	if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
	// Buttons, checkboxes and the like are inputs too, but nothing is typed into them.
	return (
		tag === 'INPUT' &&
		!['button', 'checkbox', 'radio', 'submit', 'reset'].includes(t.type ?? 'text')
	);
}
