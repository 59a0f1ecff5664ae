/**
 * Replays: the stream read again from a start time (through a consumer of its
 * own, so no group's position moves), and the DLQ entries this transport
 * parked handed back to the router.
 */
import type { DlqStore } from '../dlq.js';
import { envelopeProblem, type EventEnvelope } from '../envelope.js';
import { errorMessage } from '../logger.js';
import type { Deliver } from '../transport.js';
import type { ResolvedNatsConfig } from './config.js';
import type { Connected } from './connection.js';
import { nanos } from './provisioning.js';
import type { SubjectFilter } from './subjects.js';

export interface NatsReplayOptions {
  /** Events stored at or after this time (Date, epoch ms, ISO string). */
  readonly since: Date | number | string;
  /** Event spellings or patterns. Default: the transport's topics. */
  readonly topics?: readonly string[];
  /**
   * Receives each event, oldest first. Default: the router's `deliver` (the
   * router drops ids it has seen within its id window).
   */
  readonly handler?: (envelope: EventEnvelope) => unknown;
}

export interface DeadLetterReplayResult {
  readonly replayed: number;
  readonly recovered: number;
  readonly failed: number;
}

const decoder = new TextDecoder();

/**
 * Hands `handler` the events of `filter` stored since `since`, oldest first,
 * up to the end of the stream at the time of the call, through an ephemeral
 * consumer deleted afterwards. Returns how many events were handed over.
 */
export async function replayStream(config: ResolvedNatsConfig, c: Connected, since: Date, filter: SubjectFilter, handler: (envelope: EventEnvelope) => unknown): Promise<number> {
  const ci = await c.jsm.consumers.add(config.stream, {
    ack_policy: 'none',
    deliver_policy: 'by_start_time',
    opt_start_time: since.toISOString(),
    replay_policy: 'instant',
    filter_subject: filter.subjects.length === 1 ? filter.subjects[0]! : `${config.subjectPrefix}.>`,
    inactive_threshold: nanos(60_000),
    mem_storage: true,
  });
  const total = ci.num_pending;
  let seen = 0;
  let handed = 0;
  try {
    if (total === 0) return 0;
    const consumer = await c.js.consumers.get(config.stream, ci.name);
    const messages = await consumer.consume({ max_messages: 256 });
    for await (const msg of messages) {
      seen++;
      if (filter.matches(msg.subject)) {
        let envelope: EventEnvelope | undefined;
        try {
          envelope = JSON.parse(decoder.decode(msg.data)) as EventEnvelope;
        } catch {
          envelope = undefined;
        }
        if (envelope && envelopeProblem(envelope) === undefined) {
          await handler(envelope);
          handed++;
        }
      }
      if (seen >= total) break;
    }
    return handed;
  } finally {
    await c.jsm.consumers.delete(config.stream, ci.name).catch(() => undefined);
  }
}

/**
 * Hands the pending DLQ entries parked under `handlerName` back to `deliver`,
 * one at a time. An entry is recovered when `deliver` resolves (its handlers
 * settled; a handler that fails again is parked by the router under its own
 * name); otherwise it stays pending with one attempt more.
 */
export async function replayDeadLetters(dlq: DlqStore, handlerName: string, deliver: Deliver, limit: number | undefined): Promise<DeadLetterReplayResult> {
  const entries = await dlq.list({ status: 'pending', handlerName, limit });
  let recovered = 0;
  let failed = 0;
  for (const entry of entries) {
    try {
      await deliver(entry.envelope, { redelivered: true, attempt: entry.attempts + 1 });
      await dlq.markRecovered(entry.id, Date.now());
      recovered++;
    } catch (error) {
      await dlq.recordFailure(entry.id, errorMessage(error), Date.now());
      failed++;
    }
  }
  return { replayed: entries.length, recovered, failed };
}
