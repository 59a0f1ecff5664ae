/**
 * Payloads with an own `__proto__` key, as JSON.parse makes them from text a
 * remote producer or an attacker wrote: the key never becomes a prototype, so
 * fields behind it neither satisfy validation nor reach handlers. Through the
 * router, the generated normalizers, and both transports (a real SQLite file,
 * a real nats-server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTrainingData, normalizePayload, REGISTRY } from '../../generated/index.js';
import { createRouter, EventValidationError, renameAliases, silentLogger, type EventEnvelope, type Router, type ValidationMode } from '../../runtime/index.js';
import { attachNatsTransport } from '../../runtime/nats/index.js';
import { attachSqliteTransport, CrossProcessEventQueue } from '../../runtime/sqlite/index.js';
import { uniqueStream, until } from '../nats/helpers.js';
import { findNatsServer, NatsServer } from '../nats/server.js';
import { tempDir } from '../sqlite/helpers.js';
import { closeAfterEach } from '../helpers/close-after-each.js';

const TRAINING = { config_key: 'hex8_2p', board_type: 'hex8', num_players: 2, model_path: '/m.pth', epochs: 5, final_loss: 0.1, samples_trained: 10 };
/** Every required field hidden behind `__proto__`: nothing of its own. */
const HIDDEN = `{"__proto__": ${JSON.stringify(TRAINING)}}`;
/** A valid payload smuggling `isAdmin` in through `__proto__`. */
const SMUGGLED = `{"__proto__": {"isAdmin": true}, ${JSON.stringify(TRAINING).slice(1)}`;
/** The same, the smuggled key an alias of a field (`loss` for final_loss), so the renaming copy runs. */
const SMUGGLED_ALIAS = `{"__proto__": {"isAdmin": true}, "loss": 0.3, ${JSON.stringify({ ...TRAINING, final_loss: undefined }).slice(1)}`;

const keep = closeAfterEach<Router>();
function router(mode: ValidationMode): Router {
  return keep(createRouter({ registry: REGISTRY, logger: silentLogger, mode }));
}

function expectClean(data: Readonly<Record<string, unknown>>): void {
  expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  expect(data.isAdmin).toBeUndefined();
}

describe('a payload with an own __proto__ key', () => {
  it('does not satisfy strict validation with fields behind the prototype (router)', async () => {
    const r = router('strict');
    const error = await r.publish('TRAINING_COMPLETED', JSON.parse(HIDDEN) as Record<string, unknown>).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as Error).message).toMatch(/field "config_key" is required/);
  });

  it.each([
    ['strict', SMUGGLED],
    ['lenient', SMUGGLED],
    ['lenient', SMUGGLED_ALIAS],
  ] as const)('does not leak fields into handlers (router, %s mode)', async (mode, text) => {
    const r = router(mode);
    const seen: EventEnvelope[] = [];
    r.subscribe('TRAINING_COMPLETED', (e) => void seen.push(e));
    await r.publish('TRAINING_COMPLETED', JSON.parse(text) as Record<string, unknown>);
    expect(seen).toHaveLength(1);
    expectClean(seen[0]!.data);
  });

  it('is copied without the prototype setter by the normalizers', () => {
    const normalized = normalizePayload('TRAINING_COMPLETED', JSON.parse(SMUGGLED_ALIAS) as Record<string, unknown>);
    expectClean(normalized.payload);
    expect(normalized.payload.final_loss).toBe(0.3);
    expectClean(renameAliases({ loss: 'final_loss' }, JSON.parse(SMUGGLED_ALIAS) as Record<string, unknown>).payload);
    expect(() => extractTrainingData(JSON.parse(HIDDEN))).toThrow(/config_key/);
    expect(() => extractTrainingData({ data: JSON.parse(HIDDEN) as unknown })).toThrow(/config_key/);
    expectClean(extractTrainingData(JSON.parse(SMUGGLED_ALIAS)) as unknown as Record<string, unknown>);
  });
});

describe('a payload with an own __proto__ key from the SQLite transport', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp.cleanup());

  it('is parked when its fields are behind the prototype, and delivered without the smuggled field otherwise', async () => {
    const producer = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false });
    const queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: REGISTRY, logger: silentLogger, retention: false });
    const r = createRouter({ registry: REGISTRY, logger: silentLogger, mode: 'lenient', dlq: queue.dlqStore('g') });
    const seen: EventEnvelope[] = [];
    r.subscribe('TRAINING_COMPLETED', (e) => void seen.push(e));
    await attachSqliteTransport(r, { queue, group: 'g' });
    try {
      for (const [id, text] of [['hidden', HIDDEN], ['smuggled', SMUGGLED_ALIAS]] as const) {
        await producer.publishEnvelope(JSON.parse(`{"specversion":"1.0","id":"${id}","source":"nodeX","type":"TRAINING_COMPLETED","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":${text}}`) as EventEnvelope);
      }
      await until(async () => seen.length === 1 && (await r.dlq.count()) === 1, 10_000, 'one delivery and one DLQ entry');
      expect(seen.map((e) => e.id)).toEqual(['smuggled']);
      expectClean(seen[0]!.data);
      expect((await r.dlq.list())[0]).toMatchObject({ envelope: { id: 'hidden' } });
    } finally {
      await r.close();
      await queue.close();
      await producer.close();
    }
  });
});

