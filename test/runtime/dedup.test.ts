import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { dedupKey, sha256, TtlSet } from '../../runtime/dedup.js';
import { defineEvent } from './helpers.js';

const common = new Set(['timestamp', 'source', 'trace_id']);

describe('TtlSet', () => {
  it('reports a repeat within the TTL and forgets it after', () => {
    let now = 1000;
    const set = new TtlSet(100, 10, () => now);
    expect(set.checkAndAdd('a')).toBe(false);
    now += 99;
    expect(set.checkAndAdd('a')).toBe(true);
    now += 1; // the window runs from the first sighting
    expect(set.checkAndAdd('a')).toBe(false);
    expect(set.has('a')).toBe(true);
  });

  it('never holds more than its cap, evicting the oldest', () => {
    const set = new TtlSet(60_000, 3, () => 0);
    for (const k of ['a', 'b', 'c', 'd']) set.checkAndAdd(k);
    expect(set.size).toBe(3);
    expect(set.has('a')).toBe(false);
    expect(set.has('d')).toBe(true);
  });

  it('drops expired entries as new ones arrive', () => {
    let now = 0;
    const set = new TtlSet(10, 1000, () => now);
    for (let i = 0; i < 100; i++) set.checkAndAdd(`k${i}`);
    now = 20;
    set.checkAndAdd('fresh');
    expect(set.size).toBe(1);
  });
});

describe('dedupKey', () => {
  const fields = defineEvent('A', { dedup: { kind: 'fields', fields: ['x', 'y'] } });
  const payload = defineEvent('B', { dedup: { kind: 'payload' } });
  const none = defineEvent('C', { dedup: { kind: 'none' } });

  it('is undefined when the policy is none', () => {
    expect(dedupKey(none, { x: 1 }, common)).toBeUndefined();
  });

  it('covers only the listed fields under a fields policy', () => {
    expect(dedupKey(fields, { x: 1, y: 2, z: 3 }, common)).toBe(dedupKey(fields, { y: 2, x: 1, z: 99 }, common));
    expect(dedupKey(fields, { x: 1, y: 2 }, common)).not.toBe(dedupKey(fields, { x: 1, y: 3 }, common));
  });

  it('is undefined under a fields policy when a key field is absent, null, or only inherited', () => {
    expect(dedupKey(fields, { x: 1 }, common)).toBeUndefined();
    expect(dedupKey(fields, { x: 1, y: null }, common)).toBeUndefined();
    expect(dedupKey(fields, Object.assign(Object.create({ y: 2 }) as object, { x: 1 }), common)).toBeUndefined();
  });

  it('covers the whole payload except the common fields under a payload policy', () => {
    const a = dedupKey(payload, { x: 1, timestamp: '2025-01-01T00:00:00Z', source: 'a', trace_id: 't1' }, common);
    const b = dedupKey(payload, { x: 1, timestamp: '2025-01-02T00:00:00Z', source: 'b', trace_id: 't2' }, common);
    expect(a).toBe(b);
    expect(dedupKey(payload, { x: 2 }, common)).not.toBe(a);
  });

  it('includes the event name: equal payloads of two events never collide', () => {
    const other = defineEvent('D', { dedup: { kind: 'payload' } });
    expect(dedupKey(payload, { x: 1 }, common)).not.toBe(dedupKey(other, { x: 1 }, common));
  });

  it('is SHA-256 over "<name>\\n<canonical JSON>"', () => {
    const expected = createHash('sha256').update('B\n{"x":1,"y":[1,2]}').digest('base64');
    expect(dedupKey(payload, { y: [1, 2], x: 1, source: 's' }, common)).toBe(expected);
    expect(sha256('abc')).toBe(createHash('sha256').update('abc').digest('base64'));
  });
});
