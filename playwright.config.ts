import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from './e2e/chromium';
import { CALLER_WAV } from './e2e/global-setup';

// Journeys run against the built app (the same static files a deployment serves) in Debian's
// Chromium; Playwright's own browser download is not used.
const port = 4173;

export default defineConfig({
	testDir: 'e2e',
	globalSetup: './e2e/global-setup.ts',
	outputDir: 'test-results',
	timeout: 60_000,
	retries: process.env.CI ? 1 : 0,
	workers: 1,
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: CHROMIUM_PATH,
			args: [
				...CHROMIUM_ARGS,
				// A fake microphone (an espeak-ng caller) and auto-granted permission, for the audio journeys.
				...fakeMicArgs(CALLER_WAV),
				// Host candidates as plain loopback/LAN addresses; mDNS names do not resolve in CI.
				'--disable-features=WebRtcHideLocalIpsWithMdns'
			]
		}
	},
	webServer: {
		// The production server: static build, COOP/COEP, and the embedded MQTT broker at /mqtt.
		// Test operator accounts; their passwords are in e2e/human-handoff.spec.ts. The policy allows
		// the mosquitto journey's broker (same spec) as a deployment's external broker.
		command: `npm run build && PORT=${port} HOST=127.0.0.1 BATON_OPERATORS=e2e/fixtures/operators.json BATON_BROKER_URL=ws://127.0.0.1:9181 node server/index.js`,
		url: `http://127.0.0.1:${port}`,
		reuseExistingServer: !process.env.CI,
		timeout: 180_000
	}
});
