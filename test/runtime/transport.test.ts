import { describe, expect, it } from 'vitest';
import { MemoryHub, MemoryTransport } from '../../runtime/memory-transport.js';
import { TransportError, type Deliver, type Transport } from '../../runtime/transport.js';
import type { EventEnvelope } from '../../runtime/envelope.js';
import { MemoryDlqStore, type DlqEntry } from '../../runtime/dlq.js';
import { UndeliverableEventError } from '../../runtime/inbound.js';
import { deferred, delay, testRouter, testRouters, trainingPayload } from './helpers.js';

const router = testRouters();

/** Two routers ("processes") joined by one hub. */
async function pair(options: Parameters<typeof testRouter>[0] = {}) {
  const hub = new MemoryHub();
  const a = router(options);
  const b = router(options);
  const ta = hub.transport('a');
  const tb = hub.transport('b');
  await a.attachTransport(ta);
  await b.attachTransport(tb);
  return { hub, a, b, ta, tb };
}

describe('transports', () => {
  it('trace an event received from a transport as Received, then Delivered to its components', async () => {
    const { hub, a, b } = await pair({ trace: true });
    b.subscribe('TRAINING_COMPLETED', () => undefined, { coordinator: 'EvaluationDaemon' });
    b.subscribe('training.*', function feedbackLoop() {});
    await a.publish('TRAINING_COMPLETED', trainingPayload(), { source: 'TrainingCoordinator' });
    await hub.flush();
    expect(b.log.messages('info')).toEqual(['[EventRouter] Received: TRAINING_COMPLETED (source=TrainingCoordinator)', '[EventRouter] Delivered to: EvaluationDaemon, feedbackLoop']);
  });

  it('sends cross-process events to other processes, which deliver them locally', async () => {
    const { hub, a, b, ta } = await pair();
    const inA: EventEnvelope[] = [];
    const inB: EventEnvelope[] = [];
    a.subscribe('TRAINING_COMPLETED', (e) => void inA.push(e));
    b.subscribe('training_complete', (e) => void inB.push(e));
    const result = await a.publish('training_completed', trainingPayload());
    await hub.flush();
    expect(result.transported).toBe(1);
    expect(ta.published).toHaveLength(1);
    expect(inA).toHaveLength(1); // once: the echo from the hub is dropped by envelope id
    expect(inB).toHaveLength(1);
    expect(inB[0]).toEqual(result.envelope);
    expect(b.getStats()).toMatchObject({ eventsReceived: 1, eventsPublished: 0 });
    expect(a.getStats()).toMatchObject({ eventsPublished: 1, transported: 1, duplicatesPrevented: 1 });
  });

  it('never sends in-process-only events to transports', async () => {
    const { hub, a, b, ta } = await pair();
    let inB = 0;
    b.subscribe('HOST_ONLINE', () => void inB++);
    const result = await a.publish('HOST_ONLINE', { node_id: 'n' });
    await hub.flush();
    expect(result.transported).toBe(0);
    expect(ta.published).toHaveLength(0);
    expect(inB).toBe(0);
  });

  it('does not re-publish events that arrived from a transport (no echo loops)', async () => {
    const { hub, a, b, tb } = await pair();
    b.subscribe('TRAINING_COMPLETED', () => undefined);
    await a.publish('TRAINING_COMPLETED', trainingPayload());
    await hub.flush();
    expect(tb.published).toHaveLength(0);
    expect(a.getStats().eventsReceived).toBe(0);
  });

  it('deduplicates redeliveries by envelope id', async () => {
    const r = router();
    let deliver: Deliver | undefined;
    const t: Transport = { name: 'fake', publish: async () => undefined, start: async (d) => void (deliver = d), close: async () => undefined };
    await r.attachTransport(t);
    let calls = 0;
    r.subscribe('HOST_OFFLINE', () => void calls++);
    const envelope = { specversion: '1.0', id: 'remote-1', source: 'other', type: 'host_offline', time: '2025-12-29T00:00:00Z', datacontenttype: 'application/json', data: { node_id: 'n' } } as const;
    await deliver!(envelope as unknown as EventEnvelope, { redelivered: false, attempt: 1 });
    await deliver!(envelope as unknown as EventEnvelope, { redelivered: true, attempt: 2 });
    expect(calls).toBe(1);
    // The type arrived as a value string and is canonical locally; the common fields are filled.
    expect(r.getHistory()[0]).toMatchObject({ type: 'HOST_OFFLINE', data: { node_id: 'n', source: 'other', timestamp: '2025-12-29T00:00:00Z' } });
  });

  it('resolves deliver only after local async handlers settled (ack after settle)', async () => {
    const { hub, a, b } = await pair();
    const gate = deferred();
    let handled = false;
    b.subscribe('TRAINING_COMPLETED', async () => {
      await gate.promise;
      handled = true;
    });
    await a.publish('TRAINING_COMPLETED', trainingPayload());
    let flushed = false;
    const flushing = hub.flush().then(() => (flushed = true));
    await delay(10);
    expect(flushed).toBe(false); // not acknowledged while the handler runs
    gate.resolve();
    await flushing;
    expect(handled).toBe(true);
  });

  it('awaits retries and DLQ parking before acknowledging; a failing DLQ makes the transport redeliver', async () => {
    class FlakyStore extends MemoryDlqStore {
      fails = 1;
      override async add(entry: DlqEntry): Promise<void> {
        if (this.fails-- > 0) throw new Error('db locked');
        await super.add(entry);
      }
    }
    const store = new FlakyStore();
    const hub = new MemoryHub();
    const a = router();
    const b = router({ dlq: store, retry: { attempts: 2, baseDelayMs: 1 } });
    await a.attachTransport(hub.transport('a'));
    await b.attachTransport(hub.transport('b'));
    let calls = 0;
    b.subscribe('TRAINING_COMPLETED', () => {
      calls++;
      throw new Error('nope');
    }, { name: 'B.handler' });
    await a.publish('TRAINING_COMPLETED', trainingPayload());
    await hub.flush();
    expect(calls).toBe(4); // 2 attempts, parking failed → redelivered → 2 attempts, parked
    expect(await store.list()).toMatchObject([{ handlerName: 'B.handler', attempts: 2 }]);
    expect(hub.undeliverable).toHaveLength(0);
  });

  it('rejects publish with TransportError when a transport refuses, delivering nothing, so a retry works', async () => {
    const { hub, a, ta } = await pair();
    let local = 0;
    a.subscribe('TRAINING_COMPLETED', () => void local++);
    ta.failPublish = new Error('queue unavailable');
    await expect(a.publish('TRAINING_COMPLETED', trainingPayload())).rejects.toThrow(TransportError);
    await expect(a.publish('TRAINING_COMPLETED', trainingPayload())).rejects.toThrow(/could not publish TRAINING_COMPLETED to a: queue unavailable/);
    expect(local).toBe(0);
    ta.failPublish = undefined;
    const retry = await a.publish('TRAINING_COMPLETED', trainingPayload());
    expect(retry.duplicate).toBe(false);
    await hub.flush();
    expect(local).toBe(1);
  });

  it('drops a malformed envelope; rejects one of unknown type or an invalid payload with UndeliverableEventError, for the transport to park', async () => {
    const r = router();
    let deliver: Deliver | undefined;
    await r.attachTransport({ name: 'fake', publish: async () => undefined, start: async (d) => void (deliver = d), close: async () => undefined });
    await deliver!({ hello: 'world' } as unknown as EventEnvelope, { redelivered: false, attempt: 1 });
    const unknown = { specversion: '1.0', id: 'x', source: 's', type: 'NO_SUCH_EVENT', time: '', datacontenttype: 'application/json', data: {} } as const;
    const rejected = await deliver!(unknown, { redelivered: false, attempt: 1 }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(UndeliverableEventError);
    expect((rejected as UndeliverableEventError).message).toBe(
      'from a newer catalog: unknown event type "NO_SUCH_EVENT" (not in this consumer\'s catalog); replay it after upgrading the consumer',
    );
    const invalid = { ...unknown, id: 'y', type: 'TRAINING_COMPLETED', dataversion: 7 };
    const refused = await deliver!(invalid, { redelivered: false, attempt: 1 }).catch((e: unknown) => e);
    expect((refused as UndeliverableEventError).fromNewerCatalog).toBe(true);
    expect((refused as Error).message).toMatch(/^from a newer catalog: TRAINING_COMPLETED payload version 7, this consumer's catalog has version 1 \(invalid TRAINING_COMPLETED payload: .*config_key.*\); replay it after upgrading the consumer$/);
    expect(r.getStats().transportRejected).toBe(3);
  });

  it('detach and close stop the transports', async () => {
    const { hub, a, b, tb } = await pair();
    let inB = 0;
    b.subscribe('TRAINING_COMPLETED', () => void inB++);
    await b.detachTransport(tb);
    await a.publish('TRAINING_COMPLETED', trainingPayload());
    await hub.flush();
    expect(inB).toBe(0);
    const t = new MemoryTransport('c', hub);
    await a.attachTransport(t);
    await a.close();
    expect(t.deliverFn).toBeUndefined();
  });
});
