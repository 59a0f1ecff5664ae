/**
 * `codegen --watch`: regenerates on every change of the catalog, in one
 * long-lived process, so that the generator's dependencies (ts-morph and the
 * TypeScript compiler, ajv, yaml) are loaded and JIT-compiled once, not on
 * every run.
 *
 * - Changes are seen by `fs.watch` on the catalog directory (not on its files):
 *   an editor that saves by writing a temporary file and renaming it over the
 *   original replaces the file's inode, which a watch on the file would lose,
 *   while the directory sees a `rename` naming the file. Only `*.yaml`/`*.yml`
 *   names that are not dot files count (vim's `4913`, `.x.yaml.swp`, `x.yaml~`
 *   do not), plus events without a name (some platforms give none).
 * - Events are debounced (`debounceMs`, 80 ms by default): one save is several
 *   events. Generation is synchronous, so events that arrive during a run are
 *   handled after it, as one more run.
 * - A run whose catalog text is byte for byte the one of the previous run is
 *   skipped (an editor touching a file without changing it).
 * - One line per regeneration on stdout (`… N written, N removed, N unchanged
 *   (T ms)`), or the problems (`file:line:col: message`, then a count) on
 *   stderr; the watcher stays alive either way, as it does when the output
 *   cannot be written or the generator fails.
 * - If the catalog directory goes away (a branch switch, say), it says so and
 *   waits for it to come back.
 * - SIGINT and SIGTERM end it with exit 0, between runs (a run is never cut
 *   short half-way: writing is synchronous, and all or nothing anyway).
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Problem, SourceFile } from '../generator/catalog/source.js';
import { readCatalog } from '../generator/io.js';
import { codegenFromSources, EXIT, guarded, readSources, reportProblems, type CodegenOptions, type Report } from './codegen.js';

export interface WatchOptions extends CodegenOptions {
  readonly debounceMs?: number;
  /** How often to look for a catalog directory that went away (ms). */
  readonly retryMs?: number;
}

const RELEVANT = /^[^.].*\.ya?ml$/;

export function watchCatalog(opts: WatchOptions): Promise<number> {
  const debounceMs = opts.debounceMs ?? 80;
  const retryMs = opts.retryMs ?? 500;
  const stamp = () => new Date().toTimeString().slice(0, 8);
  const report: Report = {
    info: (l) => console.log(`[${stamp()}] ${l}`),
    error: (l) => console.error(`[${stamp()}] ${l}`),
  };

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let last: string | undefined;
  let missing = false;
  let done: (code: number) => void = () => undefined;

  const run = (): void => {
    timer = undefined;
    const t0 = performance.now();
    const { sources, problems, error } = readCatalog(opts.catalog);
    if (error !== undefined) {
      // Gone (or not a directory any more): say so once, then wait for it.
      if (!missing) report.error(`${error}; waiting for it to come back`);
      missing = true;
      last = undefined;
      detach();
      scheduleReattach();
      return;
    }
    const key = fingerprint(sources, problems);
    if (key === last) return;
    last = key;
    const code = guarded(() => (problems.length > 0 ? reportProblems(problems, report) : codegenFromSources(opts, sources, report, () => ` (${Math.round(performance.now() - t0)} ms)`)), report);
    // The output could not be written, or the generator failed: the next event tries again even if the catalog is the same.
    if (code !== EXIT.ok && code !== EXIT.invalid) last = undefined;
  };

  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };

  const attach = (): boolean => {
    try {
      watcher = fsWatch(opts.catalog, { persistent: true }, (_event, name) => {
        if (name === null || RELEVANT.test(String(name))) schedule();
      });
    } catch {
      return false;
    }
    watcher.on('error', () => {
      // The directory was removed or replaced: look for it again.
      detach();
      schedule();
    });
    return true;
  };

  const detach = (): void => {
    watcher?.close();
    watcher = undefined;
  };

  const scheduleReattach = (): void => {
    if (retry) return;
    retry = setInterval(() => {
      if (!attach()) return;
      clearInterval(retry);
      retry = undefined;
      missing = false;
      report.info(`${opts.catalog}: back; watching it again`);
      schedule();
    }, retryMs);
  };

  const stop = (): void => {
    if (timer) clearTimeout(timer);
    if (retry) clearInterval(retry);
    detach();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    report.info('stopped watching');
    done(EXIT.ok);
  };

  return new Promise<number>((resolve) => {
    done = resolve;
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // Watch before the first run, so an edit made while it runs is not missed.
    if (!attach()) {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const code = readSources(opts.catalog, report);
      if (typeof code !== 'number') report.error(`${opts.catalog}: cannot watch this directory`);
      resolve(typeof code === 'number' ? code : EXIT.invalid);
      return;
    }
    run();
    report.info(`watching ${opts.catalog} for changes (Ctrl-C to stop)`);
  });
}

/** The catalog's text as one key: names and contents, in the order read (sorted). */
function fingerprint(sources: readonly SourceFile[], problems: readonly Problem[]): string {
  return JSON.stringify([sources.map((s) => [s.path, s.text]), problems]);
}
