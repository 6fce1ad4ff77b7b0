import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError, StrataError } from '../model/errors.js';
import type { CliIo } from './context.js';

/** The built renderer (electron-vite writes it to out/renderer). */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** Where the browser mode keeps its recent-studies list: $XDG_CONFIG_HOME/strata or ~/.config/strata. */
function userStateDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'strata');
}

export function registerServe(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('Serve the workbench to a browser on this machine (loopback only, per-session token)')
    .argument('[study]', 'study folder or study.json to open')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .action(async (study: string | undefined, options: { port?: string }) => {
      // Decimal digits only: Number() read '' as 0 (any port) and 0x50 as 80.
      const port = options.port === undefined ? 0 : /^\d{1,5}$/.test(options.port) ? Number(options.port) : Number.NaN;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port wants a port number, got '${options.port}'`);
      if (study && !existsSync(study)) throw new StrataError(`${study}: no such file or folder`);
      // The study opened first, as the workbench will: a broken one is said here, not in the page.
      if (study) await (await import('../node/loadStudy.js')).loadStudy(study);
      if (!existsSync(`${RENDERER_DIR}/index.html`)) throw new StrataError(`the workbench is not built (${RENDERER_DIR} missing): run 'npm run build'`);
      // The backend loads only for this command: the others start faster without it.
      const { WorkbenchServices } = await import('../node/services.js');
      const { startWorkbenchServer } = await import('../node/server.js');
      const api = new WorkbenchServices({ mode: 'browser', startupStudy: study ?? null, stateDir: userStateDir() });
      const server = await startWorkbenchServer({ api, staticDir: RENDERER_DIR, port });
      io.stdout(`Strata workbench: ${server.url}\n`);
      io.stderr('Open that address in a browser; press Ctrl+C to stop.\n');
      await new Promise<void>((resolve) => {
        const stop = () => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
