// Writes flows/flow.schema.json, the JSON Schema editors read for completion in a flow file, from
// the same valibot definitions the loader validates with: npm run flow:schema [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toJsonSchema } from '@valibot/to-json-schema';
import { ConditionSchema, FlowFileSchema } from '../src/lib/agents/flows/schema';

export const SCHEMA_PATH = 'flows/flow.schema.json';

export function flowJsonSchema(): string {
	const schema = toJsonSchema(FlowFileSchema, {
		errorMode: 'ignore',
		definitions: { Condition: ConditionSchema }
	});
	return (
		JSON.stringify(
			{
				...schema,
				title: 'Baton flow file',
				description:
					"One company's Baton: personas, intents and their steps, slots, tables and rows, tools, thresholds and the human line. Checked in full by `npm run flow:check -- FILE`."
			},
			null,
			'\t'
		) + '\n'
	);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
	const text = flowJsonSchema();
	if (values.check) {
		let old = '';
		try {
			old = readFileSync(SCHEMA_PATH, 'utf8');
		} catch {
			/* missing: out of date */
		}
		if (old !== text) {
			process.stderr.write(`flow:schema: ${SCHEMA_PATH} is out of date; run npm run flow:schema\n`);
			process.exit(1);
		}
	} else {
		writeFileSync(SCHEMA_PATH, text);
		process.stderr.write(`flow:schema: wrote ${SCHEMA_PATH} (${text.length} bytes)\n`);
	}
}
