/**
 * Pipelined JetStream publishing: many publishes awaiting their PubAck at
 * once over one reply subscription, instead of one request (with its own
 * timer and reply bookkeeping) per publish as `js.publish` does. The wire
 * protocol is JetStream's own: a core PUB with a reply subject and the
 * `Nats-Msg-Id` header; the stream's leader answers on the reply subject
 * once the message is stored (with replicas: once a quorum stored it).
 *
 * Timeouts are swept by one timer: every publish has the same timeout, so
 * the pending map (insertion ordered) is also ordered by deadline.
 */
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { RingRiftEventsError } from '../errors.js';

export interface PubAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

/** The server refused the message (too large, wrong stream…): retrying cannot help. */
export class PublishRefusedError extends RingRiftEventsError {
  override readonly name = 'PublishRefusedError';
  constructor(
    readonly code: number,
    description: string,
  ) {
    super(`JetStream refused the message: ${description} (${code})`);
  }
}

/** No PubAck in time, or no stream listening (a server or leader restarting): retrying with the same id is safe. */
export class PublishUnconfirmedError extends RingRiftEventsError {
  override readonly name = 'PublishUnconfirmedError';
  constructor(
    message: string,
    /** No stream is listening on the subject (rather than a lost or late PubAck). */
    readonly noStream = false,
  ) {
    super(message);
  }
}

interface Pending {
  readonly resolve: (ack: PubAck) => void;
  readonly reject: (error: Error) => void;
  readonly deadline: number;
}

export interface PipelineDeps {
  readonly createInbox: (prefix?: string) => string;
  readonly headers: () => MsgHdrs;
}

export class PubAckPipeline {
  private readonly pending = new Map<string, Pending>();
  private readonly inbox: string;
  private readonly prefixLength: number;
  private readonly sub: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private counter = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly deps: PipelineDeps,
    private readonly timeoutMs: number,
    inboxPrefix?: string,
  ) {
    this.inbox = deps.createInbox(inboxPrefix);
    this.prefixLength = this.inbox.length + 1;
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => this.onReply(error, msg) });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(1_000, Math.floor(timeoutMs / 4))));
    this.sweeper.unref();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  publish(subject: string, data: Uint8Array, msgId: string): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      const token = (this.counter++).toString(36);
      const h = this.deps.headers();
      h.set('Nats-Msg-Id', msgId);
      this.pending.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${token}`, headers: h });
      } catch (error) {
        this.pending.delete(token);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Rejects whatever is still waiting and stops listening. */
  close(reason: Error): void {
    clearInterval(this.sweeper);
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
    this.sub.unsubscribe();
  }

  private onReply(error: Error | null, msg: Msg): void {
    if (error) return; // the subscription's own error (permissions): the publishes time out and are retried
    const token = msg.subject.slice(this.prefixLength);
    const p = this.pending.get(token);
    if (!p) return; // late: it timed out and was resent
    this.pending.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      p.reject(new PublishUnconfirmedError('no JetStream stream answered for the subject (server or stream leader not ready)', true));
      return;
    }
    let body: { stream?: string; seq?: number; duplicate?: boolean; error?: { code?: number; err_code?: number; description?: string } };
    try {
      body = msg.json();
    } catch (e) {
      p.reject(new PublishUnconfirmedError(`unreadable PubAck: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    if (body.error) {
      p.reject(new PublishRefusedError(body.error.err_code ?? body.error.code ?? 0, body.error.description ?? 'unknown error'));
    } else if (typeof body.stream !== 'string' || typeof body.seq !== 'number') {
      p.reject(new PublishUnconfirmedError('invalid PubAck'));
    } else {
      p.resolve({ stream: body.stream, seq: body.seq, duplicate: body.duplicate === true });
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, p] of this.pending) {
      if (p.deadline > now) break; // ordered by deadline
      this.pending.delete(token);
      p.reject(new PublishUnconfirmedError(`no PubAck within ${this.timeoutMs} ms`));
    }
  }
}
