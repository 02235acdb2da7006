// The browser's audio service, started ahead of the page's first AudioContext.

let service: Promise<unknown> = Promise.resolve();
let warming = false;

/**
 * Starts the browser's audio service without blocking the page. The first AudioContext a page
 * constructs starts it synchronously, holding the main thread for 0.3–0.8 s on a 2-core device:
 * when the caller pressed Call before the page had built its audio output, that came between the
 * click and the greeting. Listing the media devices starts the same service asynchronously (it asks
 * for no permission and sees no device labels); an AudioContext constructed afterwards takes
 * milliseconds.
 */
export function warmAudioService(): void {
	if (warming || typeof navigator === 'undefined') return;
	warming = true;
	service = navigator.mediaDevices?.enumerateDevices?.().catch(() => {}) ?? service;
}

/** Resolves once the audio service is up (or at once, if nothing started it). */
export function audioServiceReady(): Promise<unknown> {
	return service;
}
