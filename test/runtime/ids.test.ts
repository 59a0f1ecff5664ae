import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../runtime/ids.js';

// The generator is monotonic per process: each test below uses later times than the one before it.
describe('uuidv7', () => {
  it('is an RFC 9562 version-7 UUID carrying the time', () => {
    const id = uuidv7(0x0123456789ab);
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const prefixes = ids.map((id) => id.slice(0, 13));
    expect([...prefixes].sort()).toEqual(prefixes);
  });

  it('sorts in the order made within one millisecond, past 4096 ids in it, and when the clock steps back', () => {
    const made = [
      ...Array.from({ length: 10_000 }, () => uuidv7(1_800_000_000_000)),
      ...Array.from({ length: 100 }, () => uuidv7(1_799_999_999_000)), // the clock stepped back a second
      uuidv7(1_800_000_000_500),
    ];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Never far ahead of the clock: 10,100 ids in one millisecond move the timestamp by a few milliseconds.
    const ms = (id: string): number => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms(made[10_099]!) - 1_800_000_000_000).toBeLessThan(10);
    expect(ms(made[10_100]!)).toBe(1_800_000_000_500);
  });
});
