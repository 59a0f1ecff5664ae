/**
 * Runs a child process without blocking this worker. vitest's forks pool gives
 * a worker a fixed 60 s to answer its RPC calls; a `spawnSync` that takes
 * longer than that on a loaded machine fails the run ("Timeout calling
 * onTaskUpdate") although every test passed. Awaiting the child instead keeps
 * the worker's event loop free while it runs.
 */
import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly cwd?: string;
  /** The child's whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed (it is closed at once without it). */
  readonly input?: string;
  /** The child is killed (SIGKILL) after this long; default 60 s. */
  readonly timeoutMs?: number;
}

export interface RunResult {
  /** The exit code, or null when a signal ended the child. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The child's stderr; after a timeout, followed by a line saying so, so an assertion on stderr or the code shows why. */
  readonly stderr: string;
  /** The child ran past `timeoutMs` and was killed. */
  readonly timedOut: boolean;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

/** The environment of a fresh shell: this one's without what an enclosing `npm test` adds (npm_*, INIT_CWD) and without NODE_OPTIONS. */
export const FRESH_SHELL_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD'),
);

/**
 * Runs `command args` to its end. Resolves whatever the exit (a non-zero code
 * is a result for the test to assert on); rejects only when the child cannot
 * be started (e.g. the command does not exist).
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A child that exits without reading its input makes the write fail with EPIPE; its exit is the result that matters.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}[test/helpers/process] ${command} timed out after ${timeoutMs} ms and was killed\n`;
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
