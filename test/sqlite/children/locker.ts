/** Holds the write lock of a database: `cycles` times BEGIN IMMEDIATE, `holdMs` (blocking), COMMIT, then `gapMs`. Prints {locked}, {unlocked}. */
import Database from 'better-sqlite3';

const config = JSON.parse(process.env.CONFIG ?? '{}') as { db: string; cycles: number; holdMs: number; gapMs: number };
const db = new Database(config.db, { timeout: 10_000 });
const say = (fact: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(fact)}\n`);
const block = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let i = 0; i < config.cycles; i++) {
  db.exec('BEGIN IMMEDIATE');
  db.prepare("INSERT OR REPLACE INTO rr_meta (key, value) VALUES ('locker', ?)").run(String(i));
  say({ locked: i });
  block(config.holdMs);
  db.exec('COMMIT');
  say({ unlocked: i });
  await new Promise((r) => setTimeout(r, config.gapMs));
}
db.close();
