// Bootstrap of a batch worker thread: loads the worker module as bin/strata.js loads the CLI
// (see loadEntry.js), then it listens for jobs.
import { loadEntry } from './loadEntry.js';

await loadEntry('core/node/batchWorker.ts');
