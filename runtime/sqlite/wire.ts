/**
 * The wire contract of the cross-process queue: schema version, envelope
 * format and the tables (docs/cross-process-queue.md). Apart from schema.ts
 * so that the declarations of ringrift-events/runtime/sqlite do not need
 * better-sqlite3's types.
 */
export const SCHEMA_VERSION = 1;
/** What the `envelope` column holds. */
export const WIRE_FORMAT = 'application/cloudevents+json; specversion=1.0';

/**
 * - rr_events: one row per event, in send order. `seq` never goes back
 *   (AUTOINCREMENT: a sequence number is not reused even after retention
 *   deleted the newest rows, which a group cursor may point past).
 *   `event_id` is the CloudEvents id; UNIQUE makes a resend a no-op.
 * - rr_groups: a subscriber group's cursor (every event with seq <= cursor
 *   has been claimed by the group, or skipped by its filter) and its fencing
 *   counter.
 * - rr_deliveries: the group's events claimed and not yet acknowledged, or
 *   waiting for a retry. `lease_expires` is when the row may be claimed
 *   (again): the end of a lease, or the time of the next retry. `token` is
 *   the fencing token of the claim; an ack or renewal with another token is
 *   rejected. A group has only its in-flight rows here (acknowledged ones
 *   are deleted), so the primary key prefix (group_name) finds the due ones:
 *   a secondary index on lease_expires would add a B-tree write to every
 *   claim and ack and buy nothing at these sizes.
 * - rr_dlq: dead letters (the router's DLQ store, and events the queue gave
 *   up on), with replay requests from the CLI.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS rr_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS rr_events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT    NOT NULL UNIQUE,
  event_type   TEXT    NOT NULL,
  source       TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  origin_group TEXT,
  envelope     TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS rr_groups (
  name         TEXT    PRIMARY KEY,
  cursor       INTEGER NOT NULL,
  event_types  TEXT,
  ephemeral    INTEGER NOT NULL DEFAULT 0,
  fence        INTEGER NOT NULL DEFAULT 0,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS rr_deliveries (
  group_name    TEXT    NOT NULL,
  seq           INTEGER NOT NULL,
  owner         TEXT,
  token         INTEGER NOT NULL,
  lease_expires INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  last_error    TEXT,
  PRIMARY KEY (group_name, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS rr_dlq (
  id                   TEXT    PRIMARY KEY,
  event_id             TEXT    NOT NULL,
  event_type           TEXT    NOT NULL,
  handler_name         TEXT    NOT NULL,
  group_name           TEXT,
  envelope             TEXT    NOT NULL,
  error                TEXT    NOT NULL,
  attempts             INTEGER NOT NULL,
  failed_at            INTEGER NOT NULL,
  last_attempt_at      INTEGER NOT NULL,
  status               TEXT    NOT NULL CHECK (status IN ('pending', 'recovered')),
  recovered_at         INTEGER,
  replay_requested_at  INTEGER,
  replay_owner         TEXT,
  replay_lease_expires INTEGER
);
CREATE INDEX IF NOT EXISTS rr_dlq_status ON rr_dlq (status, failed_at);
`;

export type Synchronous = 'normal' | 'full';
