/**
 * Wake-ups without busy polling.
 *
 * - In one process, a send wakes every consumer of the same file directly
 *   (`notifyLocal`).
 * - Across processes, every commit appends to the `-wal` file, so an
 *   fs.watch (inotify on Linux, FSEvents on macOS) on the directory fires
 *   within a fraction of a millisecond of another process's commit. The
 *   directory is watched rather than the file because SQLite deletes the
 *   -wal file when the last connection closes and creates it anew.
 * - If the watch cannot be set up (an exotic file system), consumers fall
 *   back to a short adaptive poll of `PRAGMA data_version` (queue.ts).
 *
 * One watcher per database file and process, shared by every queue
 * instance, consumer and tail on it.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export type WakeMode = 'watch' | 'poll';

type Listener = () => void;

class FileWatch {
  readonly listeners = new Set<Listener>();
  private watcher: FSWatcher | undefined;
  readonly watching: boolean;

  constructor(readonly path: string) {
    const file = basename(path);
    const names = new Set([file, `${file}-wal`]);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
        if (filename === null || names.has(String(filename))) this.fireSoon();
      });
      watcher.on('error', () => {
        // The directory went away or the watch broke: consumers still have their safety poll.
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      watcher = undefined;
    }
    this.watcher = watcher;
    this.watching = watcher !== undefined;
  }

  fire(): void {
    for (const listener of this.listeners) listener();
  }

  private fireScheduled = false;

  /**
   * File events are coalesced into one call per turn of the event loop. Called
   * directly, a listener that commits (a claim) adds an inotify event that
   * Node reads in the same pass, and a loop of wake, commit, wake never lets
   * a timer run.
   */
  private fireSoon(): void {
    if (this.fireScheduled) return;
    this.fireScheduled = true;
    setImmediate(() => {
      this.fireScheduled = false;
      this.fire();
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

const watches = new Map<string, FileWatch>();

export interface ChangeSubscription {
  /** True when file-system notifications work for this file; false: only local sends and polling wake the listener. */
  readonly watching: boolean;
  unsubscribe(): void;
}

/**
 * Calls `listener` (synchronously, possibly often: debounce in the listener)
 * whenever the database may have changed: another process committed, or this
 * process sent events. With `mode: 'poll'` no watcher is set up.
 */
export function onDatabaseChange(dbPath: string, mode: WakeMode, listener: Listener): ChangeSubscription {
  const key = resolve(dbPath);
  let entry = watches.get(key);
  if (!entry) {
    entry = new FileWatch(key);
    watches.set(key, entry);
  }
  const fw = entry;
  fw.listeners.add(listener);
  return {
    watching: mode === 'watch' && fw.watching,
    unsubscribe: () => {
      fw.listeners.delete(listener);
      if (fw.listeners.size === 0 && watches.get(key) === fw) {
        fw.close();
        watches.delete(key);
      }
    },
  };
}

/** Wakes the listeners of this process on `dbPath` (after a local commit). */
export function notifyLocal(dbPath: string): void {
  watches.get(resolve(dbPath))?.fire();
}

/**
 * A one-slot wake-up for one waiting loop: `signal()` (from a change
 * listener) ends the current or the next `wait()`; `wait(ms)` also ends
 * after `ms`.
 */
export class Waker {
  private signalled = false;
  private resolveWait: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  readonly signal = (): void => {
    this.signalled = true;
    const resolve = this.resolveWait;
    if (resolve) {
      this.resolveWait = undefined;
      clearTimeout(this.timer);
      resolve();
    }
  };

  /** Resolves at the next signal (or at once if one came since the last wait), or after `ms`. */
  wait(ms: number, keepAlive = true): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.resolveWait = () => {
        this.signalled = false;
        resolve();
      };
      this.timer = setTimeout(() => {
        this.resolveWait = undefined;
        resolve();
      }, Math.max(0, ms));
      if (!keepAlive) this.timer.unref();
    });
  }

  /** Forgets a pending signal (before a fresh check of the database). */
  clear(): void {
    this.signalled = false;
  }
}
