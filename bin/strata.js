#!/usr/bin/env node
// Entry point for `npx strata`: the TypeScript CLI, loaded without a separate build step
// (bundled on first use and whenever a source changes; see loadEntry.js).
import { loadEntry } from './loadEntry.js';

const { main } = await loadEntry('core/cli.ts');
process.exitCode = await main(process.argv.slice(2));
