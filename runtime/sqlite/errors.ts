/**
 * Errors of the SQLite queue. Each names the database file, what was being
 * done, and what to do about it; `code` is SQLite's (`SQLITE_BUSY`, …) when
 * SQLite reported the failure. None of them is raised after a partial write:
 * every write is one transaction, so a failed one changed nothing.
 */
import { ClosedError, RingRiftEventsError } from '../errors.js';

export type QueueErrorKind =
  /** The file cannot be opened or created (missing directory, permissions, not a file). */
  | 'open'
  /** The file is not an SQLite database, or its pages are damaged. */
  | 'corrupt'
  /** The file (or its directory, for the -wal and -shm files) is read-only. */
  | 'readonly'
  /** Another connection held the write lock longer than `busyTimeoutMs`. */
  | 'busy'
  /** The disk is full or an I/O error occurred. */
  | 'io'
  /** The schema was written by a newer version of this package. */
  | 'schema'
  /** The queue was closed (raised as QueueClosedError, a ClosedError). */
  | 'closed'
  /** Members of one group disagree on what it receives. */
  | 'group'
  /** The event id is already stored from another source (ids are unique per queue). */
  | 'conflict'
  | 'other';

export class QueueError extends RingRiftEventsError {
  override readonly name: string = 'QueueError';
  constructor(
    readonly kind: QueueErrorKind,
    readonly dbPath: string,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The queue is closed: nothing more can be sent or received through this
 * instance. It is the runtime's one ClosedError (as the router's and the
 * transports'), and keeps QueueError's `kind` and `dbPath` fields.
 */
export class QueueClosedError extends ClosedError {
  override readonly name = 'QueueClosedError';
  readonly kind = 'closed' satisfies QueueErrorKind;
  constructor(
    readonly dbPath: string,
    action: string,
  ) {
    super(`the event queue ${dbPath}`, action);
  }
}

/** A group exists with another event-type filter than the one this member asked for. */
export class GroupMismatchError extends QueueError {
  override readonly name = 'GroupMismatchError';
  constructor(
    dbPath: string,
    readonly group: string,
    readonly existing: readonly string[] | null,
    readonly requested: readonly string[] | null,
  ) {
    const show = (t: readonly string[] | null) => (t === null ? 'every event' : t.join(', '));
    super(
      'group',
      dbPath,
      `group "${group}" of ${dbPath} receives ${show(existing)}, but this member asked for ${show(requested)}; ` +
        `members of one group share one cursor, so they must agree (use another group name, or updateGroupFilter to change it for all members)`,
    );
  }
}

/** An event the queue refuses for good (not an envelope, unknown type, invalid payload): parked at once, never retried. */
export class PermanentDeliveryError extends RingRiftEventsError {
  override readonly name = 'PermanentDeliveryError';
}

interface SqliteLikeError {
  readonly code?: unknown;
  readonly message?: unknown;
}

/**
 * Turns an error thrown by better-sqlite3 (or the file system) into a
 * QueueError that says what happened to which file and what to do.
 * `action` is what was being done ("send TRAINING_COMPLETED", "open").
 */
export function queueError(error: unknown, dbPath: string, action: string, busyTimeoutMs?: number): Error {
  if (error instanceof QueueError) return error;
  const e = (error ?? {}) as SqliteLikeError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const detail = typeof e.message === 'string' ? e.message : String(error);
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE, …) are grouped under their primary code.
  const base = code?.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : (code ?? '');
  const at = `${action} on ${dbPath}`;
  const make = (kind: QueueErrorKind, message: string) => new QueueError(kind, dbPath, message, code, { cause: error });
  if (base === 'SQLITE_BUSY' || base === 'SQLITE_LOCKED') {
    return make(
      'busy',
      `cannot ${at}: the database is locked (${detail}); another connection held the write lock for more than ` +
        `${busyTimeoutMs ?? '?'} ms (busyTimeoutMs). Nothing was written by this call; retry it, or raise busyTimeoutMs`,
    );
  }
  if (base === 'SQLITE_NOTADB') {
    return make('corrupt', `cannot ${at}: the file is not an SQLite database (${detail}). Check the path; the file was not modified`);
  }
  if (base === 'SQLITE_CORRUPT') {
    return make(
      'corrupt',
      `cannot ${at}: the database file is damaged (${detail}). The file was not modified; stop the writers, copy it, and ` +
        `recover the rows with \`sqlite3 ${dbPath} .recover\``,
    );
  }
  if (base === 'SQLITE_READONLY') {
    return make(
      'readonly',
      `cannot ${at}: the database is read-only (${detail}). The file and its directory must be writable ` +
        `(SQLite creates ${dbPath}-wal and ${dbPath}-shm beside it); nothing was written`,
    );
  }
  if (base === 'SQLITE_CANTOPEN' || base === 'SQLITE_PERM' || base === 'SQLITE_AUTH') {
    return make('open', `cannot ${at}: the file cannot be opened (${detail}). Check that the directory exists and is writable`);
  }
  if (base === 'SQLITE_FULL' || base === 'SQLITE_IOERR') {
    return make('io', `cannot ${at}: ${detail} (${code}). Nothing was written by this call; free disk space and retry`);
  }
  if (code !== undefined && code.startsWith('SQLITE_')) return make('other', `cannot ${at}: ${detail} (${code})`);
  if (code === 'EROFS') return make('readonly', `cannot ${at}: the file system is read-only (${detail})`);
  if (code === 'ENOSPC' || code === 'EIO') return make('io', `cannot ${at}: ${detail}`);
  if (code !== undefined && ['ENOENT', 'EACCES', 'ENOTDIR', 'EPERM', 'EISDIR', 'EEXIST', 'ELOOP', 'ENAMETOOLONG'].includes(code)) {
    return make('open', `cannot ${at}: ${detail}`);
  }
  return error instanceof Error ? error : make('other', `cannot ${at}: ${detail}`);
}
