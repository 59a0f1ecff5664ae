/**
 * One queue process whose wall clock is off by `offsetMs` (the queue's `now`
 * option), driven by the tests through the CONFIG variable (JSON); one JSON
 * line per fact on stdout.
 *
 * - send: sends `count` HOST_OFFLINE events (`node_id` = `<tag>-<i>`) in one
 *   transaction, or one per transaction with `oneByOne` (at `rate` events/s
 *   if given), prints {sent}, exits.
 * - claim: receives up to `count` events of `group` and holds them
 *   unacknowledged, prints {claimed}, then waits to be killed.
 * - retention: runs retention `runs` times, `gapMs` apart (sending one event
 *   before each run when `sendEach`), prints each {retention} result, exits.
 */
import { REGISTRY } from '../../../generated/index.js';
import { silentLogger } from '../../../runtime/index.js';
import { CrossProcessEventQueue, type RetentionOptions } from '../../../runtime/sqlite/index.js';

interface Config {
  readonly role: 'send' | 'claim' | 'retention';
  readonly db: string;
  readonly offsetMs?: number;
  readonly count?: number;
  readonly tag?: string;
  readonly group?: string;
  readonly leaseMs?: number;
  readonly retention?: Partial<RetentionOptions>;
  readonly runs?: number;
  readonly gapMs?: number;
  readonly sendEach?: boolean;
  readonly oneByOne?: boolean;
  /** With oneByOne: sends at this steady rate (events/s). */
  readonly rate?: number;
}

const config = JSON.parse(process.env.CONFIG ?? '{}') as Config;
const say = (fact: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(fact)}\n`);
const offset = config.offsetMs ?? 0;

const queue = new CrossProcessEventQueue({
  dbPath: config.db,
  registry: REGISTRY,
  logger: silentLogger,
  now: () => Date.now() + offset,
  leaseMs: config.leaseMs,
  retention: config.role === 'retention' ? { intervalMs: 3_600_000, ...config.retention } : false,
});

if (config.role === 'send') {
  const tag = config.tag ?? 'sent';
  if (config.oneByOne) {
    const start = performance.now();
    for (let i = 0; i < (config.count ?? 1); i++) {
      const wait = config.rate === undefined ? 0 : start + (i * 1000) / config.rate - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      await queue.send('HOST_OFFLINE', { node_id: `${tag}-${i}` });
    }
  }
  else queue.sendMany(Array.from({ length: config.count ?? 1 }, (_, i) => ({ type: 'HOST_OFFLINE', payload: { node_id: `${tag}-${i}` } })));
  say({ sent: config.count ?? 1 });
  await queue.close();
} else if (config.role === 'claim') {
  const events = await queue.receive({ group: config.group, limit: config.count ?? 10 });
  say({ claimed: events.length, seqs: events.map((e) => e.seq) });
  setInterval(() => undefined, 60_000); // hold the leases until killed
} else {
  for (let i = 0; i < (config.runs ?? 1); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, config.gapMs ?? 0));
    if (config.sendEach) queue.sendSync('HOST_OFFLINE', { node_id: `clock-ahead-${i}` });
    say({ retention: queue.runRetention() });
  }
  await queue.close();
}
