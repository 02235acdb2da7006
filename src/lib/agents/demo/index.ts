import { loadFlow } from '../flows/load';
import raw from '../../../../flows/northwind-mobile.json';

// The deployment's default flow: the demo mobile phone company, from its flow file. Nothing about
// the company is code; another company is another file (see the README, "Make it yours").

const demo = loadFlow(raw);

export const demoFlow = demo.flow;

/** The demo company's rows, validated with its flow. */
export const demoDataset = demo.data;
