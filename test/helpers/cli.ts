import { main } from '../../core/cli.js';
import type { CliIo } from '../../core/cli/context.js';

/** Runs the CLI in-process with captured output. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTty: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
