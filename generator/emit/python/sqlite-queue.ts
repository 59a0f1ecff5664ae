/**
 * `sqlite_queue.py`: the cross-process queue of docs/cross-process-queue.md for
 * Python, promoted from what test/fixtures/python/rr_queue.py proved: send
 * (CloudEvents envelopes, validated against the catalog), groups, claims
 * under fenced leases, acknowledgement, retries with backoff, the dead
 * letter table. The schema is the TypeScript queue's own (runtime/sqlite/wire.ts),
 * so both languages share one file. Catalog-independent apart from the
 * constants at the top; no catalog text but through ./syntax.ts.
 */
import type { CatalogModel } from '../../catalog/model.js';
import { catalogNames } from '../../catalog/naming.js';
import { SCHEMA_SQL, SCHEMA_VERSION, WIRE_FORMAT } from '../../../runtime/sqlite/wire.js';
import { schemaId } from '../json-schema.js';
import { pythonModule } from './module.js';
import { docstring, str } from './syntax.js';

/** The environment variable naming the default queue: `<NAME>_EVENTS_DB` (`ringrift` → `RINGRIFT_EVENTS_DB`; catalog/README.md). */
export function queueEnvVar(model: CatalogModel): string {
  return `${catalogNames(model.name).envPrefix}_EVENTS_DB`;
}

export function sqliteQueueModule(model: CatalogModel): string {
  const versions = model.events.filter((e) => e.version !== 1).map((e) => `    ${str(e.name)}: ${e.version},`);
  const ids = model.events.map((e) => `    ${str(e.name)}: ${str(schemaId(model, e))},`);
  return pythonModule(
    `The cross-process event queue of the ${model.name} catalog (one SQLite file, shared with the TypeScript queue): send, groups, fenced leases, acknowledgements, retries, dead letters.`,
    [
      'import datetime',
      'import json',
      'import os',
      'import random',
      'import socket',
      'import sqlite3',
      'import threading',
      'import time',
      'import typing',
      'import uuid',
      '',
      'from .event_mappings import SPELLING_TO_EVENT, EventSpelling, resolve_event',
      'from .event_types import EventName',
      'from .event_utils import FIELD_ALIASES, ValidationMode, normalize_payload, prepare_payload',
      'from .validation import EventValidationError, validate_payload',
    ],
    [
      [
        `CATALOG_NAME: typing.Final = ${str(model.name)}`,
        `SOURCE_PREFIX: typing.Final = ${str(catalogNames(model.name).sourcePrefix)}`,
        docstring('Events sent without a source come from SOURCE_PREFIX/<host>/<pid>.', '').trimEnd(),
        `QUEUE_ENV_VAR: typing.Final = ${str(queueEnvVar(model))}`,
        docstring('The environment variable with the path of the default queue.', '').trimEnd(),
        `SCHEMA_VERSION: typing.Final = ${SCHEMA_VERSION}`,
        `WIRE_FORMAT: typing.Final = ${str(WIRE_FORMAT)}`,
        `_SCHEMA_SQL: typing.Final = ${str(SCHEMA_SQL)}`,
        `_DATA_VERSIONS: typing.Final[typing.Mapping[str, int]] = {${versions.length ? `\n${versions.join('\n')}\n` : ''}}`,
        `_SCHEMA_IDS: typing.Final[typing.Mapping[EventName, str]] = {\n${ids.join('\n')}\n}`,
      ].join('\n'),
      STATIC,
    ],
  );
}

