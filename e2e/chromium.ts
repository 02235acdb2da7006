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
