/**
 * The connection: opened once the servers answer (waited for up to
 * `connectTimeoutMs`), reconnecting forever afterwards, with the stream
 * checked (or provisioned) and the publish pipeline on it.
 */
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import { ClosedError } from '../errors.js';
import { errorMessage } from '../logger.js';
import { loadNats } from './client.js';
import { NatsConnectError } from './errors.js';
import { ensureStream, type JetStreamApi, type ProvisioningContext } from './provisioning.js';
import { PubAckPipeline } from './publisher.js';

/** An open connection with its JetStream API and publish pipeline. */
export interface Connected extends JetStreamApi {
  readonly pipeline: PubAckPipeline;
}

/** The connection's counters among the transport's stats. */
export interface ConnectionStats {
  disconnects: number;
  reconnects: number;
}

/** What opening a connection needs of the transport. */
export interface ConnectionContext extends ProvisioningContext {
  readonly connectionOptions: Partial<ConnectionOptions>;
  readonly stats: ConnectionStats;
  /** close() was called: stop waiting. */
  readonly stopping: boolean;
  /** A pause that close() cuts short. */
  pause(ms: number): Promise<void>;
}

/**
 * Connects, waiting for unreachable servers up to `connectTimeoutMs`
 * (NatsConnectError then), and checks the stream: creates or updates it with
 * `manageStream`, else fails when it does not exist.
 */
export async function openConnection(ctx: ConnectionContext): Promise<Connected> {
  const cfg = ctx.config;
  const mod = await loadNats();
  const started = Date.now();
  let lastLog = started;
  for (;;) {
    if (ctx.stopping) throw new ClosedError(ctx.name, 'connect', `${ctx.name} was closed while connecting`);
    let nc: NatsConnection;
    try {
      nc = await mod.core.connect({
        ...ctx.connectionOptions,
        servers: [...cfg.servers],
        name: cfg.name,
        maxReconnectAttempts: -1, // reconnect forever
        reconnectTimeWait: cfg.reconnectWaitMs,
        waitOnFirstConnect: false,
      });
    } catch (error) {
      const retryable = error instanceof mod.core.ConnectionError || error instanceof mod.core.TimeoutError;
      if (!retryable) throw error;
      if (Date.now() - started >= cfg.connectTimeoutMs) throw new NatsConnectError(ctx.name, cfg.servers, cfg.connectTimeoutMs, error, errorMessage(error));
      if (Date.now() - lastLog >= 60_000 || lastLog === started) {
        lastLog = Date.now();
        ctx.logger.warn(`[${ctx.name}] waiting for NATS at ${cfg.servers.join(', ')}: ${errorMessage(error)}`);
      }
      await ctx.pause(cfg.reconnectWaitMs);
      continue;
    }
    try {
      const jsm = await mod.js.jetstreamManager(nc, { timeout: cfg.publishTimeoutMs });
      const js = jsm.jetstream();
      if (cfg.manageStream) await ensureStream(ctx, jsm, mod);
      else await jsm.streams.info(cfg.stream);
      const pipeline = new PubAckPipeline(nc, mod.core, cfg.publishTimeoutMs, ctx.connectionOptions.inboxPrefix);
      void watchConnection(ctx, nc);
      return { nc, js, jsm, pipeline, mod };
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
  }
}

/** Counts and logs disconnects and reconnects until the connection closes. */
async function watchConnection(ctx: ConnectionContext, nc: NatsConnection): Promise<void> {
  try {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        ctx.stats.disconnects++;
        if (!ctx.stopping) ctx.logger.warn(`[${ctx.name}] disconnected from ${s.server}; reconnecting`);
      } else if (s.type === 'reconnect') {
        ctx.stats.reconnects++;
        ctx.logger.info(`[${ctx.name}] reconnected to ${s.server}`);
      } else if (s.type === 'error') {
        ctx.logger.error(`[${ctx.name}] ${errorMessage(s.error)}`);
      }
    }
  } catch (error) {
    ctx.logger.warn(`[${ctx.name}] connection status: ${errorMessage(error)}`);
  }
}
