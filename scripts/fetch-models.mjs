// Fetches the model weights that npm packages ship, for the offline tests and the default deploy:
// Moonshine tiny (quantized ONNX) from the @moonshine-ai/moonshine-js tarball. The package is not a
// dependency (its own dependencies break @ricky0123/vad-web), so its tarball is packed, the two
// model files are extracted and their sha256 checked. Idempotent: files already in place and
// matching are kept. Writes into static/models/ (ignored by git).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MOONSHINE = {
	spec: '@moonshine-ai/moonshine-js@0.1.29',
	dir: join(root, 'static', 'models', 'moonshine-tiny'),
	files: {
		'encoder_model.onnx': {
			from: 'package/dist/model/tiny/quantized/encoder_model.onnx',
			sha256: 'c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a'
		},
		'decoder_model_merged.onnx': {
			from: 'package/dist/model/tiny/quantized/decoder_model_merged.onnx',
			sha256: 'eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367'
		}
	}
};

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function ready(model) {
	return Object.entries(model.files).every(([name, f]) => {
		const path = join(model.dir, name);
		return existsSync(path) && sha256(path) === f.sha256;
	});
}

function fetchMoonshine() {
	if (ready(MOONSHINE)) return;
	console.log(`models: fetching Moonshine tiny from ${MOONSHINE.spec}…`);
	const tmp = mkdtempSync(join(tmpdir(), 'baton-models-'));
	try {
		const tarball = execFileSync(
			'npm',
			['pack', MOONSHINE.spec, '--silent', '--pack-destination', tmp],
			{ encoding: 'utf8' }
		)
			.trim()
			.split('\n')
			.pop();
		const members = Object.values(MOONSHINE.files).map((f) => f.from);
		execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', tmp, ...members]);
		mkdirSync(MOONSHINE.dir, { recursive: true });
		for (const [name, f] of Object.entries(MOONSHINE.files)) {
			const got = sha256(join(tmp, f.from));
			if (got !== f.sha256) {
				throw new Error(
					`${name} from ${MOONSHINE.spec} has sha256 ${got}, expected ${f.sha256}; refusing to use it.`
				);
			}
			renameSync(join(tmp, f.from), join(MOONSHINE.dir, name));
		}
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

try {
	fetchMoonshine();
	console.log('models: Moonshine tiny ready in static/models/moonshine-tiny');
} catch (e) {
	console.error(`models: ${e.message}`);
	process.exit(1);
}
