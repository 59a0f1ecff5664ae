/**
 * `tail`, `stats` and `dlq` on the queue of another catalog than ours: a queue
 * written by the shop fixture's generated code, read by the real command line
 * (`node bin/ringrift-events.js`) with `--catalog`, or with the catalog of a
 * ringrift-events.config.json, as a user of that catalog would.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/index.js';
import { CrossProcessEventQueue } from '../../runtime/sqlite/index.js';
import { REGISTRY as SHOP } from '../fixtures/catalogs/shop/generated/index.js';
import { runCli } from '../helpers/cli.js';
import { GOOD } from '../helpers/shop.js';
import { tempDir } from './helpers.js';

const SHOP_DIR = fileURLToPath(new URL('../fixtures/catalogs/shop', import.meta.url));
const PLACED_AT = '2025-03-01T09:30:00.000Z';

let tmp: ReturnType<typeof tempDir>;
let queue: CrossProcessEventQueue;
beforeEach(async () => {
  tmp = tempDir('rr-cli-shop-');
  queue = new CrossProcessEventQueue({ dbPath: tmp.db, registry: SHOP, logger: silentLogger, retention: false });
  await queue.send('ORDER_PLACED', { ...GOOD.ORDER_PLACED }, { time: PLACED_AT, source: 'Storefront' });
  await queue.send('payment.captured', { ...GOOD.PAYMENT_CAPTURED }, { time: '2025-03-01T09:31:12.250Z' });
  await queue.send('PARCEL_SHIPPED', { ...GOOD.SHIPMENT_DISPATCHED }, { time: '2025-03-02T06:00:00.000Z' });
});
afterEach(async () => {
  await queue.close();
  tmp.cleanup();
});

/** The CLI's stdout lines; it must exit 0. */
async function ok(args: readonly string[], cwd?: string): Promise<string[]> {
  const r = await runCli(args, cwd);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

describe('queue commands on the queue of another catalog', () => {
  it('tail --catalog prints the shop events readably, with the dates they were sent', async () => {
    const lines = await ok(['tail', '--db', tmp.db, '--catalog', SHOP_DIR, '--from-start', '--count', '3']);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^#1 2025-03-01T09:30:00\.000Z ORDER_PLACED source=Storefront id=\S+ \{"order_id":"ORD-000042","customer_id":"NLD-1001",/);
    expect(lines[1]).toMatch(/^#2 2025-03-01T09:31:12\.250Z PAYMENT_CAPTURED source=\/shop\/\S+ id=\S+ \{"order_id":"ORD-000042","payment_id":"pay_3xk9",/);
    expect(lines[2]).toMatch(/^#3 2025-03-02T06:00:00\.000Z SHIPMENT_DISPATCHED /);
    expect(lines.join('\n')).not.toMatch(/unreadable|1970-01-01/);
  }, 30_000);

  it('tail --type takes the shop spellings and topic patterns', async () => {
    const lines = await ok(['tail', '--db', tmp.db, '--catalog', SHOP_DIR, '--from-start', '--count', '2', '--type', 'order_placed', '--type', 'shipment.*']);
    expect(lines.map((l) => l.split(' ')[2])).toEqual(['ORDER_PLACED', 'SHIPMENT_DISPATCHED']);
  }, 30_000);

  it('an unknown --type names the catalog and suggests the closest spelling', async () => {
    const typo = await runCli(['tail', '--db', tmp.db, '--catalog', SHOP_DIR, '--from-start', '--type', 'ORDER_PLACD']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: --type "ORDER_PLACD": no event of the catalog "shop" \(\S*shop\) has this spelling \(did you mean "ORDER_PLACED"\?\)$/m);
    const pattern = await runCli(['tail', '--db', tmp.db, '--catalog', SHOP_DIR, '--type', 'refund.*']);
    expect(pattern.code).toBe(2);
    expect(pattern.stderr).toMatch(/--type "refund\.\*": the pattern matches no event of the catalog "shop"/);
  }, 30_000);

  it('without --catalog, tail says whose queue it is and what to pass, instead of printing every event unreadable', async () => {
    // Run where a user would, outside this repository (whose ringrift-events.config.json names its own catalog).
    const r = await runCli(['tail', '--db', tmp.db, '--from-start', '--count', '1'], dirname(tmp.db));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/holds events of the catalog "shop", not of the catalog "ringrift" \(built into ringrift-events\): pass --catalog with the directory of the "shop" catalog \(or set "catalog" in ringrift-events\.config\.json\)/);
  }, 30_000);

  it('honours the catalog of ringrift-events.config.json: tail and dlq list need no flag but --db', async () => {
    const app = mkdtempSync(join(tmpdir(), 'rr-cli-app-'));
    try {
      writeFileSync(join(app, 'ringrift-events.config.json'), JSON.stringify({ catalog: SHOP_DIR, out: 'src/generated' }));
      const envelope = (await queue.send('REFUND_ISSUED', { ...GOOD.REFUND_ISSUED })).envelope;
      await queue.dlqStore('refunds').add({ id: 'dl-1', envelope, eventType: 'REFUND_ISSUED', handlerName: 'Ledger:REFUND_ISSUED', error: 'ledger offline', attempts: 5, failedAt: Date.now(), lastAttemptAt: Date.now(), status: 'pending' });
      const tail = await ok(['tail', '--db', tmp.db, '--from-start', '--count', '1', '--type', 'OrderPlaced'], app);
      expect(tail[0]).toMatch(/^#1 2025-03-01T09:30:00\.000Z ORDER_PLACED /);
      const dlq = await ok(['dlq', 'list', '--db', tmp.db, '--type', 'refund_issued'], app);
      expect(dlq.join('\n')).toMatch(/^dl-1\s+\S+\s+pending\s+REFUND_ISSUED\s+Ledger:REFUND_ISSUED\s+refunds\s+5\s+ledger offline$/m);
      const typo = await runCli(['dlq', 'list', '--db', tmp.db, '--type', 'refund_isued'], app);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/no event of the catalog "shop" .* \(did you mean "refund_issued"\?\)/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 45_000);

  it('stats names the catalog that created the queue', async () => {
    expect((await ok(['stats', '--db', tmp.db]))[0]).toBe(`queue ${tmp.db} (schema 1, catalog shop)`);
    const json = JSON.parse((await ok(['stats', '--db', tmp.db, '--json'])).join('\n')) as { catalog: string; events: { count: number } };
    expect(json).toMatchObject({ catalog: 'shop', events: { count: 3 } });
  }, 30_000);

  it('a queue that does not record its catalog (an older one): tail names the unknown types and suggests --catalog', async () => {
    const old = tempDir('rr-cli-old-');
    try {
      const writer = new CrossProcessEventQueue({ dbPath: old.db, logger: silentLogger, retention: false }); // no registry: no catalog recorded
      await writer.send('ORDER_PLACED', { ...GOOD.ORDER_PLACED }, { time: PLACED_AT });
      await writer.close();
      const bare = await runCli(['tail', '--db', old.db, '--from-start', '--count', '1'], dirname(old.db));
      expect(bare.code, bare.stderr).toBe(0);
      // Unknown to that catalog, so shown as stored: dated when it was stored, not 1970.
      expect(bare.stdout).toMatch(/^#1 (?!1970)\d{4}-\d\d-\d\dT\S+ ORDER_PLACED .*"unreadable"/);
      expect(bare.stderr).toContain('note: ORDER_PLACED is no event of the catalog "ringrift" (built into ringrift-events); if another catalog wrote this queue, pass --catalog with its directory');
      const read = await runCli(['tail', '--db', old.db, '--catalog', SHOP_DIR, '--from-start', '--count', '1']);
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toMatch(/^#1 2025-03-01T09:30:00\.000Z ORDER_PLACED source=\S+ id=\S+ \{"order_id":"ORD-000042"/);
      expect(read.stderr).not.toContain('note:');
    } finally {
      old.cleanup();
    }
  }, 30_000);

  it('a row that cannot be read is still shown with the time it was stored, not 1970', async () => {
    const storedAt = Date.parse('2025-01-02T03:04:05.000Z');
    const db = new Database(tmp.db);
    try {
      db.prepare('INSERT INTO rr_events (event_id, event_type, source, created_at, origin_group, envelope) VALUES (?, ?, ?, ?, NULL, ?)').run('broken-1', 'ORDER_PLACED', 'legacy-writer', storedAt, '{not json');
    } finally {
      db.close();
    }
    const lines = await ok(['tail', '--db', tmp.db, '--catalog', SHOP_DIR, '--after', '3', '--count', '1']);
    expect(lines[0]).toMatch(/^#4 2025-01-02T03:04:05\.000Z ORDER_PLACED source=legacy-writer id=broken-1 \{"unreadable":"the envelope column is not JSON/);
  }, 30_000);
});
