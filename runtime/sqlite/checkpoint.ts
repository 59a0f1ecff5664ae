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
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sqliteModulePath } from './schema.js';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* locked or gone: next time */ }
}, workerData.intervalMs);
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
      worker = new Worker(SOURCE, { eval: true, workerData: { module: sqliteModulePath(), path: key, intervalMs } });
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
