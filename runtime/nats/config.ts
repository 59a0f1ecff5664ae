/**
 * Options of the NATS JetStream transport, and how they are resolved from the
 * environment: an option given in code wins, then the `<ENV_PREFIX>_NATS_*`
 * variable, then the default. The prefix, the default stream and subject
 * prefix come from the catalog's name, carried by the registry
 * (`RINGRIFT_NATS_URL`, `RINGRIFT_EVENTS`, `ringrift` for our catalog;
 * `SHOP_NATS_URL`, `SHOP_EVENTS`, `shop` for a catalog named `shop`: docs/nats.md).
 * Pure (no I/O), so it is tested without a server.
 */
import { hostname } from 'node:os';
import type { ConnectionOptions } from '@nats-io/transport-node';
import type { DlqStore } from '../dlq.js';
import type { Logger } from '../logger.js';
import { catalogNamesOf, envName, type CatalogNames } from '../catalog-names.js';
import type { EventRegistry } from '../registry.js';

export interface NatsTransportOptions {
  /** The catalog. The stream's subjects are the topics of its cross-process events. */
  readonly registry: EventRegistry;
  /** Server URL(s). Env `<ENV_PREFIX>_NATS_URL` (`RINGRIFT_NATS_URL`; comma-separated). Default `nats://127.0.0.1:4222`. */
  readonly servers?: string | readonly string[];
  /** Stream name. Env `<ENV_PREFIX>_NATS_STREAM`. Default `<ENV_PREFIX>_EVENTS` (`RINGRIFT_EVENTS`, from the registry's `names`). */
  readonly stream?: string;
  /** Subjects are `<prefix>.<topic>`. Env `<ENV_PREFIX>_NATS_PREFIX`. Default the catalog's name (`ringrift`). */
  readonly subjectPrefix?: string;
  /** Stream replicas (1, 3 or 5 in a cluster). Env `RINGRIFT_NATS_REPLICAS`. Default 1. */
  readonly replicas?: number;
  /**
   * Subscriber group: one durable consumer per group, shared by its processes
   * (each event reaches one member of each group; every group gets every
   * event). Env `RINGRIFT_NATS_GROUP`. Without one, the process has its own
   * consumer, deleted on close (and by the server after `inactiveMs` if the
   * process dies), that sees events published while it runs.
   */
  readonly group?: string;
  /** What the group receives: event spellings or router patterns (`training.*`, `TRAINING_*`). Default `['*']`. */
  readonly topics?: readonly string[];
  /** false: publish only, no consumer. Default true. */
  readonly receive?: boolean;
  /** Where a group created now starts: `new` (default), `all` retained events, or a start time (Date, epoch ms, ISO string). An existing group keeps its position. */
  readonly startFrom?: 'new' | 'all' | Date | number | string;
  /** Deliveries of one event before it is parked in the DLQ. Env `RINGRIFT_NATS_MAX_DELIVERIES`. Default 5. */
  readonly maxDeliveries?: number;
  /** `nak` delays after the 1st, 2nd, … failed delivery (the last repeats). Default 1 s, 5 s, 15 s, 30 s. */
  readonly backoffMs?: readonly number[];
  /** The server redelivers an event not acknowledged within this time; extended while its handlers run. Default 30 s. */
  readonly ackWaitMs?: number;
  /** Events handled at once by this process. 1 (default) keeps the stream's order. */
  readonly concurrency?: number;
  /** Events pulled ahead of handling. Default 64. */
  readonly prefetch?: number;
  /** Unacknowledged events per group at most (all members together). Default 1000. */
  readonly maxAckPending?: number;
  /** Resends of an event id within this window are dropped by the server. Default 2 min. */
  readonly duplicateWindowMs?: number;
  /** Retention: events older than this are deleted by the server. Default 7 days. */
  readonly maxAgeMs?: number;
  /** Retention by size (bytes); -1 unlimited (default). */
  readonly maxBytes?: number;
  /** Default `file`. `memory` does not survive a server restart. */
  readonly storage?: 'file' | 'memory';
  /** Create the stream, or add missing subjects to it. false: it must exist (managed by operators). Default true. */
  readonly manageStream?: boolean;
  /** A consumer without a group is removed by the server after this long without its process. Default 10 min. */
  readonly inactiveMs?: number;
  /** Where exhausted events go. `attachNatsTransport` passes the router's DLQ. Default: an in-memory store. */
  readonly dlq?: DlqStore;
  readonly logger?: Logger;
  /** Client name shown by the server's monitoring. Default `<catalog name>/<host>/<pid>` (`ringrift/…`). */
  readonly name?: string;
  /** Waiting for one PubAck. Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** A publish is retried (same message id, so never stored twice) for this long while the server is unreachable. Default 30 s. */
  readonly publishRetryMs?: number;
  /** Giving up on the first connection. Default: never (it keeps trying, logging each minute). */
  readonly connectTimeoutMs?: number;
  /** Pause between connection attempts. Default 1 s. */
  readonly reconnectWaitMs?: number;
  /** Passed to `connect()` of @nats-io/transport-node (authentication, TLS, …). */
  readonly connectionOptions?: Partial<ConnectionOptions>;
  /** The environment to read (tests). Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedNatsConfig {
  readonly servers: readonly string[];
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly replicas: number;
  /** The group given, or undefined for a per-process consumer. */
  readonly group: string | undefined;
  /** The durable consumer's name (the group's, made a valid NATS name). */
  readonly durable: string;
  readonly topics: readonly string[];
  readonly receive: boolean;
  readonly startFrom: 'new' | 'all' | Date;
  readonly maxDeliveries: number;
  readonly backoffMs: readonly number[];
  readonly ackWaitMs: number;
  readonly concurrency: number;
  readonly prefetch: number;
  readonly maxAckPending: number;
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly storage: 'file' | 'memory';
  readonly manageStream: boolean;
  readonly inactiveMs: number;
  readonly name: string;
  readonly publishTimeoutMs: number;
  readonly publishRetryMs: number;
  readonly connectTimeoutMs: number;
  readonly reconnectWaitMs: number;
}

