/**
 * `npm run demo [-- --db PATH] [-- --keep]` (via scripts/demo.ts): the full training cycle of
 * EVENT_FLOW_INTEGRATION.md (selfplay → data pipeline → training →
 * evaluation → promotion → distribution) across six processes over one
 * SQLite file, printing the flow as it happens. The evaluation process
 * crashes in the middle of its first event and is restarted: the event,
 * never acknowledged, is redelivered to it and the cycle completes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { REGISTRY } from '../generated/index.js';
import { silentLogger } from '../runtime/index.js';
import { CrossProcessEventQueue } from '../runtime/sqlite/index.js';

const args = process.argv.slice(2);
const dbArg = args.indexOf('--db') >= 0 ? args[args.indexOf('--db') + 1] : undefined;
const keep = args.includes('--keep') || dbArg !== undefined;
const dir = dbArg ? undefined : mkdtempSync(join(tmpdir(), 'ringrift-demo-'));
const db = dbArg ?? join(dir!, 'events.db');
const ROLE_FILE = fileURLToPath(new URL('./demo-process.ts', import.meta.url));
const ROLES = ['data-pipeline', 'training', 'evaluation', 'promotion', 'distribution', 'selfplay'] as const;
type Role = (typeof ROLES)[number];

console.log(`RingRift training cycle: ${ROLES.length} processes, one SQLite queue at ${db}\n`);

// Every component is a subscriber group; created up front so that none misses an event whatever the start order.
const queue = new CrossProcessEventQueue({ dbPath: db, registry: REGISTRY, logger: silentLogger });
for (const role of ROLES) queue.ensureGroup(role);

const children = new Map<Role, ChildProcess>();
const started = Date.now();
let restarted = false;

function start(role: Role, crashOnce = false): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', ROLE_FILE], {
    env: { ...process.env, DEMO: JSON.stringify({ role, db, crashOnce }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.set(role, child);
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) return ready();
    console.log(`${String(Date.now() - started).padStart(5)} ms  ${line}`);
  });
  child.on('exit', (code) => {
    if (children.get(role) !== child || code === 0 || code === null) return;
    if (role === 'evaluation' && !restarted) {
      restarted = true;
      console.log(`${String(Date.now() - started).padStart(5)} ms  demo: evaluation exited (${code}); restarting it. Its TRAINING_COMPLETED was never acknowledged,`);
      console.log(`${' '.repeat(10)}so it is redelivered to the group once the dead process's lease (1.5 s) expires`);
      void start('evaluation');
    } else {
      console.error(`demo: ${role} exited with ${code}`);
      process.exitCode = 1;
    }
  });
  return isReady;
}

// The observer: a group of its own that sees every event, to know when the cycle is complete.
const seen: { type: string; at: number; redelivered: boolean }[] = [];
let finish!: () => void;
const complete = new Promise<void>((r) => (finish = r));
const monitor = queue.consume(
  (e) => {
    seen.push({ type: e.type, at: Date.now() - started, redelivered: e.redelivered });
    if (e.type === 'MODEL_DISTRIBUTION_COMPLETE') finish();
  },
  { group: 'demo-monitor' },
);

await Promise.all(ROLES.filter((r) => r !== 'selfplay').map((r) => start(r, r === 'evaluation')));
await start('selfplay');

const timeout = setTimeout(() => {
  console.error('\ndemo: the cycle did not complete within 60 s');
  process.exitCode = 1;
  finish();
}, 60_000);
await complete;
clearTimeout(timeout);
await monitor.stop();
await new Promise((r) => setTimeout(r, 300)); // the last lines of the children, and their acks

console.log(`\nCycle complete in ${Date.now() - started} ms. Events in the order the queue stored them (as the demo-monitor group saw them):`);
console.log(`  ${seen.map((s) => s.type).join(' → ')}`);
const stats = queue.stats();
console.log(`\nQueue: ${stats.events.count} events stored; groups (cursor, pending, in flight):`);
for (const g of stats.groups) console.log(`  ${g.name.padEnd(14)} ${String(g.cursor).padStart(3)} ${String(g.pending).padStart(3)} ${String(g.inFlight).padStart(3)}`);
console.log(`  dead letters: ${stats.dlq.pending}`);

for (const child of children.values()) child.kill('SIGTERM');
await Promise.all([...children.values()].map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))));
await queue.close();
if (keep) console.log(`\nThe queue is kept at ${db}: try \`npx ringrift-events stats --db ${db}\` or \`npx ringrift-events tail --db ${db} --from-start\``);
else rmSync(dir!, { recursive: true, force: true });
