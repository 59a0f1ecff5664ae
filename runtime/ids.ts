/**
 * Event ids. Time-ordered UUIDs (RFC 9562 version 7): events published one
 * after another get ids that sort together, so a durable store's unique index
 * on the id (SQLite, JetStream's duplicate window) stays local instead of
 * touching a random page per event, as random version-4 ids would.
 */
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
let pool = new Uint8Array(0);
let poolAt = 0;

let lastMs = -Infinity;
let counter = 0;

/**
 * A version-7 UUID: 48 bits of Unix milliseconds, a 12-bit counter (rand_a),
 * then 62 random bits. Monotonic within a process (RFC 9562, 6.2 method 1):
 * ids made in one millisecond count up from a random start below 2048, so
 * they sort in the order they were made; past 4095 in one millisecond, or when
 * the clock steps back, the timestamp moves on from the last one used.
 */
export function uuidv7(now = Date.now()): string {
  if (poolAt + 10 > pool.length) {
    pool = randomFillSync(new Uint8Array(4096));
    poolAt = 0;
  }
  const r = pool;
  const i = poolAt;
  poolAt += 10;
  let ms = now;
  if (ms > lastMs) {
    counter = ((r[i]! << 8) | r[i + 1]!) & 0x7ff;
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms++;
      counter = ((r[i]! << 8) | r[i + 1]!) & 0x7ff;
    }
  }
  lastMs = ms;
  const hi = Math.floor(ms / 2 ** 32);
  const lo = ms >>> 0;
  return (
    HEX[(hi >>> 8) & 0xff]! + HEX[hi & 0xff]! + HEX[lo >>> 24]! + HEX[(lo >>> 16) & 0xff]! + '-' +
    HEX[(lo >>> 8) & 0xff]! + HEX[lo & 0xff]! + '-' +
    HEX[0x70 | (counter >>> 8)]! + HEX[counter & 0xff]! + '-' +
    HEX[0x80 | (r[i + 2]! & 0x3f)]! + HEX[r[i + 3]!]! + '-' +
    HEX[r[i + 4]!]! + HEX[r[i + 5]!]! + HEX[r[i + 6]!]! + HEX[r[i + 7]!]! + HEX[r[i + 8]!]! + HEX[r[i + 9]!]!
  );
}
