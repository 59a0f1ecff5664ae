/**
 * One seed for a test file's random choices, so a failing run can be replayed:
 * RR_TEST_SEED when set, else a fresh one, printed with the command that replays it.
 */

/** The run's seed: RR_TEST_SEED (an integer) when set, else a random 31-bit one. Prints it, naming `file`. */
export function testSeed(file: string): number {
  const given = process.env['RR_TEST_SEED'];
  let seed: number;
  if (given !== undefined && given !== '') {
    seed = Number(given);
    if (!Number.isSafeInteger(seed)) throw new Error(`RR_TEST_SEED must be an integer, not ${JSON.stringify(given)}`);
  } else {
    seed = Math.floor(Math.random() * 2 ** 31);
  }
  console.log(`${file}: RR_TEST_SEED=${seed} (replay: RR_TEST_SEED=${seed} npx vitest run ${file})`);
  return seed;
}

/** mulberry32: a small, fast PRNG; the same seed gives the same numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
