import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { flowJsonSchema, SCHEMA_PATH } from './flow-schema';

// The JSON Schema an editor reads comes from the loader's own definitions: it is current, it
// accepts every shipped flow, and it catches what an editor should underline.

describe('the flow JSON Schema', () => {
	const schema = JSON.parse(flowJsonSchema());
	const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

	it('is the one in the repository', () => {
		expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(flowJsonSchema());
	});

	it('accepts the demo flow', () => {
		const flow = JSON.parse(readFileSync('flows/northwind-mobile.json', 'utf8'));
		expect(validate(flow), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
	});

	it('underlines a wrong type, an unknown key and a missing field', () => {
		const flow = JSON.parse(readFileSync('flows/northwind-mobile.json', 'utf8'));
		flow.personas[0].greeting = 5;
		flow.personas[1].colour = 'blue';
		delete flow.company.name;
		expect(validate(flow)).toBe(false);
		const where = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
		expect(where).toContainEqual('/personas/0/greeting must be string');
		expect(where).toContainEqual('/personas/1 must NOT have additional properties');
		expect(where).toContainEqual("/company must have required property 'name'");
	});
});
