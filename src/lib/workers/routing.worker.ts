/// <reference lib="webworker" />
import { serve, type Endpoint } from './protocol';
import { routingHandlers } from './routing-service';

// The routing worker: trains a flow's classifier off the page's main thread, so neither the page
// nor a call's first turn waits for it.

serve(self as unknown as Endpoint, routingHandlers);
