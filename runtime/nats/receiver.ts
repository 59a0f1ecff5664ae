/**
 * Receiving for one subscriber group: the consume loop over the group's
 * durable consumer (recreated when the server lost it), each message handed
 * to the router's `deliver` and then acknowledged, `nak`ed with backoff, or
 * parked in the DLQ as `nats:<group>` and terminated (module doc of
 * transport.ts, design rules 2 and 4).
 */
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import pLimit, { type LimitFunction } from 'p-limit';
import type { DlqEntry, DlqStore } from '../dlq.js';
import { createEnvelope, envelopeProblem, type EventEnvelope } from '../envelope.js';
import { ClosedError } from '../errors.js';
import { UndeliverableEventError } from '../inbound.js';
import { errorMessage } from '../logger.js';
import type { Deliver } from '../transport.js';
import { nakDelay } from './config.js';
import type { Connected } from './connection.js';
import { ensureConsumer, ensureStream, type ProvisioningContext } from './provisioning.js';
import type { SubjectFilter } from './subjects.js';

/** The receiver's counters among the transport's stats. */
export interface ReceiveStats {
  /** Messages received from the group's consumer (redeliveries included). */
  received: number;
  /** Acknowledged after `deliver` resolved. */
  acked: number;
  /** `nak`ed for a later redelivery. */
  naked: number;
  /** Parked in the DLQ after the redelivery limit. */
  deadLettered: number;
  /** Not for this group (only when the server cannot filter on several subjects). */
  filtered: number;
  /** Not JSON or not an event envelope: parked in the DLQ under a stand-in envelope (unreadableEnvelope), then acknowledged. */
  unreadable: number;
}

/** What receiving needs of the transport. */
export interface ReceiverContext extends ProvisioningContext {
  readonly dlq: DlqStore;
  readonly stats: ReceiveStats;
  /** The `handlerName` of the DLQ entries this transport parks. */
  readonly deadLetterHandlerName: string;
  /** close() was called: take nothing more. */
  readonly stopping: boolean;
  /** A pause that close() cuts short. */
  pause(ms: number): Promise<void>;
}

/** Stream sequences remembered for delivery counting (oldest forgotten first). */
const ATTEMPTS_KEPT = 10_000;

const decoder = new TextDecoder();

export class Receiver {
  private consumeTask: Promise<void> | undefined;
  private messages: ConsumerMessages | undefined;
  private recreateConsumer = false;
  /** At most `concurrency` messages handled at once; the loop pulls the next one only when a slot is free. */
  private readonly limit: LimitFunction;
  private readonly handling = new Set<Promise<void>>();
  /** Deliveries this process saw per stream sequence, for events not settled yet. */
  private readonly attempts = new Map<number, number>();
  /** Stream sequences this process parked in the DLQ. */
  private readonly deadLettered = new Set<number>();

  constructor(
    private readonly ctx: ReceiverContext,
    private readonly c: Connected,
    private readonly deliver: Deliver,
    private readonly filter: SubjectFilter,
  ) {
    this.limit = pLimit(ctx.config.concurrency);
  }

  /** Creates (or updates) the group's consumer, then consumes it until stop(). */
  async start(): Promise<void> {
    const consumer = await ensureConsumer(this.ctx, this.c, this.filter);
    this.consumeTask = this.consumeLoop(consumer);
  }

  /** Stops pulling (the transport is stopping) and waits for the events being handled to be settled. */
  async stop(): Promise<void> {
    await this.messages?.close().catch(() => undefined);
    await this.consumeTask;
    await Promise.allSettled(this.handling);
  }

