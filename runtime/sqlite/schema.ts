/**
 * The database layout of the cross-process queue (schema version 1), and
 * opening a connection with the settings every process must share.
 *
 * docs/cross-process-queue.md describes these tables for writers in other
 * languages; a change here is a change of the wire contract and bumps
 * SCHEMA_VERSION.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { MissingDependencyError, isMissingModule, packageRequire } from '../optional-dependency.js';
import { queueError, QueueError } from './errors.js';
import { SCHEMA_SQL, SCHEMA_VERSION, WIRE_FORMAT, type Synchronous } from './wire.js';

export type SqliteDatabase = Database.Database;

/** `journal_size_limit`: a -wal file rewound after a burst is cut back to this (below checkpoint.ts's WAL_HARD_BYTES). */
export const JOURNAL_SIZE_LIMIT = 24 * 1024 * 1024;

let DatabaseCtor: typeof Database | undefined;

const ENTRY = 'ringrift-events/runtime/sqlite';
const INSTALL = 'npm install better-sqlite3@12';

/**
 * better-sqlite3 (a native module, an optional peer dependency) is loaded on
 * the first open: importing this module does nothing, so it bundles, and a
 * program that never opens a queue does not need it installed.
 */
export function sqlite(): typeof Database {
  if (!DatabaseCtor) {
    try {
      DatabaseCtor = packageRequire()('better-sqlite3') as typeof Database;
    } catch (error) {
      if (isMissingModule(error, 'better-sqlite3')) throw new MissingDependencyError(ENTRY, 'better-sqlite3', INSTALL, undefined, { cause: error });
      throw error;
    }
  }
  return DatabaseCtor;
}

/** The file of better-sqlite3, for the checkpoint worker (which loads it by itself). */
export function sqliteModulePath(): string {
  sqlite();
  return packageRequire().resolve('better-sqlite3');
}

/** better-sqlite3 installed without its native addon (`--ignore-scripts`, another Node): say so instead of "Could not locate the bindings file". */
function addonProblem(error: unknown): MissingDependencyError | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || !/Could not locate the bindings file|NODE_MODULE_VERSION|better_sqlite3\.node/.test(message)) return undefined;
  return new MissingDependencyError(ENTRY, 'better-sqlite3 with its native addon built for this Node', 'npm rebuild better-sqlite3 (or npm install better-sqlite3@12 without --ignore-scripts)', message.split('\n')[0], { cause: error });
}

export { SCHEMA_SQL, SCHEMA_VERSION, WIRE_FORMAT, type Synchronous } from './wire.js';

export interface OpenOptions {
  readonly dbPath: string;
  readonly busyTimeoutMs: number;
  readonly synchronous: Synchronous;
  /** Open an existing queue without writing to it (the CLI's stats, list and tail). */
  readonly readonly?: boolean;
  /** Create the file (and its directory) when missing. Default true; false: a missing file is an error. */
  readonly create?: boolean;
  /** The name of the catalog of the process, recorded in rr_meta (`catalog`) when it creates the queue, so the CLI knows which catalog reads it. */
  readonly catalog?: string | undefined;
}

