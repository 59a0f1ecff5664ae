/**
 * `codegen --watch` through the real bin, in a child process, on a temporary
 * catalog: edits are regenerated, a broken edit is reported and the watcher
 * lives on, SIGTERM ends it with 0. No timing assertions: every step waits for
 * the line it expects (with a generous overall timeout, for a loaded machine).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/ringrift-events.js', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/catalogs/minimal');
const WAIT_MS = 90_000;

/** A running CLI whose output is read line by line; `next(re)` waits for the next line (after the ones already consumed) that matches. */
class Watcher {
  readonly lines: { stream: 'out' | 'err'; text: string }[] = [];
  private consumed = 0;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: readonly string[], cwd: string) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'pipe' });
    for (const [stream, s] of [['out', this.child.stdout], ['err', this.child.stderr]] as const) {
      let partial = '';
      s.setEncoding('utf8').on('data', (d: string) => {
        const parts = (partial + d).split('\n');
        partial = parts.pop()!;
        for (const text of parts) this.lines.push({ stream, text });
        for (const w of this.waiters.splice(0)) w();
      });
    }
    this.exited = new Promise((done) => this.child.on('exit', (code, signal) => done({ code, signal })));
  }

  async next(re: RegExp, stream?: 'out' | 'err'): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      for (let i = this.consumed; i < this.lines.length; i++) {
        const line = this.lines[i]!;
        if ((stream === undefined || line.stream === stream) && re.test(line.text)) {
          this.consumed = i + 1;
          return line.text;
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line matching ${re} within ${WAIT_MS} ms; output so far:\n${this.transcript()}`);
      await new Promise<void>((wake) => {
        const t = setTimeout(wake, left);
        this.waiters.push(() => (clearTimeout(t), wake()));
      });
    }
  }

  transcript(): string {
    return this.lines.map((l) => `${l.stream}: ${l.text}`).join('\n');
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

let dir: string;
let catalog: string;
let out: string;
let watcher: Watcher | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rr-watch-'));
  catalog = join(dir, 'catalog');
  out = join(dir, 'generated');
  cpSync(FIXTURE, catalog, { recursive: true, filter: (src) => !src.includes('generated') });
});
afterEach(async () => {
  if (watcher) {
    watcher.kill('SIGKILL');
    await watcher.exited;
    watcher = undefined;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('ringrift-events codegen --watch', () => {
  it('regenerates an edit, reports a broken one and stays alive, regenerates the fix, ends with 0 on SIGTERM', async () => {
    const jobs = join(catalog, 'jobs.yaml');
    const original = readFileSync(jobs, 'utf8');
    expect(original).toContain('description: Epochs run.');
    const w = (watcher = new Watcher(['codegen', '--watch', '--catalog', 'catalog', '--out', 'generated'], dir));

    // The first run writes everything, then it watches.
    await w.next(/generated: 4 events, 16 files; 16 written, 0 removed, 0 unchanged \(\d+ ms\)$/, 'out');
    await w.next(/watching catalog for changes/, 'out');

    // A one-line edit, saved in place.
    writeFileSync(jobs, original.replace('description: Epochs run.', 'description: Epochs completed.'));
    await w.next(/generated: 4 events, 16 files; [1-9]\d* written, 0 removed, \d+ unchanged/, 'out');
    expect(readFileSync(join(out, 'payloads.ts'), 'utf8')).toContain('Epochs completed.');

    // A broken edit, saved as editors that save by rename do: file:line:col, nothing written, still watching.
    const before = readFileSync(join(out, 'payloads.ts'), 'utf8');
    writeFileSync(join(catalog, '.jobs.yaml.tmp'), original.replace('value: job_started', 'value: job_done'));
    renameSync(join(catalog, '.jobs.yaml.tmp'), jobs);
    await w.next(/ catalog\/jobs\.yaml:\d+:\d+: event JOB_STARTED: its value "job_done" is already the value of JOB_DONE/, 'err');
    await w.next(/\d+ problems?; nothing was written$/, 'err');
    expect(readFileSync(join(out, 'payloads.ts'), 'utf8')).toBe(before);

    // The fix (again by rename) is regenerated: the watcher survived the broken catalog.
    writeFileSync(join(catalog, '.jobs.yaml.tmp'), original.replace('description: Epochs run.', 'description: Epochs finished.'));
    renameSync(join(catalog, '.jobs.yaml.tmp'), jobs);
    await w.next(/generated: 4 events, 16 files; [1-9]\d* written, 0 removed, \d+ unchanged/, 'out');
    expect(readFileSync(join(out, 'payloads.ts'), 'utf8')).toContain('Epochs finished.');

    // A new file and a removed one count too.
    writeFileSync(join(catalog, 'broken.yaml'), 'events: [unclosed\n');
    await w.next(/broken\.yaml:\d+:\d+: invalid YAML/, 'err');
    rmSync(join(catalog, 'broken.yaml'));
    await w.next(/generated: 4 events, 16 files; 0 written, 0 removed, 16 unchanged/, 'out');

    w.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit, w.transcript()).toEqual({ code: 0, signal: null });
    expect(w.lines.at(-1)?.text).toMatch(/stopped watching$/);
    watcher = undefined;
  }, 360_000);

  it('SIGINT ends it with 0 too, and a missing catalog directory exits 2', async () => {
    const w = (watcher = new Watcher(['codegen', '--watch', '--catalog', catalog, '--out', out], dir));
    await w.next(/watching .* for changes/, 'out');
    w.kill('SIGINT');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    watcher = undefined;

    const gone = (watcher = new Watcher(['codegen', '--watch', '--catalog', join(dir, 'nope'), '--out', out], dir));
    await gone.next(/nope: not a catalog directory/, 'err');
    expect(await gone.exited).toEqual({ code: 2, signal: null });
    watcher = undefined;
  }, 240_000);
});