  private async consumeLoop(initial: Consumer): Promise<void> {
    const { ctx } = this;
    const cfg = ctx.config;
    let consumer = initial;
    while (!ctx.stopping) {
      if (this.recreateConsumer) {
        this.recreateConsumer = false;
        try {
          if (cfg.manageStream) await ensureStream(ctx, this.c.jsm, this.c.mod); // gone too if the server lost it (memory storage)
          consumer = await ensureConsumer(ctx, this.c, this.filter);
          ctx.logger.warn(`[${ctx.name}] consumer ${cfg.durable} was missing and has been recreated`);
        } catch (error) {
          ctx.logger.error(`[${ctx.name}] could not recreate consumer ${cfg.durable}: ${errorMessage(error)}`);
          this.recreateConsumer = true;
          await ctx.pause(cfg.reconnectWaitMs);
          continue;
        }
      }
      let messages: ConsumerMessages;
      try {
        // Pull requests expire well within ack_wait: one left behind by a process that died is gone
        // before the server redelivers that process's events (a delivery to it would skew counts on 2.9).
        messages = await consumer.consume({ max_messages: cfg.prefetch, expires: pullExpiry(cfg.ackWaitMs) });
      } catch (error) {
        if (!ctx.stopping) ctx.logger.warn(`[${ctx.name}] cannot consume yet: ${errorMessage(error)}`);
        await ctx.pause(cfg.reconnectWaitMs);
        continue;
      }
      if (ctx.stopping) {
        await messages.close().catch(() => undefined);
        break;
      }
      this.messages = messages;
      void this.watchConsumer(messages);
      try {
        for await (const msg of messages) {
          if (ctx.stopping) {
            msg.nak(); // pulled but not started: back to the group at once
            continue;
          }
          await this.startHandling(msg);
        }
      } catch (error) {
        if (!ctx.stopping) ctx.logger.warn(`[${ctx.name}] consumer interrupted: ${errorMessage(error)}; resuming`);
      }
      this.messages = undefined;
      if (!ctx.stopping) await ctx.pause(cfg.reconnectWaitMs);
    }
  }

  /**
   * Resolves once the message's handling has started, in a free slot: a
   * message waiting for a slot stays in the client's buffer rather than in a
   * queue of ours, so a pulled message is either being handled (and kept from
   * redelivery by `working()`) or, on close, `nak`ed at once.
   */
  private startHandling(msg: JsMsg): Promise<void> {
    return new Promise((started) => {
      const work: Promise<void> = this.limit(() => {
        started();
        return this.handle(msg);
      }).finally(() => this.handling.delete(work));
      this.handling.add(work);
    });
  }

