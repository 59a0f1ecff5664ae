/**
 * Helpers of the NATS tests: peer processes (peer.ts), unique stream names,
 * a wait-until, and a logger that keeps what it is told.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../runtime/index.js';

const PEER = fileURLToPath(new URL('./peer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type Fact = Record<string, unknown>;

/** A router process (peer.ts) talking JSON lines. */
export class Peer {
  readonly facts: Fact[] = [];
  readonly exited: Promise<number | null>;
  private stderr = '';
  private readonly waiters = new Set<() => void>();

  private constructor(readonly child: ChildProcess) {
    let buffer = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim() === '') continue;
        try {
          this.facts.push(JSON.parse(line) as Fact);
        } catch {
          this.stderr += `(stdout) ${line}\n`;
        }
        for (const wake of this.waiters) wake();
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-10_000);
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const wake of this.waiters) wake();
        resolve(code);
      }),
    );
  }

  /** Runs peer.ts, or another script of the same protocol (`script`: a path). */
  static spawn(config: Record<string, unknown>, script = PEER): Peer {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...process.env, PEER: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new Peer(child);
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** Waits for a fact with `key` (and matching `where`), returning its value. */
  async waitFor<T = unknown>(key: string, where: (value: T) => boolean = () => true, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.facts.find((f) => key in f && where(f[key] as T));
      if (found) return found[key] as T;
      if (this.child.exitCode !== null) throw new Error(`peer exited (${this.child.exitCode}) before "${key}"; stderr:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`peer: no "${key}" within ${timeoutMs} ms; facts: ${JSON.stringify(this.facts)}; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, 100);
        this.waiters.add(wake);
      });
    }
  }

  all<T = unknown>(key: string): T[] {
    return this.facts.filter((f) => key in f).map((f) => f[key] as T);
  }

  /** Asks the peer to close its router and exit; kills it if it does not. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ exit: true });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  get errors(): string {
    return this.stderr;
  }
}

let counter = 0;

/** A stream name and subject prefix no other test uses (streams may not share subjects). */
export function uniqueStream(label: string): { stream: string; prefix: string } {
  const tag = `${label}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 6)}`.replace(/[^A-Za-z0-9_]/g, '_');
  return { stream: `T_${tag}`.toUpperCase(), prefix: `t_${tag}`.toLowerCase() };
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function recordingLogger(): Logger & { readonly lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (message: string): void =>
      void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