/** Opens (and if needed creates) the queue database; every failure is a QueueError saying what to do. */
export function openDatabase(options: OpenOptions): SqliteDatabase {
  const { dbPath, busyTimeoutMs } = options;
  const readonly = options.readonly ?? false;
  const create = (options.create ?? true) && !readonly;
  const Sqlite = sqlite(); // first: a missing better-sqlite3 is named before anything else is tried
  if (create) {
    try {
      mkdirSync(dirname(dbPath), { recursive: true });
    } catch (error) {
      throw queueError(error, dbPath, 'create the directory of the queue');
    }
  }
  let db: SqliteDatabase;
  try {
    db = new Sqlite(dbPath, { readonly, fileMustExist: !create, timeout: busyTimeoutMs });
  } catch (error) {
    const missingAddon = addonProblem(error);
    if (missingAddon) throw missingAddon;
    const e = error as { code?: string; message?: string };
    if (!create && e.code === 'SQLITE_CANTOPEN') {
      throw new QueueError('open', dbPath, `cannot open the event queue ${dbPath}: no such file (${e.message ?? ''})`, e.code, { cause: error });
    }
    throw queueError(error, dbPath, 'open the event queue', busyTimeoutMs);
  }
  try {
    if (!readonly) {
      // Waits below go through retryBusy: SQLite's own handler polls every 100 ms and, next to
      // writers that take the lock many times a second, can miss every free moment for seconds.
      db.pragma('busy_timeout = 0');
      // Before anything is written (WAL mode, our tables): someone else's database is left as it is.
      retryBusy(() => assertQueueOrEmpty(db, dbPath), busyTimeoutMs);
      const mode = retryBusy(() => db.pragma('journal_mode = WAL', { simple: true }), busyTimeoutMs);
      if (mode !== 'wal') {
        throw new QueueError('open', dbPath, `cannot use ${dbPath} as an event queue: SQLite refused WAL mode (journal_mode is ${String(mode)}); the file must be on a local file system`);
      }
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      // After a burst, the -wal file is truncated back to this size once it is reused from the start
      // (below the size at which a writer rewinds it itself: checkpoint.ts).
      db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
      // A queue already laid out is opened without the write lock, so a process restarted
      // next to busy producers does not queue up behind them.
      if (hasCurrentSchema(db)) {
        assertWritable(dbPath);
      } else {
        const prepare = db.transaction(() => {
          db.exec(SCHEMA_SQL);
          const insert = db.prepare('INSERT OR IGNORE INTO rr_meta (key, value) VALUES (?, ?)');
          insert.run('schema_version', String(SCHEMA_VERSION));
          insert.run('wire_format', WIRE_FORMAT);
          insert.run('created_at', new Date().toISOString());
          if (options.catalog !== undefined) insert.run('catalog', options.catalog);
        });
        retryBusy(() => prepare.immediate(), busyTimeoutMs);
      }
    }
    if (readonly) {
      try {
        checkSchemaVersion(db, dbPath);
      } catch (error) {
        const snapshot = readonlySnapshot(Sqlite, dbPath, error);
        if (!snapshot) throw error;
        db.close();
        db = snapshot;
        checkSchemaVersion(db, dbPath);
      }
    } else {
      checkSchemaVersion(db, dbPath);
    }
    // From here on a locked database is waited for by retryBusy (finer-grained than SQLite's busy handler).
    db.pragma('busy_timeout = 0');
  } catch (error) {
    db.close();
    throw queueError(error, dbPath, readonly ? 'read the event queue' : 'prepare the event queue', busyTimeoutMs);
  }
  return db;
}

/**
 * A queue in a read-only directory or on a read-only mount, with no `-shm`
 * beside it: SQLite cannot read a WAL-mode file without creating `PATH-shm`
 * unless it opens it immutable, which needs a `file:` URI that better-sqlite3
 * does not pass through. No process can be writing it (a writer would have
 * created the `-shm`), so the file as it is is the whole queue: it is read
 * into memory (its size in RAM) and opened from there, read-only, marked as
 * a rollback-journal database in the copy only. Undefined when the failure
 * was something else, or when a `-wal` holds commits the file lacks (those
 * cannot be read without the `-shm`: refused, saying so).
 */
function readonlySnapshot(Sqlite: typeof Database, dbPath: string, error: unknown): SqliteDatabase | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY'))) return undefined;
  if (existsSync(`${dbPath}-shm`)) return undefined;
  let walBytes = 0;
  try {
    walBytes = statSync(`${dbPath}-wal`).size;
  } catch {
    // no -wal: every commit is in the file
  }
  if (walBytes > 0) {
    throw new QueueError(
      'readonly',
      dbPath,
      `cannot read ${dbPath}: its directory is read-only and ${dbPath}-wal holds ${walBytes} bytes of commits not yet in the database file, which SQLite reads only through ${dbPath}-shm (it cannot create it); make the directory writable once, or copy the file with its -wal to a writable place`,
      code,
      { cause: error },
    );
  }
  const image = readFileSync(dbPath);
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) {
    image[18] = 1; // file format: rollback journal (WAL is 2), so that SQLite opens the copy without a wal-index
    image[19] = 1;
  }
  return new Sqlite(image, { readonly: true });
}

