/** Helpers shared by the benchmarks (not a benchmark itself: bench/run.ts runs only *.bench.ts). */

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