  private async watchConsumer(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const s of messages.status()) {
        if (this.ctx.stopping) return;
        if (s.type === 'heartbeats_missed' && s.count >= 3) {
          this.ctx.logger.warn(`[${this.ctx.name}] ${s.count} heartbeats missed; restarting the consumer`);
          messages.stop();
        } else if ((s.type === 'consumer_not_found' && s.count >= 2) || s.type === 'stream_not_found') {
          this.recreateConsumer = true;
          messages.stop();
        } else if (s.type === 'consumer_deleted') {
          this.recreateConsumer = true;
          messages.stop();
        }
      }
    } catch {
      // the iterator ended with the messages
    }
  }

  /** One message: deliver, then ack; or nak with backoff; or park after the limit. Never rejects. */
  private async handle(msg: JsMsg): Promise<void> {
    const { ctx } = this;
    const cfg = ctx.config;
    ctx.stats.received++;
    if (!this.filter.matches(msg.subject)) {
      ctx.stats.filtered++;
      msg.ack();
      return;
    }
    if (this.deadLettered.has(msg.seq)) {
      msg.term(); // parked already; the server delivered it again (see deliveryAttempt)
      return;
    }
    const text = decoder.decode(msg.data);
    let envelope: EventEnvelope;
    try {
      envelope = JSON.parse(text) as EventEnvelope;
    } catch (error) {
      return this.unreadable(msg, text, `not JSON (${errorMessage(error)})`);
    }
    const problem = envelopeProblem(envelope);
    if (problem !== undefined) return this.unreadable(msg, text, `not an event envelope (${problem})`);

    const attempt = this.deliveryAttempt(msg);
    if (attempt > cfg.maxDeliveries) {
      // Delivered maxDeliveries times and never settled: the process handling it stopped or crashed each time.
      return this.deadLetter(msg, envelope, `not acknowledged after ${attempt - 1} deliveries (the process handling it stopped or crashed)`, attempt - 1);
    }
    const keepAlive = setInterval(() => msg.working(), Math.max(100, Math.floor(cfg.ackWaitMs / 3)));
    try {
      await this.deliver(envelope, { redelivered: attempt > 1, attempt });
      msg.ack();
      this.attempts.delete(msg.seq);
      ctx.stats.acked++;
    } catch (error) {
      if (error instanceof ClosedError || ctx.stopping) {
        msg.nak(); // not this event's fault: another member, or the next start, takes it
        return;
      }
      // This catalog cannot take it (a newer catalog sent it): redelivery cannot help before an upgrade, acking would lose it.
      if (error instanceof UndeliverableEventError) return this.deadLetter(msg, envelope, error.message, attempt);
      if (attempt >= cfg.maxDeliveries) return this.deadLetter(msg, envelope, errorMessage(error), attempt);
      const delay = nakDelay(cfg.backoffMs, attempt);
      ctx.logger.warn(`[${ctx.name}] delivery ${attempt}/${cfg.maxDeliveries} of ${envelope.type} ${envelope.id} failed (${errorMessage(error)}); redelivery in ${delay} ms`);
      msg.nak(delay);
      ctx.stats.naked++;
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Which delivery of this event this is: the server's count, or this
   * process's own count if higher. nats-server before 2.10.15 can report a
   * redelivery as a first delivery after a delivery to a consumer that had
   * gone away (nats-io/nats-server#5346, fixed by #5338); counting here keeps
   * the limit for redeliveries this process sees. Across crashing processes
   * only the server's count exists (see docs/nats.md).
   */
  private deliveryAttempt(msg: JsMsg): number {
    const local = (this.attempts.get(msg.seq) ?? 0) + 1;
    this.attempts.delete(msg.seq); // re-inserted last: the map stays in arrival order for eviction
    this.attempts.set(msg.seq, local);
    if (this.attempts.size > ATTEMPTS_KEPT) this.attempts.delete(this.attempts.keys().next().value!);
    return Math.max(msg.info.deliveryCount, local);
  }

  /** A message no catalog can read: parked (acknowledging it would lose it from the group), never redelivered. */
  private unreadable(msg: JsMsg, text: string, reason: string): Promise<void> {
    this.ctx.stats.unreadable++;
    return this.deadLetter(msg, unreadableEnvelope(this.ctx.config.stream, msg.seq, msg.subject, text, reason), reason, msg.info.deliveryCount);
  }

  /** Parks the event in the DLQ (once per stream sequence and group), then terminates it. */
  private async deadLetter(msg: JsMsg, envelope: EventEnvelope, reason: string, attempts: number): Promise<void> {
    const { ctx } = this;
    const cfg = ctx.config;
    const id = `${cfg.stream}:${cfg.durable}:${msg.seq}`;
    const now = Date.now();
    try {
      if (!(await ctx.dlq.get(id))) {
        const entry: DlqEntry = {
          id,
          envelope,
          eventType: envelope.type,
          handlerName: ctx.deadLetterHandlerName,
          error: reason,
          attempts,
          failedAt: now,
          lastAttemptAt: now,
          status: 'pending',
        };
        await ctx.dlq.add(entry);
      }
    } catch (error) {
      const delay = nakDelay(cfg.backoffMs, cfg.backoffMs.length);
      ctx.logger.error(`[${ctx.name}] could not park ${envelope.type} ${envelope.id} in the DLQ (${errorMessage(error)}); redelivery in ${delay} ms`);
      msg.nak(delay);
      ctx.stats.naked++;
      return;
    }
    msg.term();
    this.attempts.delete(msg.seq);
    this.deadLettered.add(msg.seq);
    if (this.deadLettered.size > ATTEMPTS_KEPT) this.deadLettered.delete(this.deadLettered.values().next().value!);
    ctx.stats.deadLettered++;
    ctx.logger.error(`[${ctx.name}] dead-lettered ${envelope.type} ${envelope.id} after ${attempts} deliveries: ${reason}`, { id: envelope.id, seq: msg.seq });
  }
}

/** The type of the stand-in envelope of an unreadable message: no catalog has it, so a replay leaves the entry pending. */
export const UNREADABLE_TYPE = '(unreadable)';

/**
 * A stand-in envelope for a message that is not an event envelope, so the DLQ
 * keeps it (with the raw text) for an operator to see; a replay refuses it as
 * an unknown type.
 */
export function unreadableEnvelope(stream: string, seq: number, subject: string, text: string, problem: string): EventEnvelope {
  return createEnvelope({ type: UNREADABLE_TYPE, source: `nats:${stream}`, time: new Date().toISOString(), id: `${stream}:${seq}` }, { unreadable: problem, subject, raw: text });
}

/** Pull request lifetime: half the ack wait, within the client's bounds (1 s to 30 s). */
export function pullExpiry(ackWaitMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.floor(ackWaitMs / 2)));
}
