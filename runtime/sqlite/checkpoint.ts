/**
 * WAL checkpoints off the hot path.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000
 * WAL pages, in whichever process made that commit, and ends with an fsync
 * of the database file: on an ordinary disk that is 10–30 ms during which
 * that producer or consumer does nothing else (the p99 latency of a queue
 * without this). Here each process that writes runs PASSIVE checkpoints on a
 * connection of its own in a worker thread every `intervalMs`, and turns the
 * automatic one off on its main connection. One worker per database file
 * and process, shared by the queue instances of that process. If the worker
 * cannot start, the automatic checkpoint stays on.
 *
 * A PASSIVE checkpoint copies pages into the database file but never makes
 * the -wal file start over: SQLite rewinds it only when a writer begins while
 * every frame has been copied and no reader uses it, and with commits every
 * millisecond the checkpoint never catches up, so the file grew by every
 * commit (~27 KiB per event sent one at a time, 350 MiB in 15 s at 1,000
 * events/s). Once the frames since the last rewind pass a quarter of
 * WAL_LIMIT_BYTES, the worker follows its PASSIVE checkpoint with a RESTART
 * one, retried at fine intervals for up to RESTART_WAIT_MS: it takes the
 * write lock (writers wait while it copies the few frames PASSIVE left) and
 * waits for readers to move on, after which the next commit rewinds the
 * file. The next checkpoint comes sooner when frames come in fast (before
 * an eighth of the limit more at the rate seen, POLL_MS at the soonest), so
 * a fast writer does not get a whole interval to grow it. Measured with
 * `npm run bench -- sqlite` (disk): the -wal peak is a few MiB at 1,000
 * events/s and under 32 MiB at 10,000 events/s sent one per transaction
 * (with the writers' backstop below).
 * (SQLite's automatic PASSIVE checkpoint in commits past some size, tried
 * as the backstop, made it worse: 78 MiB
 * at 10,000 events/s, and the producer slower.)
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOURNAL_SIZE_LIMIT, sqliteModulePath } from './schema.js';

/** The -wal file's target bound (bytes): a quarter of it since the file last started over and the worker rewinds it. */
export const WAL_LIMIT_BYTES = 16 * 1024 * 1024;
/**
 * The backstop: a writer that finds the -wal file larger than this (the
 * worker starved of CPU, or outrun) rewinds it itself (see walBackstop).
 * `journal_size_limit` (JOURNAL_SIZE_LIMIT, schema.ts) is below it, so a
 * rewound file is cut back under it and a larger one means frames are
 * piling up now.
 */
export const WAL_HARD_BYTES = Math.max(2 * WAL_LIMIT_BYTES, JOURNAL_SIZE_LIMIT + WAL_LIMIT_BYTES / 2);
/** Commits between two looks of a writer at the -wal file's size. */
export const BACKSTOP_EVERY = 64;

/**
 * Run by a writer on its own connection when the -wal file passed
 * WAL_HARD_BYTES: a RESTART checkpoint, retried at fine intervals for up to
 * RESTART_WAIT_MS. It stalls that writer meanwhile, which is the point (the
 * writer is outrunning the checkpoints); at steady rates the worker keeps
 * the file below and this never runs.
 */
export function walBackstop(db: { pragma(source: string): unknown }): void {
  const deadline = Date.now() + RESTART_WAIT_MS;
  let pause = 0.05;
  for (;;) {
    let busy = 0;
    try {
      busy = (db.pragma('wal_checkpoint(RESTART)') as { busy: number }[])[0]?.busy ?? 0;
    } catch {
      return; // locked: the next look tries again
    }
    if (busy === 0 || Date.now() >= deadline) return;
    Atomics.wait(backstopSleeper, 0, 0, pause);
    pause = Math.min(pause * 1.5, 1);
  }
}
const backstopSleeper = new Int32Array(new SharedArrayBuffer(4));