const SCHEMA_OBJECTS = [...SCHEMA_SQL.matchAll(/CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)/g)].map((m) => m[1]!);

/** Every table and index of SCHEMA_SQL exists and schema_version is set: nothing to write (a read, no lock). */
function hasCurrentSchema(db: SqliteDatabase): boolean {
  const placeholders = SCHEMA_OBJECTS.map(() => '?').join(', ');
  const found = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN (${placeholders})`).get(...SCHEMA_OBJECTS) as { n: number };
  if (found.n !== SCHEMA_OBJECTS.length) return false;
  return db.prepare("SELECT 1 FROM rr_meta WHERE key = 'schema_version'").get() !== undefined;
}

/**
 * The file is empty (a new queue) or already a queue (it has `rr_meta`);
 * anything else is another program's database, refused without a write.
 */
function assertQueueOrEmpty(db: SqliteDatabase, dbPath: string): void {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  if (names.length === 0 || names.includes('rr_meta')) return;
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, … (${names.length} in all)` : names.join(', ');
  throw new QueueError(
    'schema',
    dbPath,
    `${dbPath} is an SQLite database but not an event queue (no rr_meta table; it holds ${shown}); it was left untouched: check the path, or give the queue a file of its own`,
  );
}

/** Without a write to try, a read-only file (permissions, an immutable file) is found by asking the file system. */
function assertWritable(dbPath: string): void {
  try {
    accessSync(dbPath, constants.W_OK);
  } catch (error) {
    const message = (error as { message?: unknown }).message;
    throw queueError({ code: 'SQLITE_READONLY', message: typeof message === 'string' ? message : String(error) }, dbPath, 'prepare the event queue');
  }
}

function checkSchemaVersion(db: SqliteDatabase, dbPath: string): void {
  let row: { value: string } | undefined;
  try {
    row = db.prepare("SELECT value FROM rr_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  } catch (error) {
    if ((error as { message?: string }).message?.includes('no such table')) {
      throw new QueueError('schema', dbPath, `${dbPath} is an SQLite database but not an event queue (no rr_meta table); check the path`);
    }
    throw error;
  }
  const version = Number(row?.value);
  if (!Number.isInteger(version) || version < 1) {
    throw new QueueError('schema', dbPath, `${dbPath}: rr_meta has no valid schema_version (${JSON.stringify(row?.value)})`);
  }
  if (version > SCHEMA_VERSION) {
    throw new QueueError('schema', dbPath, `${dbPath} has queue schema version ${version}, newer than this package understands (${SCHEMA_VERSION}); upgrade ringrift-events`);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** SQLITE_BUSY and its extended codes: another connection holds a lock this one needs. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `fn` (one transaction or statement), retrying while the database is
 * locked, for up to `timeoutMs`. The connection's own busy_timeout is 0:
 * SQLite's busy handler sleeps 1, 2, 5, 10 … ms between attempts, so a writer
 * that meets a lock held for 100 µs loses milliseconds; here the pauses start
 * at 50 µs and grow to 2 ms. It blocks like SQLite's handler would (the
 * callers are synchronous), but only for as long as the lock is held.
 */
export function retryBusy<R>(fn: () => R, timeoutMs: number): R {
  let deadline = 0;
  let pause = 0.05;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const now = performance.now();
      if (deadline === 0) deadline = now + timeoutMs;
      if (now >= deadline) throw error;
      Atomics.wait(sleeper, 0, 0, Math.min(pause, deadline - now));
      pause = Math.min(pause * 1.5, 2);
    }
  }
}
