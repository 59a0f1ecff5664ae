/** Configuration and subject mapping of the NATS transport: no server needed. */
import { describe, expect, it } from 'vitest';
import { EVENT_METADATA, REGISTRY } from '../../generated/index.js';
import { RingRiftEventsError } from '../../runtime/errors.js';
import { NATS_DEFAULTS, NatsTransport, resolveNatsConfig, SubjectMap, TransportStateError } from '../../runtime/nats/index.js';
import { consumerName, nakDelay } from '../../runtime/nats/config.js';
import { supportsMultiFilter } from '../../runtime/nats/provisioning.js';
import { subjectMatches } from '../../runtime/nats/subjects.js';

describe('NATS transport configuration', () => {
  it('takes options first, then RINGRIFT_NATS_* variables, then defaults', () => {
    const env = {
      RINGRIFT_NATS_URL: 'nats://a:4222, nats://b:4222',
      RINGRIFT_NATS_STREAM: 'EVENTS_PROD',
      RINGRIFT_NATS_REPLICAS: '3',
      RINGRIFT_NATS_PREFIX: 'rr.prod',
      RINGRIFT_NATS_GROUP: 'training-coordinator',
      RINGRIFT_NATS_MAX_DELIVERIES: '7',
    };
    const fromEnv = resolveNatsConfig({ registry: REGISTRY, env });
    expect(fromEnv).toMatchObject({
      servers: ['nats://a:4222', 'nats://b:4222'],
      stream: 'EVENTS_PROD',
      replicas: 3,
      subjectPrefix: 'rr.prod',
      group: 'training-coordinator',
      durable: 'training-coordinator',
      maxDeliveries: 7,
    });
    const fromOptions = resolveNatsConfig({ registry: REGISTRY, env, servers: 'nats://c:4222', stream: 'S', replicas: 1, group: 'g', maxDeliveries: 2 });
    expect(fromOptions).toMatchObject({ servers: ['nats://c:4222'], stream: 'S', replicas: 1, group: 'g', maxDeliveries: 2 });
    const defaults = resolveNatsConfig({ registry: REGISTRY, env: {} });
    expect(defaults).toMatchObject({
      servers: [NATS_DEFAULTS.url],
      stream: 'RINGRIFT_EVENTS',
      subjectPrefix: 'ringrift',
      replicas: 1,
      group: undefined,
      maxDeliveries: 5,
      storage: 'file',
      startFrom: 'new',
      concurrency: 1,
      receive: true,
    });
    expect(defaults.durable).toMatch(/^process_/); // a consumer of its own
  });

  it('rejects invalid settings with a message naming them', () => {
    expect(() => resolveNatsConfig({ registry: REGISTRY, env: { RINGRIFT_NATS_REPLICAS: 'three' } })).toThrow(/RINGRIFT_NATS_REPLICAS must be an integer/);
    expect(() => resolveNatsConfig({ registry: REGISTRY, env: {}, replicas: 7 })).toThrow(/replicas must be an integer from 1 to 5/);
    expect(() => resolveNatsConfig({ registry: REGISTRY, env: {}, stream: 'a.b' })).toThrow(/invalid stream name/);
    expect(() => resolveNatsConfig({ registry: REGISTRY, env: {}, maxDeliveries: 0 })).toThrow(/maxDeliveries/);
    expect(() => resolveNatsConfig({ registry: REGISTRY, env: {}, startFrom: 'yesterday' })).toThrow(/startFrom is not a time/);
    expect(() => new NatsTransport({ registry: REGISTRY, env: {}, subjectPrefix: 'a b' })).toThrow(/invalid NATS subject prefix/);
  });

  it('makes a group a valid consumer name', () => {
    expect(consumerName('eval.daemon *prod*')).toBe('eval_daemon__prod_');
  });

  it('nakDelay gives the configured backoff for each redelivery, the last delay repeating', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => nakDelay([100, 500, 2000], n))).toEqual([100, 500, 2000, 2000, 2000, 2000]);
  });

  it('uses several filter subjects only on servers that have them (2.10+)', () => {
    expect(supportsMultiFilter('2.9.10')).toBe(false);
    expect(supportsMultiFilter('2.10.0')).toBe(true);
    expect(supportsMultiFilter('3.0.1')).toBe(true);
    expect(supportsMultiFilter(undefined)).toBe(false);
  });
});

