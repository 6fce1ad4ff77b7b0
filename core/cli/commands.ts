import type { Command } from 'commander';
import type { CliIo } from './context.js';
import { registerInfo } from './info.js';
import { registerAnalyze } from './analyze.js';
import { registerServe } from './serve.js';
import { registerSem } from './sem.js';
import { registerFigure } from './figure.js';
import { registerXrd } from './xrd.js';

/** Every `strata` command. Each module registers one command with its options and help. */
export const COMMANDS: Array<(program: Command, io: CliIo) => void> = [registerInfo, registerAnalyze, registerServe, registerSem, registerXrd, registerFigure];
