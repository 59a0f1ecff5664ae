/** Real files and real child processes for the SQLite queue tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHILDREN = fileURLToPath(new URL('./children/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A fresh directory under the OS temp dir; `cleanup()` removes it. */
export function tempDir(prefix = 'rr-sqlite-'): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, db: join(dir, 'events.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Child {
  readonly proc: ChildProcess;
  /** Every JSON line the child printed on stdout, in order. */
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  /** stdout as printed. */
  readonly stdout: string[];
  /** Resolves with the first line (already printed or to come) matching `pred`. */
  waitFor(pred: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
}

/** Runs a TypeScript file in a child process (`node --import tsx FILE`), its config in the CONFIG variable. */
export function spawnTs(file: string, config: unknown, env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, ...env, CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return track(proc);
}

/** Runs any program with JSON lines on stdout. */
export function spawnProgram(cmd: string, args: readonly string[], env: Record<string, string> = {}): Child {
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  return track(proc);
}

function track(proc: ChildProcess): Child {
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const stdout: string[] = [];
  const waiters = new Set<{ pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  let buf = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    stdout.push(chunk);
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (!text.trim()) continue;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { text };
      }
      lines.push(line);
      for (const w of waiters) {
        if (w.pred(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  });
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    proc,
    lines,
    stderr,
    stdout,
    exited,
    waitFor(pred, timeoutMs = 20_000) {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (l: Record<string, unknown>) => (clearTimeout(timer), resolve(l)) };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`child ${proc.pid} printed no matching line within ${timeoutMs} ms; stdout: ${JSON.stringify(lines.slice(-5))} stderr: ${stderr.join('').slice(-2000)}`));
        }, timeoutMs);
        waiters.add(w);
        void exited.then((code) => {
          if (!waiters.has(w)) return;
          waiters.delete(w);
          clearTimeout(timer);
          reject(new Error(`child ${proc.pid} exited (${code}) before printing a matching line; stderr: ${stderr.join('').slice(-2000)}`));
        });
      });
    },
  };
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