/** The environment variables read for a catalog: `<ENV_PREFIX>_NATS_URL`, … */
export function natsEnv(names: CatalogNames): { readonly [K in keyof typeof NATS_ENV]: string } {
  const at = (suffix: string) => envName(names, suffix);
  return { url: at('NATS_URL'), stream: at('NATS_STREAM'), prefix: at('NATS_PREFIX'), replicas: at('NATS_REPLICAS'), group: at('NATS_GROUP'), maxDeliveries: at('NATS_MAX_DELIVERIES') };
}

/** The variables of the RingRift catalog (and of a registry without `names`); natsEnv() gives those of any catalog. */
export const NATS_ENV = {
  url: 'RINGRIFT_NATS_URL',
  stream: 'RINGRIFT_NATS_STREAM',
  prefix: 'RINGRIFT_NATS_PREFIX',
  replicas: 'RINGRIFT_NATS_REPLICAS',
  group: 'RINGRIFT_NATS_GROUP',
  maxDeliveries: 'RINGRIFT_NATS_MAX_DELIVERIES',
} as const;

/** Defaults; `stream` and `subjectPrefix` are those of a registry without `names` (a catalog's registry carries its own). */
export const NATS_DEFAULTS = {
  url: 'nats://127.0.0.1:4222',
  stream: 'RINGRIFT_EVENTS',
  subjectPrefix: 'ringrift',
  replicas: 1,
  maxDeliveries: 5,
  backoffMs: [1_000, 5_000, 15_000, 30_000],
  ackWaitMs: 30_000,
  concurrency: 1,
  prefetch: 64,
  maxAckPending: 1_000,
  duplicateWindowMs: 120_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  inactiveMs: 600_000,
  publishTimeoutMs: 5_000,
  publishRetryMs: 30_000,
  reconnectWaitMs: 1_000,
} as const;

/** Stream and consumer names: no spaces, dots, wildcards or path separators. */
const NAME = /^[^\s.*>/\\]+$/;

