import { describe, expect, it } from 'vitest';
import { seededRandom } from './seed.js';

describe('seededRandom', () => {
  it('gives the same numbers in [0, 1) for the same seed, and other numbers for another seed', () => {
    const take = (seed: number): number[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    const a = take(42);
    expect(take(42)).toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(a).size).toBe(1000);
    expect(take(43)).not.toEqual(a);
    // Spread over the interval, not bunched: every tenth of [0, 1) gets some.
    expect(new Set(a.map((x) => Math.floor(x * 10))).size).toBe(10);
  });
});