describe('catalog topics as NATS subjects', () => {
  const map = new SubjectMap(REGISTRY, 'ringrift');
  const crossProcess = Object.entries(EVENT_METADATA).filter(([, m]) => m.crossProcess !== undefined);

  it('gives the stream one subject per cross-process event, taken from its topic', () => {
    const subjects = map.streamSubjects();
    expect(subjects).toHaveLength(crossProcess.length);
    expect(subjects).toContain('ringrift.training.completed');
    expect(subjects).toContain('ringrift.cluster.node_left'); // HOST_OFFLINE
    expect(subjects).not.toContain('ringrift.training.progress'); // in-process only
    expect(map.subjectOf('TRAINING_COMPLETED')).toBe('ringrift.training.completed');
    expect(map.subjectOf('TRAINING_PROGRESS')).toBeUndefined();
    expect(map.eventAt('ringrift.cluster.node_left')?.name).toBe('HOST_OFFLINE');
  });

  it('maps topic patterns to NATS wildcards when they select the same events', () => {
    expect(map.filter(['training.*']).subjects).toEqual(['ringrift.training.*']);
    expect(map.filter(['*']).subjects).toEqual(['ringrift.>']);
    expect(map.filter(['*.completed']).subjects).toEqual(['ringrift.*.completed']);
    const training = map.filter(['training.*']);
    expect([...training.events].sort()).toEqual(['TRAINING_COMPLETED', 'TRAINING_FAILED', 'TRAINING_ROLLBACK_NEEDED', 'TRAINING_STARTED', 'TRAINING_THRESHOLD_REACHED']);
    expect(training.matches('ringrift.training.completed')).toBe(true);
    expect(training.matches('ringrift.evaluation.completed')).toBe(false);
  });

  it('lists exact subjects for name patterns and spellings, and drops subjects a wildcard covers', () => {
    const byName = map.filter(['TRAINING_*']);
    expect(byName.subjects).toHaveLength(5);
    expect(byName.subjects).toContain('ringrift.training.completed');
    const mixed = map.filter(['training_complete', 'HOST_OFFLINE', 'training.*']);
    expect(mixed.subjects).toEqual(['ringrift.cluster.node_left', 'ringrift.training.*']);
  });

  it('refuses events that never leave their process, and unknown ones', () => {
    expect(() => map.filter(['TRAINING_PROGRESS'])).toThrow(/does not cross processes/);
    expect(() => map.filter(['NO_SUCH_EVENT'])).toThrow(/unknown event/);
    expect(() => map.filter(['nothing.*'])).toThrow(/selects no cross-process event/);
  });

  it('matches subjects as NATS does', () => {
    expect(subjectMatches('a.*', 'a.b')).toBe(true);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
  });

  it('refuses a replay that needs the router before start, with a TransportStateError naming the call', async () => {
    const t = new NatsTransport({ registry: REGISTRY, servers: '127.0.0.1:1', group: 'g' });
    const replay = await t.replay({ since: 0 }).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(TransportStateError);
    expect(replay).toBeInstanceOf(RingRiftEventsError);
    expect(replay).toMatchObject({ action: 'replay', message: 'nats:RINGRIFT_EVENTS/g: replay needs a handler, or a started transport' });
    const deadLetters = await t.replayDeadLetters().catch((e: unknown) => e);
    expect(deadLetters).toBeInstanceOf(TransportStateError);
    expect(deadLetters).toMatchObject({ action: 'replay dead letters', message: expect.stringMatching(/start the transport .* before replaying its dead letters/) });
    await t.close();
  });
});
