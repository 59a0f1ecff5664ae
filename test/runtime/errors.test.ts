import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as runtime from '../../runtime/index.js';
import * as nats from '../../runtime/nats/index.js';
import * as sqlite from '../../runtime/sqlite/index.js';
import { ClosedError, RingRiftEventsError, RouterClosedError, TransportStateError, UsageError } from '../../runtime/errors.js';
import { testRegistry, testRouter, trainingPayload } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rr-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every class an entry point exports whose name ends in "Error". */
function errorClasses(entry: Record<string, unknown>): [string, Function][] {
  return Object.entries(entry).filter((e): e is [string, Function] => e[0].endsWith('Error') && typeof e[1] === 'function');
}

describe('one error base class', () => {
  it.each([
    ['ringrift-events/runtime', runtime],
    ['ringrift-events/runtime/sqlite', sqlite],
    ['ringrift-events/runtime/nats', nats],
  ] as const)('every error class exported by %s is a RingRiftEventsError and an Error', (_entry, exports) => {
    const classes = errorClasses(exports as Record<string, unknown>);
    expect(classes.length).toBeGreaterThan(0);
    for (const [name, cls] of classes) {
      expect(cls.prototype instanceof RingRiftEventsError || cls === RingRiftEventsError, name).toBe(true);
      expect(cls.prototype instanceof Error, name).toBe(true);
    }
  });
});

describe('"closed" is one error', () => {
  it('a closed router refuses with a ClosedError naming the router and the refused action', async () => {
    const r = testRouter();
    await r.close();
    const error = await r.publish('TRAINING_COMPLETED', trainingPayload()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClosedError);
    expect(error).toBeInstanceOf(RouterClosedError);
    expect((error as ClosedError).component).toBe('the router');
    expect((error as ClosedError).action).toBe('publish TRAINING_COMPLETED');
    expect((error as Error).message).toBe('cannot publish TRAINING_COMPLETED: the router is closed');
  });

  it('a closed SQLite queue refuses with a ClosedError that keeps the queue error fields kind and dbPath', async () => {
    const dbPath = join(dir, 'closed.db');
    const q = new sqlite.CrossProcessEventQueue({ dbPath, registry: testRegistry() });
    await q.close();
    const error = await q.send('TRAINING_COMPLETED', trainingPayload()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClosedError);
    expect(error).toBeInstanceOf(sqlite.QueueClosedError);
    expect((error as sqlite.QueueClosedError).kind).toBe('closed');
    expect((error as sqlite.QueueClosedError).dbPath).toBe(dbPath);
    expect((error as Error).message).toBe(`cannot send: the event queue ${dbPath} is closed`);
  });

  it('a closed NATS transport refuses a publish with a ClosedError, without a server', async () => {
    const t = new nats.NatsTransport({ registry: testRegistry(), servers: '127.0.0.1:1', group: 'g' });
    await t.close();
    const error = await t.publish(runtime.createEnvelope({ type: 'TRAINING_COMPLETED', source: '/t', time: new Date().toISOString() }, trainingPayload())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClosedError);
    expect((error as ClosedError).action).toBe('publish TRAINING_COMPLETED');
  });
});

describe('a call out of order is a TransportStateError (a UsageError)', () => {
  it('starting a SQLite transport twice is refused naming the transport and the call', async () => {
    const queue = new sqlite.CrossProcessEventQueue({ dbPath: join(dir, 'twice.db'), registry: testRegistry() });
    const t = new sqlite.SqliteTransport({ registry: testRegistry(), queue, receive: false });
    try {
      await t.start(async () => undefined);
      const error = await t.start(async () => undefined).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportStateError);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as TransportStateError).action).toBe('start');
      expect((error as Error).message).toBe(`${t.name} is already started`);
    } finally {
      await t.close();
      await queue.close();
    }
  });
});
