// Bootstrap of a stack-pool worker thread (core/node/stackPool.ts): loads the worker module as
// bin/strata.js loads the CLI (see loadEntry.js), then it waits for tasks.
import { loadEntry } from './loadEntry.js';

await loadEntry('core/node/stackWorker.ts');
