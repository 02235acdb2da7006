// How Baton's tests and benchmarks launch Debian's Chromium (Playwright's own browser download is
// never used). Without the background-networking flags Chromium keeps dialling out on a closed
// network.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];

/** A fake microphone playing `wav` (48 kHz mono), permission granted, and sound without a click. */
export const fakeMicArgs = (wav: string) => [
	'--use-fake-ui-for-media-stream',
	'--use-fake-device-for-media-stream',
	`--use-file-for-fake-audio-capture=${wav}`,
	'--autoplay-policy=no-user-gesture-required'
];
