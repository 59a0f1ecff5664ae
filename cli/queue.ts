/**
 * `tail`, `stats`, `dlq list`, `dlq replay`: the commands around the SQLite
 * cross-process queue, each taking `--db PATH`.
 *
 * The events are read with a catalog: `--catalog DIR`, else the `catalog` of
 * ringrift-events.config.json, else this package's own (RingRift) catalog.
 * A queue remembers the catalog of the process that created it (rr_meta
 * `catalog`); a command that reads events or event types through the catalog
 * refuses another one, saying which catalog to pass, instead of showing every
 * event as unreadable.
 *
 * Exit codes: 0 done; 1 `dlq replay` left entries not recovered; 2 usage, or
 * the database cannot be used (the message says why).
 *
 * The runtime is imported inside each action, so the catalog commands do not
 * load SQLite.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath } from '../generator/io.js';
import type { EventRegistry } from '../runtime/registry.js';
import type { CrossProcessEventQueue, QueueStats, SqliteDlqEntry, StoredEvent } from '../runtime/sqlite/index.js';
import { CONFIG_FILE, didYouMean, loadConfig } from './config.js';

const EXIT = { ok: 0, notRecovered: 1, error: 2 } as const;

interface CatalogFlags {
  catalog?: string;
  config?: string;
}

/** The catalog the events are read with, and how it is named in messages. */
interface ReadingCatalog {
  readonly registry: EventRegistry;
  readonly name: string;
  /** `the catalog "shop" (test/fixtures/catalogs/shop)`. */
  readonly shown: string;
}

/** `--catalog`, else the config file's `catalog`, else this package's own catalog. */
async function readingCatalog(flags: CatalogFlags): Promise<ReadingCatalog> {
  const loaded = loadConfig(flags.config);
  if (!loaded.ok) throw new Error(`${loaded.problems.join('\n')}\nthe config file cannot be used; nothing was done`);
  const dir = flags.catalog !== undefined ? resolve(flags.catalog) : loaded.config.catalog;
  if (dir !== undefined) {
    const { loadCatalogModel, registryOfModel } = await import('./catalog-registry.js');
    const model = loadCatalogModel(dir);
    return { registry: registryOfModel(model), name: model.name, shown: `the catalog "${model.name}" (${displayPath(dir) || '.'})` };
  }
  const { REGISTRY } = await import('../generated/index.js');
  const name = REGISTRY.names?.name ?? 'ringrift';
  return { registry: REGISTRY, name, shown: `the catalog "${name}" (built into ringrift-events)` };
}

async function openQueue(db: string, readonly: boolean, catalog: ReadingCatalog | undefined): Promise<CrossProcessEventQueue> {
  const { CrossProcessEventQueue: Queue } = await import('../runtime/sqlite/index.js');
  return new Queue({ dbPath: db, ...(catalog ? { registry: catalog.registry } : {}), readonly, create: false, retention: false, logger: quietLogger });
}

/** Refuses a queue created by another catalog's process: read with this catalog, its events would all be unreadable. */
async function assertSameCatalog(queue: CrossProcessEventQueue, catalog: ReadingCatalog): Promise<void> {
  const written = queue.catalogName();
  if (written === undefined || written === catalog.name) return;
  await queue.close();
  throw new Error(
    `${queue.dbPath} holds events of the catalog "${written}", not of ${catalog.shown}: ` +
      `pass --catalog with the directory of the "${written}" catalog (or set "catalog" in ${CONFIG_FILE})`,
  );
}

/** Every `--type` must be a spelling or a pattern of the catalog: otherwise say which catalog, and the closest spelling. */
async function assertKnownTypes(types: readonly string[], catalog: ReadingCatalog): Promise<void> {
  const { compilePattern, isPattern } = await import('../runtime/bus.js');
  const defs = [...catalog.registry.events.values()];
  for (const t of types) {
    if (t === '*') continue;
    if (isPattern(t)) {
      const re = compilePattern(t);
      if (!defs.some((d) => re.test(d.name) || re.test(d.topic))) throw new Error(`--type ${JSON.stringify(t)}: the pattern matches no event of ${catalog.shown}`);
    } else if (catalog.registry.resolve(t) === undefined) {
      // Suggested in the style typed: `ORDER_PLACD` → ORDER_PLACED, `order_placd` → order_placed.
      const spellings = (d: (typeof defs)[number]) => (/[A-Z]/.test(t) ? [d.name, d.value, d.topic] : [d.value, d.topic, d.name]);
      const hint = didYouMean(t, defs.flatMap(spellings));
      throw new Error(`--type ${JSON.stringify(t)}: no event of ${catalog.shown} has this spelling${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`);
    }
  }
}

const quietLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.error(m),
  error: (m: string) => console.error(m),
};

/** Runs an action; a thrown error is printed as one line and exits 2. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (error) {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = EXIT.error;
    }
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerQueueCommands(program: Command): void {
  program
    .command('tail')
    .description('follow the events of a queue live (joins no group: it takes nothing from anyone)')
    .requiredOption('--db <path>', 'the queue database')
    .option('--catalog <dir>', CATALOG_HELP)
    .option('--config <path>', CONFIG_HELP)
    .option('--type <event>', 'only this event (any spelling or pattern); repeatable', collect)
    .option('--from-start', 'print every retained event first')
    .option('--after <seq>', 'start after this sequence number')
    .option('--count <n>', 'exit after printing n events')
    .option('--json', 'one CloudEvents envelope (JSON) per line')
    .action(
      action(async (opts: CatalogFlags & { db: string; type?: string[]; fromStart?: boolean; after?: string; count?: string; json?: boolean }) => {
        const catalog = await readingCatalog(opts);
        await assertKnownTypes(opts.type ?? [], catalog);
        const queue = await openQueue(opts.db, true, catalog);
        await assertSameCatalog(queue, catalog);
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const limit = opts.count === undefined ? Infinity : positiveInt(opts.count, '--count');
        const afterSeq = opts.fromStart ? 0 : opts.after !== undefined ? nonNegativeInt(opts.after, '--after') : undefined;
        let printed = 0;
        try {
          if (!opts.json) console.error(`following ${queue.dbPath}${afterSeq === undefined ? ` after #${queue.lastSeq()}` : ''} (Ctrl-C to stop)`);
          if (limit > 0) {
            const foreign = new Set<string>();
            for await (const event of queue.follow({ afterSeq, eventTypes: opts.type, signal: controller.signal })) {
              console.log(opts.json ? jsonText(event.envelope) : formatEvent(event));
              // A queue that does not record its catalog (created by an older version, or without a registry).
              if (catalog.registry.resolve(event.type) === undefined && !foreign.has(event.type)) {
                foreign.add(event.type);
                console.error(printable(`note: ${event.type} is no event of ${catalog.shown}; if another catalog wrote this queue, pass --catalog with its directory`));
              }
              if (++printed >= limit) break;
            }
          }
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          await queue.close();
        }
        return EXIT.ok;
      }),
    );

  program
    .command('stats')
    .description('events, groups (cursor, lag, leases, retries, members), dead letters and file sizes of a queue, and the catalog that created it')
    .requiredOption('--db <path>', 'the queue database')
    .option('--json', 'as JSON')
    .action(
      action(async (opts: { db: string; json?: boolean }) => {
        // Counts and stored names only: no catalog is needed to read them.
        const queue = await openQueue(opts.db, true, undefined);
        try {
          const stats = queue.stats();
          console.log(opts.json ? jsonText(stats, 2) : formatStats(stats));
        } finally {
          await queue.close();
        }
        return EXIT.ok;
      }),
    );

  const dlq = program.command('dlq').description('the dead letter queue of a queue database');

  dlq
    .command('list')
    .description('dead letters, oldest first')
    .requiredOption('--db <path>', 'the queue database')
    .option('--catalog <dir>', CATALOG_HELP)
    .option('--config <path>', CONFIG_HELP)
    .option('--status <status>', 'pending, recovered or all', 'pending')
    .option('--handler <name>', 'only entries of this handler')
    .option('--type <event>', 'only entries of this event')
    .option('--limit <n>', 'at most n entries')
    .option('--json', 'as JSON (one entry per line)')
    .action(
      action(async (opts: CatalogFlags & { db: string; status: string; handler?: string; type?: string; limit?: string; json?: boolean }) => {
        if (!['pending', 'recovered', 'all'].includes(opts.status)) throw new Error(`--status must be pending, recovered or all, got ${JSON.stringify(opts.status)}`);
        const queue = await openTypedQueue(opts, false);
        try {
          const store = queue.dlqStore();
          const entries = (await store.list({
            status: opts.status === 'all' ? undefined : (opts.status as 'pending' | 'recovered'),
            handlerName: opts.handler,
            eventType: opts.type === undefined ? undefined : (queue.registry?.resolve(opts.type)?.name ?? opts.type),
            limit: opts.limit === undefined ? undefined : positiveInt(opts.limit, '--limit'),
          })) as SqliteDlqEntry[];
          if (opts.json) for (const e of entries) console.log(jsonText(e));
          else console.log(formatDlq(entries));
        } finally {
          await queue.close();
        }
        return EXIT.ok;
      }),
    );

  dlq
    .command('replay')
    .description(
      'ask the running processes to replay pending dead letters: each goes once to the handler that failed (a process whose router has it and ' +
        'a SQLite transport and DLQ on this file); waits for the outcome',
    )
    .requiredOption('--db <path>', 'the queue database')
    .option('--catalog <dir>', CATALOG_HELP)
    .option('--config <path>', CONFIG_HELP)
    .option('--id <id>', 'this entry; repeatable', collect)
    .option('--handler <name>', 'entries of this handler')
    .option('--type <event>', 'entries of this event')
    .option('--since <time>', 'entries parked at or after this time (ISO 8601, or epoch ms)')
    .option('--wait <seconds>', 'how long to wait for the outcome (0: only request)', '30')
    .option('--json', 'the outcome as JSON')
    .action(
      action(async (opts: CatalogFlags & { db: string; id?: string[]; handler?: string; type?: string; since?: string; wait: string; json?: boolean }) => {
        const queue = await openTypedQueue(opts, true);
        try {
          const ids = queue.requestDlqReplay({ ids: opts.id, handlerName: opts.handler, eventType: opts.type, since: opts.since === undefined ? undefined : parseTime(opts.since) });
          if (ids.length === 0) {
            console.log('no pending dead letters match');
            return EXIT.ok;
          }
          const waitMs = Number(opts.wait) * 1000;
          if (!(waitMs >= 0)) throw new Error(`--wait must be a number of seconds, got ${JSON.stringify(opts.wait)}`);
          if (!opts.json) console.error(`requested the replay of ${ids.length} dead letter(s); waiting up to ${opts.wait} s for the running processes`);
          const outcome = await waitForReplays(queue, ids, waitMs);
          if (opts.json) console.log(jsonText(outcome));
          else console.log(formatReplay(outcome));
          return waitMs > 0 && outcome.recovered.length < ids.length ? EXIT.notRecovered : EXIT.ok;
        } finally {
          await queue.close();
        }
      }),
    );
}

const CATALOG_HELP = `the catalog directory the events belong to (default: the config's "catalog", else the catalog built into ringrift-events)`;
const CONFIG_HELP = `config file (default: ${CONFIG_FILE} in the working directory, if present)`;

/** The DLQ commands: the entries are shown as stored; a `--type` is resolved (and checked) through the catalog. */
async function openTypedQueue(opts: CatalogFlags & { db: string; type?: string }, writable: boolean): Promise<CrossProcessEventQueue> {
  const catalog = await readingCatalog(opts);
  if (opts.type !== undefined) await assertKnownTypes([opts.type], catalog);
  const queue = await openQueue(opts.db, !writable, catalog);
  if (opts.type !== undefined) await assertSameCatalog(queue, catalog);
  return queue;
}