const NATS = findNatsServer();
describe.skipIf(!NATS)(`a payload with an own __proto__ key from the NATS transport${NATS ? '' : ' (skipped: nats-server is not installed)'}`, () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start(NATS);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('is parked when its fields are behind the prototype, and delivered without the smuggled field otherwise', async () => {
    const names = uniqueStream('proto');
    const r = router('strict'); // (lenient would deliver the hidden one too, its fields missing, with a warning)
    const seen: EventEnvelope[] = [];
    r.subscribe('TRAINING_COMPLETED', (e) => void seen.push(e));
    const t = await attachNatsTransport(r, { servers: server.url, stream: names.stream, subjectPrefix: names.prefix, group: 'g', logger: silentLogger });
    const { jetstream } = await import('@nats-io/jetstream');
    const js = jetstream(t.connection!);
    for (const [id, text] of [['hidden', HIDDEN], ['smuggled', SMUGGLED_ALIAS]] as const) {
      const body = `{"specversion":"1.0","id":"${id}","source":"nodeX","type":"TRAINING_COMPLETED","time":"2026-01-01T00:00:00Z","datacontenttype":"application/json","data":${text}}`;
      await js.publish(t.subjects.subjectOf('TRAINING_COMPLETED')!, new TextEncoder().encode(body));
    }
    await until(async () => seen.length === 1 && (await r.dlq.count()) === 1, 10_000, 'one delivery and one DLQ entry');
    expect(seen.map((e) => e.id)).toEqual(['smuggled']);
    expectClean(seen[0]!.data);
    expect((await r.dlq.list())[0]).toMatchObject({ handlerName: 'nats:g', envelope: { id: 'hidden' } });
  });
});

describe('the router’s arguments, checked at the API boundary', () => {
  it('refuses publish options that are not strings, naming the option', async () => {
    const r = router('strict');
    const payload = { node_id: 'n1' };
    await expect(r.publish('HOST_OFFLINE', payload, { id: {} as unknown as string })).rejects.toThrow(new TypeError('publish HOST_OFFLINE: options.id must be a non-empty string, got {}'));
    await expect(r.publish('HOST_OFFLINE', payload, { id: '' })).rejects.toThrow('options.id must be a non-empty string, got ""');
    await expect(r.publish('HOST_OFFLINE', payload, { source: 7 as unknown as string })).rejects.toThrow('publish HOST_OFFLINE: options.source must be a non-empty string, got 7');
    await expect(r.publish('HOST_OFFLINE', payload, { time: 'yesterday' })).rejects.toThrow('publish HOST_OFFLINE: options.time must be an RFC 3339 time, got "yesterday"');
    await expect(r.publish('HOST_OFFLINE', payload, 'fast' as unknown as object)).rejects.toThrow('publish HOST_OFFLINE: options must be an object, got "fast"');
    await expect(r.publish(42 as unknown as string, payload)).rejects.toThrow('publish: the event (a spelling of it) must be a non-empty string, got 42');
    expect(r.getStats().eventsPublished).toBe(0);
  });

  it('refuses subscribe(123, h) and a handler that is not a function, naming the argument', () => {
    const r = router('strict');
    expect(() => r.subscribe(123 as unknown as string, () => undefined)).toThrow(new TypeError('subscribe: the event (a spelling or a pattern) must be a non-empty string, got 123'));
    expect(() => r.subscribe('HOST_OFFLINE', 'handler' as unknown as () => void)).toThrow('subscribe to HOST_OFFLINE: the handler must be a function, got "handler"');
    expect(() => r.subscribe('HOST_OFFLINE', () => undefined, { name: 5 as unknown as string })).toThrow('subscribe to HOST_OFFLINE: options.name must be a non-empty string, got 5');
    expect(() => r.unsubscribe(undefined as unknown as string, () => undefined)).toThrow('unsubscribe: the event (a spelling or a pattern) must be a non-empty string, got undefined');
    expect(r.getSubscriptionNames()).toEqual([]);
  });
});