const STATIC = String.raw`_T = typing.TypeVar("_T")


class QueueError(RuntimeError):
    """A failure of the queue, naming the file and what to do."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class UnknownEventError(ValueError):
    """A spelling that names no event of the catalog."""

    def __init__(self, spelling: str) -> None:
        super().__init__("unknown event " + json.dumps(spelling) + ": not a name, value, topic, stage or spelling of any event of the catalog")
        self.spelling = spelling


class GroupMismatchError(QueueError):
    """A member of a group asked for other event types than the group receives."""


class SendResult(typing.NamedTuple):
    """The id of a sent event, and whether that id was already stored (a resend: nothing was written)."""

    event_id: str
    duplicate: bool


class ReceivedEvent(typing.NamedTuple):
    """An event claimed by a group member: acknowledge it once handled ('queue.ack'), or 'queue.nack' it."""

    group: str
    seq: int
    token: int
    attempt: int
    envelope: typing.Mapping[str, object]

    @property
    def redelivered(self) -> bool:
        """Delivered to this group before (a consumer died or failed before acknowledging it)."""
        return self.attempt > 1

    @property
    def id(self) -> str:
        return str(self.envelope["id"])

    @property
    def type(self) -> str:
        return str(self.envelope["type"])

    @property
    def data(self) -> typing.Mapping[str, object]:
        return typing.cast(typing.Mapping[str, object], self.envelope["data"])


class DeadLetter(typing.NamedTuple):
    """An entry of the dead letter table."""

    id: str
    event_id: str
    event_type: str
    handler_name: str
    group_name: str | None
    error: str
    attempts: int
    status: str


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def uuid7() -> str:
    """A time-ordered UUID (version 7), as the TypeScript queue makes its ids."""
    value = (_now_ms() & ((1 << 48) - 1)) << 80 | (0x7 << 76) | (random.getrandbits(12) << 64) | (0b10 << 62) | random.getrandbits(62)
    return str(uuid.UUID(int=value))


def _iso_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_source() -> str:
    """This process: /<catalog>/<host>/<pid>, as the TypeScript router names its own."""
    return SOURCE_PREFIX + "/" + socket.gethostname() + "/" + str(os.getpid())


def _connect(path: str, busy_timeout_ms: int) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write is one explicit BEGIN IMMEDIATE.
    db = sqlite3.connect(path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False)
    return db


class EventQueue:
    """The cross-process event queue: one SQLite file in WAL mode (docs/cross-process-queue.md), shared with the
    TypeScript queue and every other process of the node.

    'send' stores an event (validated against the catalog); groups claim events under fenced leases
    ('claim'), acknowledge them after handling ('ack') or give them back for a retry after a backoff
    ('nack'); an event out of deliveries is parked in the dead letter table. 'Consumer' runs that loop.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout_ms: int = 5000,
        lease_ms: int = 30_000,
        max_deliveries: int = 5,
        retry_base_ms: int = 1000,
        retry_max_ms: int = 30_000,
        mode: ValidationMode = "strict",
        create: bool = True,
    ) -> None:
        self.path = os.fspath(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.lease_ms = lease_ms
        self.max_deliveries = max_deliveries
        self.retry_base_ms = retry_base_ms
        self.retry_max_ms = retry_max_ms
        self.mode: ValidationMode = mode
        self._lock = threading.Lock()
        if not create and not os.path.exists(self.path):
            raise QueueError(self.path, "cannot open the event queue " + self.path + ": no such file")
        directory = os.path.dirname(self.path)
        if create and directory:
            os.makedirs(directory, exist_ok=True)
        try:
            self._db = _connect(self.path, busy_timeout_ms)
            journal = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if journal != "wal":
                raise QueueError(self.path, "cannot use " + self.path + " as an event queue: SQLite refused WAL mode (journal_mode is " + str(journal) + "); the file must be on a local file system")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._prepare_schema()
        except sqlite3.DatabaseError as e:
            raise QueueError(self.path, "cannot open the event queue " + self.path + ": " + str(e)) from e

    def _prepare_schema(self) -> None:
        have = self._db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'rr_meta'").fetchone()[0]
        if not have:
            self._write(self._create_schema)
        row = self._db.execute("SELECT value FROM rr_meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) > SCHEMA_VERSION:
            found = "none" if row is None else str(row[0])
            raise QueueError(self.path, self.path + ": queue schema version " + found + " is not supported (this package knows " + str(SCHEMA_VERSION) + "); upgrade the package")

    def _create_schema(self) -> None:
        for statement in _SCHEMA_SQL.split(";"):
            if statement.strip():
                self._db.execute(statement)
        now = _iso_now()
        for key, value in (("schema_version", str(SCHEMA_VERSION)), ("wire_format", WIRE_FORMAT), ("created_at", now), ("catalog", CATALOG_NAME)):
            self._db.execute("INSERT OR IGNORE INTO rr_meta (key, value) VALUES (?, ?)", (key, value))

    def _write(self, work: typing.Callable[[], _T]) -> _T:
        """One BEGIN IMMEDIATE transaction: all of it, or nothing on an error."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                raise QueueError(self.path, "the event queue " + self.path + " is busy (" + str(e) + "); nothing was written by this call: retry it, or raise busy_timeout_ms") from e
            try:
                result = work()
                self._db.execute("COMMIT")
                return result
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EventQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending ---------------------------------------------------------------------------------

    def send(
        self,
        event: EventSpelling | str,
        data: typing.Mapping[str, object],
        *,
        source: str | None = None,
        event_id: str | None = None,
        time: str | None = None,
        traceparent: str | None = None,
    ) -> SendResult:
        """Stores one event under its canonical name, its payload normalized and validated (strict by default:
        EventValidationError, nothing written). Returns its id and whether that id was already stored."""
        name = resolve_event(event)
        if name is None:
            raise UnknownEventError(event)
        payload = prepare_payload(name, data, self.mode)
        when = time or _iso_now()
        src = source or (payload["source"] if isinstance(payload.get("source"), str) else None) or default_source()
        payload.setdefault("timestamp", when)
        payload["source"] = src
        if traceparent is not None and "trace_id" not in payload:
            payload["trace_id"] = traceparent.split("-")[1] if traceparent.count("-") >= 3 else traceparent
        ident = event_id or uuid7()
        envelope: dict[str, object] = {
            "specversion": "1.0",
            "id": ident,
            "source": src,
            "type": name,
            "time": when,
            "datacontenttype": "application/json",
            "data": payload,
            "dataschema": _SCHEMA_IDS[name],
        }
        version = _DATA_VERSIONS.get(name, 1)
        if version != 1:
            envelope["dataversion"] = version
        if traceparent is not None:
            envelope["traceparent"] = traceparent
        text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))

        def insert() -> int:
            cursor = self._db.execute(
                "INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) "
                "VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (event_id) DO NOTHING",
                (ident, name, src, _now_ms(), text),
            )
            if cursor.rowcount == 0:
                stored = self._db.execute("SELECT source FROM rr_events WHERE event_id = ?", (ident,)).fetchone()
                if stored is not None and stored[0] != src:
                    # The queue keys events by id alone: the same id from another source is another event, refused, not a duplicate.
                    raise QueueError(
                        self.path,
                        "cannot send " + name + ": event id " + json.dumps(ident) + " is already stored from source " + json.dumps(stored[0])
                        + ", and this event is from " + json.dumps(src) + ". The queue keys events by id alone (docs/cross-process-queue.md), so "
                        + "two sources must not reuse ids: leave the id to the queue (UUIDv7) or make it unique per source. Nothing was stored by this send",
                    )
            return cursor.rowcount

        return SendResult(ident, self._write(insert) == 0)

    # -- groups and claims -----------------------------------------------------------------------

    def join_group(self, group: str, event_types: typing.Sequence[EventSpelling | str] | None = None, *, start_from: typing.Literal["all", "new"] = "all") -> None:
        """Creates the group (from the first retained event, or from new ones), or checks that it receives these event types."""
        if not group:
            raise ValueError("a group name must be a non-empty string")
        types: list[str] | None = None
        if event_types is not None:
            types = []
            for spelling in event_types:
                name = resolve_event(spelling)
                if name is None:
                    raise UnknownEventError(spelling)
                types.append(name)
            types = sorted(set(types))

        def join() -> None:
            row = self._db.execute("SELECT event_types FROM rr_groups WHERE name = ?", (group,)).fetchone()
            if row is not None:
                existing = None if row[0] is None else json.loads(row[0])
                if types is not None and existing != types:
                    raise GroupMismatchError(self.path, "group " + json.dumps(group) + " of " + self.path + " receives " + json.dumps(existing) + ", not " + json.dumps(types) + ": give this member the group's event types, or use another group")
                return
            cursor = 0 if start_from == "all" else self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM rr_events").fetchone()[0]
            now = _now_ms()
            self._db.execute(
                "INSERT INTO rr_groups (name, cursor, event_types, ephemeral, fence, created_at, last_seen_at) VALUES (?, ?, ?, 0, 0, ?, ?)",
                (group, cursor, None if types is None else json.dumps(types), now, now),
            )

        self._write(join)

    def has_work(self, group: str) -> bool:
        """A cheap read (no lock): whether the group could claim anything now."""
        with self._lock:
            row = self._db.execute(
                "SELECT (SELECT cursor FROM rr_groups WHERE name = ?) < (SELECT COALESCE(MAX(seq), 0) FROM rr_events) "
                "OR EXISTS (SELECT 1 FROM rr_deliveries WHERE group_name = ? AND lease_expires <= ?)",
                (group, group, _now_ms()),
            ).fetchone()
        return row is None or row[0] != 0

    def claim(self, group: str, owner: str, limit: int = 100) -> list[ReceivedEvent]:
        """Claims up to 'limit' events of the group for 'owner' under a new fencing token: redeliveries first
        (a delivery out of attempts is parked), then new events. Events that are not JSON, of an unknown type or
        with an invalid payload are parked at once, with the reason."""
        claimed: list[tuple[int, int, int, str, str, str]] = []

        def work() -> None:
            now = _now_ms()
            if self._db.execute("UPDATE rr_groups SET fence = fence + 1, last_seen_at = ? WHERE name = ?", (now, group)).rowcount == 0:
                raise QueueError(self.path, "group " + json.dumps(group) + " does not exist in " + self.path + ": join it first")
            token, cursor, types_text = self._db.execute("SELECT fence, cursor, event_types FROM rr_groups WHERE name = ?", (group,)).fetchone()
            types = None if types_text is None else set(json.loads(types_text))
            expires = now + self.lease_ms
            due = self._db.execute(
                "SELECT d.seq, d.attempts, d.last_error, e.event_id, e.event_type, e.envelope FROM rr_deliveries d "
                "JOIN rr_events e ON e.seq = d.seq WHERE d.group_name = ? AND d.lease_expires <= ? ORDER BY d.seq LIMIT ?",
                (group, now, limit),
            ).fetchall()
            for seq, attempts, last_error, event_id, event_type, text in due:
                if attempts >= self.max_deliveries:
                    why = last_error or ("its lease expired " + str(attempts) + " time(s) without an acknowledgement (the consumer crashed, was killed or stalled)")
                    self._park(group, seq, event_id, event_type, text, str(attempts) + " deliveries failed; last: " + why, attempts, now)
                    continue
                self._db.execute(
                    "UPDATE rr_deliveries SET owner = ?, token = ?, lease_expires = ?, attempts = attempts + 1 WHERE group_name = ? AND seq = ?",
                    (owner, token, expires, group, seq),
                )
                claimed.append((seq, token, attempts + 1, event_id, event_type, text))
            room = limit - len(claimed)
            last = cursor
            if room > 0:
                rows = self._db.execute("SELECT seq, event_id, event_type, origin_group, envelope FROM rr_events WHERE seq > ? ORDER BY seq LIMIT ?", (cursor, room)).fetchall()
                taken = [row for row in rows if row[3] != group and (types is None or row[2] in types)]
                if rows:
                    last = rows[-1][0]
                if taken and len(taken) == len(rows):
                    # Every event read is taken: their leases in one statement.
                    self._db.execute(
                        "INSERT INTO rr_deliveries (group_name, seq, owner, token, lease_expires, attempts, last_error) SELECT ?, seq, ?, ?, ?, 1, NULL FROM rr_events WHERE seq > ? AND seq <= ?",
                        (group, owner, token, expires, cursor, last),
                    )
                else:
                    for row in taken:
                        self._db.execute(
                            "INSERT INTO rr_deliveries (group_name, seq, owner, token, lease_expires, attempts, last_error) VALUES (?, ?, ?, ?, ?, 1, NULL)",
                            (group, row[0], owner, token, expires),
                        )
                claimed.extend((seq, token, 1, event_id, event_type, text) for seq, event_id, event_type, _, text in taken)
            if last > cursor:
                self._db.execute("UPDATE rr_groups SET cursor = ? WHERE name = ? AND cursor < ?", (last, group, last))

        self._write(work)
        out: list[ReceivedEvent] = []
        broken: list[tuple[int, int, int, str, str, str, str]] = []
        for seq, token, attempt, event_id, event_type, text in claimed:
            problem, envelope = self._inspect(event_id, text)
            if problem is not None:
                broken.append((seq, token, attempt, event_id, event_type, text, problem))
            else:
                out.append(ReceivedEvent(group, seq, token, attempt, envelope))
        if broken:

            def park_all() -> None:
                now = _now_ms()
                for seq, token, attempt, event_id, event_type, text, problem in broken:
                    if self._db.execute("DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ? AND token = ?", (group, seq, token)).rowcount:
                        self._park(group, seq, event_id, event_type, text, problem, attempt, now, delete=False)

            self._write(park_all)
        return out

    def _inspect(self, event_id: str, text: str) -> tuple[str | None, dict[str, object]]:
        try:
            value = json.loads(text)
        except ValueError as e:
            return "the envelope column is not JSON (" + str(e) + ")", {}
        if type(value) is not dict:
            return "not a CloudEvents envelope: not an object", {}
        envelope = typing.cast(dict[str, object], value)
        if envelope.get("specversion") != "1.0":
            return "not a CloudEvents envelope: specversion is not \"1.0\"", {}
        data = envelope.get("data")
        if type(data) is not dict:
            return "not a CloudEvents envelope: data is not an object", {}
        if envelope.get("id") != event_id:
            return "envelope id " + json.dumps(envelope.get("id")) + " differs from the event_id column " + json.dumps(event_id), {}
        kind = envelope.get("type")
        name = SPELLING_TO_EVENT.get(kind) if type(kind) is str else None
        if name is None:
            return "from a newer catalog: unknown event type " + json.dumps(envelope.get("type")), {}
        if self.mode == "strict":
            payload = typing.cast(dict[str, object], data)
            aliases = FIELD_ALIASES.get(name)
            # Validated as normalized; without aliases, that is the payload as it is.
            if aliases and not aliases.keys().isdisjoint(payload):
                payload = normalize_payload(name, payload).payload
            result = validate_payload(name, payload)
            if not result.ok:
                return str(EventValidationError(name, result.issues)), {}
        return None, envelope

    def _park(self, group: str, seq: int, event_id: str, event_type: str, text: str, error: str, attempts: int, now: int, delete: bool = True) -> None:
        self._db.execute(
            "INSERT INTO rr_dlq (id, event_id, event_type, handler_name, group_name, envelope, error, attempts, failed_at, last_attempt_at, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')",
            (str(uuid.uuid4()), event_id, event_type, "sqlite:" + group, group, text, error, attempts, now, now),
        )
        if delete:
            self._db.execute("DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ?", (group, seq))

    def ack(self, events: typing.Sequence[ReceivedEvent]) -> int:
        """Acknowledges handled events in one transaction; returns how many were still held (a lost lease: the event went to another member)."""

        def work() -> int:
            n = 0
            run: list[ReceivedEvent] = []
            for e in [*events, None]:
                # A run of one claim's events, consecutive in seq order, goes in one ranged DELETE: only that claim's rows carry its token.
                if e is not None and run and e.group == run[-1].group and e.token == run[-1].token and e.seq > run[-1].seq:
                    run.append(e)
                    continue
                if run:
                    first, last = run[0], run[-1]
                    if len(run) == 1:
                        n += self._db.execute("DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ? AND token = ?", (first.group, first.seq, first.token)).rowcount
                    else:
                        n += self._db.execute(
                            "DELETE FROM rr_deliveries WHERE group_name = ? AND seq >= ? AND seq <= ? AND token = ?", (first.group, first.seq, last.seq, first.token)
                        ).rowcount
                run = [] if e is None else [e]
            return n

        return self._write(work) if events else 0

    def retry_delay_ms(self, failed_attempts: int) -> int:
        """The pause before the next delivery after that many failures: 1 s doubling to 30 s by default."""
        return min(self.retry_max_ms, self.retry_base_ms * 2 ** (failed_attempts - 1))

    def nack(self, event: ReceivedEvent, error: object) -> bool:
        """Gives the event back for a retry after a backoff, or parks it in the DLQ on its last allowed delivery. False when the lease was lost."""
        message = str(error) if not isinstance(error, BaseException) else type(error).__name__ + ": " + str(error)

        def work() -> bool:
            now = _now_ms()
            if event.attempt >= self.max_deliveries:
                held = self._db.execute("DELETE FROM rr_deliveries WHERE group_name = ? AND seq = ? AND token = ?", (event.group, event.seq, event.token)).rowcount
                if held:
                    text = json.dumps(event.envelope, ensure_ascii=False, separators=(",", ":"))
                    self._park(event.group, event.seq, event.id, event.type, text, str(event.attempt) + " deliveries failed; last: " + message, event.attempt, now, delete=False)
                return held == 1
            return self._db.execute(
                "UPDATE rr_deliveries SET owner = NULL, lease_expires = ?, last_error = ? WHERE group_name = ? AND seq = ? AND token = ?",
                (now + self.retry_delay_ms(event.attempt), message, event.group, event.seq, event.token),
            ).rowcount == 1

        return self._write(work)

    def release(self, events: typing.Sequence[ReceivedEvent]) -> None:
        """Gives unhandled events back to the group at once, without counting a delivery (stopping)."""

        def work() -> None:
            for e in events:
                self._db.execute(
                    "UPDATE rr_deliveries SET owner = NULL, lease_expires = 0, attempts = MAX(attempts - 1, 0) WHERE group_name = ? AND seq = ? AND token = ?",
                    (e.group, e.seq, e.token),
                )

        if events:
            self._write(work)

    def renew(self, group: str, owner: str) -> None:
        """Extends every lease 'owner' holds in the group by lease_ms."""

        def work() -> None:
            now = _now_ms()
            self._db.execute("UPDATE rr_deliveries SET lease_expires = ? WHERE group_name = ? AND owner = ?", (now + self.lease_ms, group, owner))
            self._db.execute("UPDATE rr_groups SET last_seen_at = ? WHERE name = ?", (now, group))

        self._write(work)

    def dead_letters(self, status: typing.Literal["pending", "recovered", "all"] = "pending") -> list[DeadLetter]:
        """The entries of the dead letter table, oldest first."""
        where = "" if status == "all" else " WHERE status = ?"
        args: tuple[str, ...] = () if status == "all" else (status,)
        with self._lock:
            rows = self._db.execute(
                "SELECT id, event_id, event_type, handler_name, group_name, error, attempts, status FROM rr_dlq" + where + " ORDER BY failed_at, id", args
            ).fetchall()
        return [DeadLetter(*row) for row in rows]


_DEFAULT_QUEUES: dict[str, EventQueue] = {}


def default_queue(queue: EventQueue | str | os.PathLike[str] | None = None) -> EventQueue:
    """The queue to use: the one given, a queue on the path given, else the queue at the path in the environment variable ENV_VAR; a clear error without any."""
    if isinstance(queue, EventQueue):
        return queue
    path = os.fspath(queue) if queue is not None else os.environ.get(QUEUE_ENV_VAR)
    if not path:
        raise QueueError("", "no event queue: pass queue= (an EventQueue or the path of the queue's database), or set " + QUEUE_ENV_VAR + " to the path of the queue's database")
    found = _DEFAULT_QUEUES.get(path)
    if found is None:
        found = _DEFAULT_QUEUES[path] = EventQueue(path)
    return found`;