interface ReplayOutcome {
  recovered: { id: string; handler: string; type: string }[];
  failed: { id: string; handler: string; type: string; error: string }[];
  waiting: { id: string; handler: string; type: string }[];
}

async function waitForReplays(queue: CrossProcessEventQueue, ids: readonly string[], waitMs: number): Promise<ReplayOutcome> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const rows = queue.query('read DLQ entries', () => queue.dlqTable.replayStatus(ids));
    const outcome: ReplayOutcome = { recovered: [], failed: [], waiting: [] };
    for (const r of rows) {
      const e = { id: r.id, handler: r.handler_name, type: r.event_type };
      if (r.status === 'recovered') outcome.recovered.push(e);
      else if (r.replay_requested_at === null) outcome.failed.push({ ...e, error: r.error });
      else outcome.waiting.push(e);
    }
    if (outcome.waiting.length === 0 || Date.now() >= deadline) return outcome;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ── formatting ─────────────────────────────────────────────────────────────

/**
 * Characters that drive a terminal or reorder what it shows: C0 controls,
 * DEL, C1 controls (U+009B is a CSI), bidirectional marks and overrides,
 * line and paragraph separators. Group names, sources, ids and errors come
 * from whoever wrote to the database; printed raw, an ESC sequence clears
 * the screen or sets the window title.
 */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
