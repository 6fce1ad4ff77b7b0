import { Command, CommanderError } from 'commander';
import { describeFailure, EXIT, processIo } from './cli/context.js';
import type { CliIo } from './cli/context.js';
import { COMMANDS } from './cli/commands.js';
import { STRATA_VERSION } from './version.js';

/** Builds the `strata` program; every command registers itself from core/cli/. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('strata')
    .description('Layer-resolved ToF-SIMS, SEM and XRD analysis of thin-film battery stacks across cell states.')
    .version(STRATA_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Runs the CLI and returns the exit code (0 ok, 1 bad input, 2 bad usage); never throws. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (err.exitCode === 0) return EXIT.ok;
      return EXIT.usage;
    }
    const { code, line } = describeFailure(err);
    if (line) io.stderr(line + '\n');
    return code;
  }
}
