/**
 * Stream and consumer provisioning: the catalog's stream created, or given the
 * subjects of this catalog it lacks; a group's durable consumer created, or
 * brought to this transport's filter, ack wait and ack pending limit.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Consumer, ConsumerConfig, JetStreamClient, JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { errorMessage, type Logger } from '../logger.js';
import type { NatsModules } from './client.js';
import type { ResolvedNatsConfig } from './config.js';
import { subjectMatches, type SubjectFilter } from './subjects.js';

/** What provisioning needs of the transport. */
export interface ProvisioningContext {
  /** The transport's name, prefixing its log lines. */
  readonly name: string;
  readonly config: ResolvedNatsConfig;
  /** The stream subjects of the catalog's cross-process events. */
  readonly streamSubjects: readonly string[];
  readonly logger: Logger;
}

/** The JetStream API of a connection. */
export interface JetStreamApi {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly mod: NatsModules;
}

/**
 * Creates the stream, or adds the subjects of this catalog it lacks (another
 * catalog version may have created it). An existing stream keeps its other
 * settings; a replica count other than the configured one is only reported.
 */
export async function ensureStream(ctx: ProvisioningContext, jsm: JetStreamManager, mod: NatsModules): Promise<void> {
  const cfg = ctx.config;
  const subjects = [...ctx.streamSubjects];
  let info = await streamInfo(cfg.stream, jsm, mod);
  if (!info) {
    try {
      await jsm.streams.add({
        name: cfg.stream,
        description: 'ringrift-events: the cross-process events of the catalog',
        subjects,
        storage: cfg.storage,
        num_replicas: cfg.replicas,
        retention: 'limits',
        discard: 'old',
        max_age: nanos(cfg.maxAgeMs),
        max_bytes: cfg.maxBytes,
        duplicate_window: nanos(cfg.duplicateWindowMs),
      });
      ctx.logger.info(`[${ctx.name}] created stream ${cfg.stream} (${subjects.length} subjects, ${cfg.replicas} replica(s), ${cfg.storage})`);
      return;
    } catch (error) {
      info = await streamInfo(cfg.stream, jsm, mod); // another process created it meanwhile
      if (!info) throw error;
    }
  }
  const have = info.config.subjects ?? [];
  const missing = subjects.filter((s) => !have.some((h) => subjectMatches(h, s)));
  if (missing.length > 0) {
    await jsm.streams.update(cfg.stream, { subjects: [...have, ...missing] });
    ctx.logger.info(`[${ctx.name}] added ${missing.length} subject(s) of this catalog to stream ${cfg.stream}`);
  }
  if (info.config.num_replicas !== cfg.replicas) {
    ctx.logger.warn(`[${ctx.name}] stream ${cfg.stream} has ${info.config.num_replicas} replica(s), ${cfg.replicas} configured; change it with \`nats stream edit\``);
  }
}

async function streamInfo(stream: string, jsm: JetStreamManager, { js }: NatsModules): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(stream);
  } catch (error) {
    if (error instanceof js.JetStreamApiError && error.code === js.JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

/** The group's durable consumer, created if missing; an existing one keeps its position. */
export async function ensureConsumer(ctx: ProvisioningContext, c: JetStreamApi, filter: SubjectFilter): Promise<Consumer> {
  const cfg = ctx.config;
  const multi = filter.subjects.length > 1 && supportsMultiFilter(c.nc.info?.version);
  const filterConfig: Partial<ConsumerConfig> = multi
    ? { filter_subjects: [...filter.subjects] }
    : { filter_subject: filter.subjects.length === 1 ? filter.subjects[0]! : `${cfg.subjectPrefix}.>` };
  const config: Partial<ConsumerConfig> = {
    durable_name: cfg.durable,
    description: cfg.group !== undefined ? `ringrift-events group ${cfg.group}` : `ringrift-events process ${cfg.name}`,
    ack_policy: 'explicit',
    ack_wait: nanos(cfg.ackWaitMs),
    max_deliver: -1, // the receiver counts deliveries and parks the event itself (receiver.ts)
    max_ack_pending: cfg.maxAckPending,
    replay_policy: 'instant',
    ...filterConfig,
    ...(cfg.group === undefined ? { inactive_threshold: nanos(cfg.inactiveMs) } : {}),
    ...(cfg.startFrom instanceof Date
      ? { deliver_policy: 'by_start_time' as const, opt_start_time: cfg.startFrom.toISOString() }
      : { deliver_policy: cfg.startFrom }),
  };
  const { js } = c.mod;
  let existing;
  try {
    existing = await c.jsm.consumers.info(cfg.stream, cfg.durable);
  } catch (error) {
    if (!(error instanceof js.JetStreamApiError && error.code === js.JetStreamApiCodes.ConsumerNotFound)) throw error;
  }
  if (!existing) {
    try {
      await c.jsm.consumers.add(cfg.stream, config);
    } catch (error) {
      // A member of the group created it meanwhile.
      existing = await c.jsm.consumers.info(cfg.stream, cfg.durable).catch(() => undefined);
      if (!existing) throw error;
    }
  }
  if (existing) {
    const e = existing.config;
    const sameFilter =
      (e.filter_subject ?? '') === (filterConfig.filter_subject ?? '') &&
      JSON.stringify(e.filter_subjects ?? []) === JSON.stringify(filterConfig.filter_subjects ?? []);
    if (!sameFilter || e.ack_wait !== config.ack_wait || e.max_ack_pending !== config.max_ack_pending) {
      try {
        await c.jsm.consumers.update(cfg.stream, cfg.durable, {
          ...filterConfig,
          ack_wait: config.ack_wait,
          max_ack_pending: config.max_ack_pending,
          ...(multi ? {} : { filter_subjects: undefined }),
        });
      } catch (error) {
        ctx.logger.warn(`[${ctx.name}] consumer ${cfg.durable} exists with another configuration and could not be updated (${errorMessage(error)}); using it as it is`);
      }
    }
  }

  return c.js.consumers.get(cfg.stream, cfg.durable);
}

/** Deletes the consumer of a process without a group (a group's consumer outlives its processes). */
export async function deleteProcessConsumer(ctx: ProvisioningContext, jsm: JetStreamManager): Promise<void> {
  await jsm.consumers.delete(ctx.config.stream, ctx.config.durable).catch((error: unknown) => {
    ctx.logger.warn(`[${ctx.name}] could not delete the per-process consumer: ${errorMessage(error)}`);
  });
}

/** nats-server 2.10 added consumers with several filter subjects. */
export function supportsMultiFilter(version: string | undefined): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 2 || (major === 2 && minor >= 10);
}

/** Milliseconds to the nanoseconds of the JetStream API. */
export function nanos(ms: number): number {
  return Math.round(ms * 1_000_000);
}