/** The same, apart from the C0 controls, which JSON.stringify already escapes inside strings (a raw newline in its output is layout). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const hex = (c: string, digits: number): string => c.charCodeAt(0).toString(16).padStart(digits, '0');

/** Text from the database as it may reach a terminal: unsafe characters as `\xNN` / `\uNNNN`. */
function printable(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => (c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
}

/** JSON.stringify, with the unsafe characters it leaves raw written as `\uNNNN` (still the same JSON value). */
function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${hex(c, 4)}`);
}

function formatEvent(e: StoredEvent): string {
  const time = typeof e.envelope.time === 'string' ? e.envelope.time : new Date(e.createdAt).toISOString();
  const data = { ...e.payload } as Record<string, unknown>;
  delete data.timestamp;
  delete data.source;
  return printable(`#${e.seq} ${time} ${e.type} source=${e.source} id=${e.id} ${JSON.stringify(data)}`);
}

function formatStats(s: QueueStats): string {
  const lines = [printable(`queue ${s.dbPath} (schema ${s.schemaVersion}${s.catalog === null ? '' : `, catalog ${s.catalog}`})`)];
  const ev = s.events;
  lines.push(
    ev.count === 0
      ? `events   none stored${ev.lastSeq !== null ? '' : ''}`
      : `events   ${ev.count} stored (seq ${ev.firstSeq}..${ev.lastSeq}), oldest ${age(ev.oldestAt!)}, newest ${age(ev.newestAt!)}`,
  );
  lines.push(`files    db ${bytes(s.files.dbBytes)}, wal ${bytes(s.files.walBytes)}`);
  if (s.groups.length === 0) lines.push('groups   none');
  else {
    const rows = s.groups.map((g) => [
      printable(g.name) + (g.ephemeral ? ' (per-process)' : ''),
      String(g.cursor),
      String(g.pending),
      String(g.inFlight),
      String(g.expired),
      String(g.retrying),
      String(g.members),
      age(g.lastSeenAt),
      g.eventTypes === null ? '*' : printable(g.eventTypes.join(',')),
    ]);
    lines.push(...table(['group', 'cursor', 'pending', 'in-flight', 'expired', 'retrying', 'members', 'last seen', 'types'], rows));
  }
  lines.push(`dlq      ${s.dlq.pending} pending${s.dlq.replayRequested ? ` (${s.dlq.replayRequested} replay requested)` : ''}, ${s.dlq.recovered} recovered`);
  return lines.join('\n');
}

function formatDlq(entries: readonly SqliteDlqEntry[]): string {
  if (entries.length === 0) return 'no dead letters';
  const rows = entries.map((e) => {
    const error = printable(e.error);
    return [
      printable(e.id),
      new Date(e.failedAt).toISOString(),
      e.status + (e.replayRequestedAt !== null ? ' (replay requested)' : ''),
      printable(e.eventType),
      printable(e.handlerName),
      printable(e.group ?? ''),
      String(e.attempts),
      error.length > 80 ? `${error.slice(0, 77)}...` : error,
    ];
  });
  return [...table(['id', 'parked', 'status', 'event', 'handler', 'group', 'attempts', 'error'], rows), `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`].join('\n');
}

function formatReplay(o: ReplayOutcome): string {
  const lines: string[] = [];
  for (const e of o.recovered) lines.push(printable(`recovered ${e.id} ${e.type} → ${e.handler}`));
  for (const e of o.failed) lines.push(printable(`failed    ${e.id} ${e.type} → ${e.handler}: ${e.error}`));
  for (const e of o.waiting) lines.push(printable(`waiting   ${e.id} ${e.type} → ${e.handler}: no running process served it (is one with this handler running, its router's DLQ on this file?)`));
  lines.push(`${o.recovered.length} recovered, ${o.failed.length} failed again, ${o.waiting.length} still waiting`);
  return lines.join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

function age(ms: number): string {
  const d = Date.now() - ms;
  const when = new Date(ms).toISOString();
  if (d < 0) return when;
  if (d < 60_000) return `${when} (${Math.round(d / 1000)} s ago)`;
  if (d < 3_600_000) return `${when} (${Math.round(d / 60_000)} min ago)`;
  return `${when} (${(d / 3_600_000).toFixed(1)} h ago)`;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

function positiveInt(s: string, name: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(s)}`);
  return n;
}

function nonNegativeInt(s: string, name: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be an integer >= 0, got ${JSON.stringify(s)}`);
  return n;
}

function parseTime(s: string): number {
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(n)) throw new Error(`--since must be an ISO 8601 time or epoch ms, got ${JSON.stringify(s)}`);
  return n;
}
