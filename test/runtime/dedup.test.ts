import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

  it('refuses a TTL that is not positive and a cap below one, and takes a cap of exactly one', () => {
    for (const ttl of [0, -1, Number.NaN]) expect(() => new TtlSet(ttl, 10)).toThrow(new RangeError(`TtlSet: ttlMs must be > 0, got ${ttl}`));
    for (const cap of [0, 0.5, Number.NaN]) expect(() => new TtlSet(10, cap)).toThrow(new RangeError(`TtlSet: maxEntries must be >= 1, got ${cap}`));
    const one = new TtlSet(10, 1, () => 0);
    expect(one.checkAndAdd('a')).toBe(false);
    expect(one.checkAndAdd('a')).toBe(true);
    one.checkAndAdd('b');
    expect([one.size, one.has('a'), one.has('b')]).toEqual([1, false, true]);
  });

  it('has() is false for a key never seen, and for a key whose window has run out before anything evicts it', () => {
    let now = 1000;
    const set = new TtlSet(100, 10, () => now);
    expect(set.has('never')).toBe(false);
    set.checkAndAdd('a');
    now = 1099;
    expect(set.has('a')).toBe(true);
    now = 1100; // the window is [1000, 1100)
    expect(set.has('a')).toBe(false);
  });

  it('evicts a key at the end of its window when the next key arrives', () => {
    let now = 0;
    const set = new TtlSet(10, 100, () => now);
    set.checkAndAdd('a');
    now = 9;
    set.checkAndAdd('b');
    expect(set.size).toBe(2);
    now = 10;
    set.checkAndAdd('c');
    expect(set.size).toBe(2);
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([false, true, true]);
  });

  it('forgets a deleted key: it is new again, and no longer counts against the cap', () => {
    let now = 0;
    const set = new TtlSet(1000, 2, () => now++);
    set.checkAndAdd('a');
    set.checkAndAdd('b');
    set.delete('a');
    expect([set.size, set.has('a')]).toEqual([1, false]);
    expect(set.checkAndAdd('a')).toBe(false);
    expect(set.checkAndAdd('a')).toBe(true);
    // 'b' is now the oldest: the next key evicts it, not the re-added 'a'.
    set.checkAndAdd('c');
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([true, false, true]);
  });

  it('forgets every key on clear(), and keeps its cap and TTL afterwards', () => {
    let now = 0;
    const set = new TtlSet(100, 2, () => now++);
    set.checkAndAdd('a');
    set.checkAndAdd('b');
    set.clear();
    expect([set.size, set.has('a'), set.has('b')]).toEqual([0, false, false]);
    expect(set.checkAndAdd('a')).toBe(false);
    for (const k of ['c', 'd', 'e']) set.checkAndAdd(k);
    expect(set.size).toBe(2);
    expect([set.has('a'), set.has('c'), set.has('d'), set.has('e')]).toEqual([false, false, true, true]);
    now = 1000;
    set.checkAndAdd('f');
    expect([set.size, set.has('e'), set.has('f')]).toEqual([1, false, true]);
  });

  it('keeps its cap and TTL exact across many thousands of keys', () => {
    let now = 0;
    const set = new TtlSet(50, 10, () => now);
    for (let i = 0; i < 5000; i++) {
      now = i;
      expect(set.checkAndAdd(`k${i}`)).toBe(false);
      expect(set.size).toBe(Math.min(i + 1, 10));
      // The tenth newest key is still held; the eleventh newest is gone (and comes back as new).
      if (i >= 10) expect([set.checkAndAdd(`k${i - 9}`), set.has(`k${i - 10}`)]).toEqual([true, false]);
    }
    expect(set.has('k4990')).toBe(true);
    expect(set.has('k4989')).toBe(false);
    const expiring = new TtlSet(5, 1000, () => now);
    for (let i = 0; i < 5000; i++) {
      now = i;
      expiring.checkAndAdd(`k${i}`);
      expect(expiring.size).toBe(Math.min(i + 1, 5));
    }
  });

  it('does not hold on to the keys it has evicted: memory stays bounded by the cap, not by the keys seen', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const set = new TtlSet(60_000, 16, () => 0);
    const before = heap();
    // Evicted keys retained would cost tens of bytes each: over 10 MB for these.
    for (let i = 0; i < 400_000; i++) set.checkAndAdd(`evicted-key-${i}`);
    expect(heap() - before).toBeLessThan(4_000_000);
    expect(set.size).toBe(16);
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

  it('takes false, 0 and "" as key field values that name a fact, and tells them from true, 1 and "x"', () => {
    const keys = [false, true, 0, 1, '', 'x'].map((y) => dedupKey(fields, { x: 1, y }, common));
    expect(keys.every((k) => k !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(dedupKey(payload, { x: 1, ok: false }, common)).not.toBe(dedupKey(payload, { x: 1, ok: true }, common));
    expect(dedupKey(payload, { x: 1, ok: false }, common)).not.toBe(dedupKey(payload, { x: 1 }, common));
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