export function resolveNatsConfig(options: NatsTransportOptions): ResolvedNatsConfig {
  const env = options.env ?? process.env;
  const names = catalogNamesOf(options.registry);
  const vars = natsEnv(names);
  const fromEnv = (key: string): string | undefined => {
    const v = env[key]?.trim();
    return v === '' ? undefined : v;
  };

  const servers = toList(options.servers ?? fromEnv(vars.url)?.split(',') ?? NATS_DEFAULTS.url);
  if (servers.length === 0) throw new TypeError('no NATS server URL given');

  const stream = options.stream ?? fromEnv(vars.stream) ?? names.natsStream;
  if (!NAME.test(stream)) throw new TypeError(`invalid stream name ${JSON.stringify(stream)}: no spaces, ".", "*", ">" or slashes`);

  const replicas = options.replicas ?? intFromEnv(env, vars.replicas) ?? NATS_DEFAULTS.replicas;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new RangeError(`replicas must be an integer from 1 to 5, got ${replicas}`);

  const maxDeliveries = options.maxDeliveries ?? intFromEnv(env, vars.maxDeliveries) ?? NATS_DEFAULTS.maxDeliveries;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) throw new RangeError(`maxDeliveries must be an integer >= 1, got ${maxDeliveries}`);

  const group = options.group ?? fromEnv(vars.group);
  if (group !== undefined && group.trim() === '') throw new TypeError('group must not be empty');
  const durable = group !== undefined ? consumerName(group) : consumerName(`process_${hostname()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);

  const backoffMs = options.backoffMs ?? NATS_DEFAULTS.backoffMs;
  if (backoffMs.length === 0 || backoffMs.some((d) => !(d >= 0))) throw new RangeError('backoffMs needs at least one delay >= 0');

  return {
    servers,
    stream,
    subjectPrefix: options.subjectPrefix ?? fromEnv(vars.prefix) ?? names.natsSubjectPrefix,
    replicas,
    group,
    durable,
    topics: options.topics ?? ['*'],
    receive: options.receive ?? true,
    startFrom: startFrom(options.startFrom),
    maxDeliveries,
    backoffMs,
    ackWaitMs: positive('ackWaitMs', options.ackWaitMs ?? NATS_DEFAULTS.ackWaitMs),
    concurrency: positiveInt('concurrency', options.concurrency ?? NATS_DEFAULTS.concurrency),
    prefetch: positiveInt('prefetch', options.prefetch ?? NATS_DEFAULTS.prefetch),
    maxAckPending: positiveInt('maxAckPending', options.maxAckPending ?? NATS_DEFAULTS.maxAckPending),
    duplicateWindowMs: positive('duplicateWindowMs', options.duplicateWindowMs ?? NATS_DEFAULTS.duplicateWindowMs),
    maxAgeMs: options.maxAgeMs ?? NATS_DEFAULTS.maxAgeMs,
    maxBytes: options.maxBytes ?? -1,
    storage: options.storage ?? 'file',
    manageStream: options.manageStream ?? true,
    inactiveMs: positive('inactiveMs', options.inactiveMs ?? NATS_DEFAULTS.inactiveMs),
    name: options.name ?? `${names.name}/${hostname()}/${process.pid}`,
    publishTimeoutMs: positive('publishTimeoutMs', options.publishTimeoutMs ?? NATS_DEFAULTS.publishTimeoutMs),
    publishRetryMs: options.publishRetryMs ?? NATS_DEFAULTS.publishRetryMs,
    connectTimeoutMs: options.connectTimeoutMs ?? Infinity,
    reconnectWaitMs: positive('reconnectWaitMs', options.reconnectWaitMs ?? NATS_DEFAULTS.reconnectWaitMs),
  };
}

/** A valid durable consumer name for a group: characters NATS refuses become `_`. */
export function consumerName(group: string): string {
  return group.trim().replace(/[\s.*>/\\]/g, '_');
}

/** The `nak` delay after `failedDeliveries` failed deliveries. */
export function nakDelay(backoffMs: readonly number[], failedDeliveries: number): number {
  return backoffMs[Math.min(failedDeliveries, backoffMs.length) - 1] ?? backoffMs[0] ?? 0;
}

function toList(servers: string | readonly string[]): string[] {
  return (typeof servers === 'string' ? servers.split(',') : [...servers]).map((s) => s.trim()).filter((s) => s !== '');
}

function intFromEnv(env: Readonly<Record<string, string | undefined>>, key: string): number | undefined {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new TypeError(`${key} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

function startFrom(value: NatsTransportOptions['startFrom']): 'new' | 'all' | Date {
  if (value === undefined || value === 'new' || value === 'all') return value ?? 'new';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`startFrom is not a time: ${JSON.stringify(value)}`);
  return date;
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be > 0, got ${value}`);
  return value;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}
