#!/usr/bin/env node
// Entry point for `npx strata`: runs the TypeScript CLI through tsx so that the
// installed package needs no separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli.ts');
process.exitCode = await main(process.argv.slice(2));
