import { error } from '@sveltejs/kit';
import type { EntryGenerator, RequestHandler } from './$types';

// The deployment's flow files (flows/*.json) and their JSON Schema, served as they are so a page
// can load another company with ?flow=/flows/NAME.json and an editor can fetch the schema. Written
// out at build time: the static site needs no server for them.

const files = import.meta.glob('/flows/*.json', {
	eager: true,
	query: '?raw',
	import: 'default'
}) as Record<string, string>;

export const prerender = true;

export const entries: EntryGenerator = () =>
	Object.keys(files).map((path) => ({ name: path.slice('/flows/'.length) }));

export const GET: RequestHandler = ({ params }) => {
	const body = files[`/flows/${params.name}`];
	if (body === undefined) error(404, `No flow file ${params.name}`);
	return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