/** How long a RESTART checkpoint waits for the write lock and for readers (writers wait meanwhile). */
const RESTART_WAIT_MS = 50;
/** The shortest pause between two checkpoints (when frames come in fast). */
const POLL_MS = 20;

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const step = workerData.walLimitBytes / 8;
let nextAt = 0;
let lastAt = Date.now();
let lastLog = 0;
let perMs = 0;
const checkpoint = (now) => {
  let log = -1;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    log = r ? r.log : 0;
    if (log * frameBytes > workerData.walLimitBytes / 4) {
      // RESTART, retried at fine intervals: SQLite's busy handler sleeps 1, 2, 5, 10 … ms and, next to
      // writers that take the lock every few hundred µs, misses it while they append.
      const deadline = Date.now() + workerData.restartWaitMs;
      let pause = 0.05;
      for (;;) {
        const [x] = db.pragma('wal_checkpoint(RESTART)');
        if (!x || x.busy === 0 || Date.now() >= deadline) break;
        Atomics.wait(sleeper, 0, 0, pause);
        pause = Math.min(pause * 1.5, 1);
      }
    }
  } catch { /* locked or gone: next time */ }
  if (log < 0) {
    // Busy (another process's checkpoint runs): look again soon.
    nextAt = now + workerData.pollMs;
    return;
  }
  // Frames written since the last look (the file rewound if fewer are there now), as a rate that
  // decays slowly: the next look comes before an eighth of the limit more, at least every intervalMs.
  const grown = (log >= lastLog ? log - lastLog : log) * frameBytes;
  perMs = Math.max(grown / Math.max(1, now - lastAt), perMs / 2);
  lastAt = now;
  lastLog = log;
  nextAt = now + (perMs > 0 ? Math.min(workerData.intervalMs, step / perMs) : workerData.intervalMs);
};
const timer = setInterval(() => {
  const now = Date.now();
  if (now >= nextAt) checkpoint(now);
}, workerData.pollMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

interface Entry {
  readonly worker: Worker;
  refs: number;
  stopping: boolean;
  exited: boolean;
  /** Called if the worker dies on its own: its users turn SQLite's automatic checkpoint back on. */
  readonly onLost: Set<() => void>;
}

const workers = new Map<string, Entry>();

/**
 * Starts (or shares) the background checkpointer of `dbPath`. Returns the
 * release function, or undefined when no worker could be started (then keep
 * SQLite's automatic checkpoint).
 */
export function startCheckpointer(dbPath: string, intervalMs: number, onLost?: () => void): (() => Promise<void>) | undefined {
  const key = resolve(dbPath);
  let entry = workers.get(key);
  if (!entry) {
    let worker: Worker;
    try {
      worker = new Worker(SOURCE, { eval: true, workerData: { module: sqliteModulePath(), path: key, intervalMs, walLimitBytes: WAL_LIMIT_BYTES, restartWaitMs: RESTART_WAIT_MS, pollMs: Math.min(POLL_MS, intervalMs) } });
    } catch {
      return undefined;
    }
    worker.unref();
    const created: Entry = { worker, refs: 0, stopping: false, exited: false, onLost: new Set() };
    worker.on('error', () => undefined); // reported through 'exit' below
    worker.on('exit', () => {
      created.exited = true;
      if (created.stopping) return;
      // Died on its own: without checkpoints the -wal file would grow without bound.
      if (workers.get(key) === created) workers.delete(key);
      for (const lost of created.onLost) lost();
    });
    entry = created;
    workers.set(key, entry);
  }
  const e = entry;
  e.refs++;
  if (onLost) e.onLost.add(onLost);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (onLost) e.onLost.delete(onLost);
    if (--e.refs > 0) return;
    e.stopping = true;
    if (workers.get(key) === e) workers.delete(key);
    if (e.exited) return;
    const exited = new Promise<void>((r) => e.worker.once('exit', () => r()));
    e.worker.postMessage('stop');
    const timer = setTimeout(() => void e.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  };
}
