// Bootstrap of a batch worker thread: loads the TypeScript sources through tsx (as
// bin/strata.js does for the CLI), then the worker module listens for jobs.
import { register } from 'tsx/esm/api';

register();
await import('../core/node/batchWorker.ts');
