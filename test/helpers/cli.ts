/** Runs the real `ringrift-events` bin in a child process (awaited, so the worker is not blocked while it runs). */
import { fileURLToPath } from 'node:url';
import { run } from './process.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/ringrift-events.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(args: readonly string[], cwd = ROOT): Promise<CliResult> {
  const r = await run(process.execPath, [BIN, ...args], { cwd, timeoutMs: 60_000 });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}
