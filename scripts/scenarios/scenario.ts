/**
 * What the three integration scenarios of EVENT_FLOW_INTEGRATION.md share
 * when run as examples (`npm run demo -- <n>`): a printer that shows every
 * event as it is delivered, `waitFor` (the document's `wait_for_event`), and
 * checks that print ✓ or ✗ and make the run fail.
 */
import { getRouter } from '../../generated/index.js';
import { untypedRouter, type EventEnvelope, type HandlerBase, type Router } from '../../runtime/index.js';

export type Print = (line: string) => void;

const COMMON = new Set(['timestamp', 'source', 'trace_id']);

export class Scenario {
  readonly failures: string[] = [];
  private readonly started = Date.now();

  constructor(readonly print: Print) {}

  /** The process-wide router the coordinators run on (created by the first one to start). */
  get router(): Router {
    return untypedRouter(getRouter());
  }

  /** Starts the coordinators, subscribers before any emitter, then prints every event delivered. */
  async start(handlers: readonly HandlerBase[]): Promise<void> {
    for (const h of handlers) await h.start();
    this.router.subscribe('*', (e) => this.print(`${String(Date.now() - this.started).padStart(5)} ms  ${e.type.padEnd(28)} from ${e.source.padEnd(24)} ${summary(e)}`), {
      name: 'scenario-printer',
      priority: 100, // printed before the coordinators react to it
    });
  }

  /** The first event of this type that matches, already in the history or still to come. */
  waitFor(spelling: string, options: { timeoutMs?: number; match?: (e: EventEnvelope) => boolean } = {}): Promise<EventEnvelope> {
    const match = options.match ?? (() => true);
    const past = this.router.getHistory({ topic: spelling }).find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for ${spelling}`));
      }, options.timeoutMs ?? 5000);
      const off = this.router.subscribe(spelling, (e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  async until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  step(text: string): void {
    this.print(`\n${text}`);
  }

  check(ok: boolean, what: string): void {
    this.print(`  ${ok ? '✓' : '✗'} ${what}`);
    if (!ok) this.failures.push(what);
  }

  /** The router's counts and every coordinator's health, checked at the end. */
  finish(handlers: readonly HandlerBase[]): void {
    const stats = this.router.getStats();
    this.print('');
    this.check(stats.handlerErrors + stats.handlerTimeouts + stats.deadLettered === 0, `no handler failed (errors ${stats.handlerErrors}, timeouts ${stats.handlerTimeouts}, dead letters ${stats.deadLettered})`);
    this.check(stats.duplicatesPrevented === 0, `no event dropped as a duplicate (${stats.duplicatesPrevented})`);
    for (const h of handlers) this.check(h.healthCheck().healthy, `${h.name} healthy (${h.healthCheck().eventsProcessed} events handled)`);
    this.print(`\n${stats.eventsPublished} events published; ${this.failures.length === 0 ? 'all checks passed' : `${this.failures.length} check(s) failed`}`);
  }
}

function summary(e: EventEnvelope): string {
  const fields = Object.entries(e.data).filter(([k, v]) => !COMMON.has(k) && v !== undefined);
  const text = fields.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}
