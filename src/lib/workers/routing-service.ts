import {
	TextClassifier,
	type Example,
	type SerializedClassifier,
	type TrainOptions
} from '../agents/routing/classifier';
import type { Handlers } from './protocol';

// What the routing worker answers, apart from the worker itself so that it is tested in Node over
// a MessageChannel.

export type RoutingMethods = {
	train(params: { examples: Example[]; options: Partial<TrainOptions> }): {
		model: SerializedClassifier;
		ms: number;
	};
};

export const routingHandlers = {
	train: ({ examples, options }: { examples: Example[]; options: Partial<TrainOptions> }) => {
		const t0 = performance.now();
		const model = TextClassifier.train(examples, options).serialize();
		return { model, ms: performance.now() - t0 };
	}
} satisfies Handlers;
