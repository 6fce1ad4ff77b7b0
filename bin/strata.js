#!/usr/bin/env node
// Entry point for `npx strata`: the TypeScript CLI, loaded without a separate build step
// (bundled on first use and whenever a source changes; see loadEntry.js).
import { loadEntry } from './loadEntry.js';

// A reader that stops early (`strata analyze … | head`) closes the pipe: what is left to print has
// nowhere to go, which is not a failure of the command. It runs on and ends with its own exit
// code, where Node would end it at the next write with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** Resolves once what was written to the stream before has gone out (or the stream is gone). */
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));

const { main } = await loadEntry('core/cli.ts');
const code = await main(process.argv.slice(2));
// Ended here, once the output is out: a process left to end by itself first waits for V8's
// background work (optimising compiles queued while the command ran), which held every command
// for another 0–150 ms after its work was done. Each command awaits all it writes before main returns.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
