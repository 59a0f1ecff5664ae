/**
 * The generated Python package on the queue, with real processes over one
 * SQLite file: Python emitters → TypeScript router handlers, and TypeScript
 * emitters → Python consumer groups, 10,000 events each way, a consumer
 * SIGKILLed and restarted: nothing lost, and every duplicate is a marked
 * redelivery. The queue's own behaviour from Python is test_queue.py
 * (unittest), run here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../helpers/process.js';
import { CHILDREN, spawnProgram, spawnTs, tempDir, waitUntil, type Child } from '../sqlite/helpers.js';
import { havePython, PYTHON_SKIP, ROOT } from './helpers.js';

const PY_PATH = join(ROOT, 'python');
const PY_ENV = { PYTHONPATH: PY_PATH, PYTHONDONTWRITEBYTECODE: '1' };
const COUNT = 10_000;

let tmp: ReturnType<typeof tempDir>;
const children: Child[] = [];
beforeEach(() => {
  tmp = tempDir('rr-pyqueue-');
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) {
      c.proc.kill('SIGKILL');
      await c.exited;
    }
  }
  tmp.cleanup();
});

/** The lines of a consumer log: work id, redelivered flag, attempt. */
function logLines(file: string): { id: string; redelivered: boolean; attempt: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('') && l.split(' ').length === 4)
    .map((l) => {
      const [id, redelivered, attempt] = l.split(' ');
      return { id: id!, redelivered: redelivered === '1', attempt: Number(attempt) };
    });
}

/** Every expected id once at least, and every second sighting of an id flagged as a redelivery. */
function verdict(file: string, prefix: string): { unique: number; lost: number; unmarkedDuplicates: number; redeliveries: number } {
  const seen = new Set<string>();
  let unmarkedDuplicates = 0;
  let redeliveries = 0;
  for (const l of logLines(file)) {
    if (l.redelivered) redeliveries++;
    if (seen.has(l.id) && !l.redelivered) unmarkedDuplicates++;
    seen.add(l.id);
  }
  let lost = 0;
  for (let i = 0; i < COUNT; i++) if (!seen.has(`${prefix}:${i}`)) lost++;
  return { unique: seen.size, lost, unmarkedDuplicates, redeliveries };
}

const track = (c: Child): Child => (children.push(c), c);
const pyConsumer = (group: string, log: string) => track(spawnProgram('python3', [join(ROOT, 'test/python/children/consumer.py'), tmp.db, group, log, '1000'], PY_ENV));
const tsConsumer = (group: string, log: string) => track(spawnTs(join(CHILDREN, 'node.ts'), { role: 'consumer', db: tmp.db, group, logFile: log, leaseMs: 1000, batchSize: 500 }));

describe.skipIf(!havePython)(`the generated Python package and TypeScript on one queue${PYTHON_SKIP}`, () => {
  it('test_queue.py (unittest): emitters, groups, fenced leases, retries with backoff and the dead letter table from Python', async () => {
    const r = await run('python3', ['-m', 'unittest', '-q', 'test_queue'], { cwd: join(ROOT, 'test/python'), env: { ...process.env, ...PY_ENV }, timeoutMs: 60_000 });
    expect(r.stderr).toMatch(/Ran 15 tests[\s\S]*\nOK\s*$/);
    expect(r.code).toBe(0);
  });

  it('Python emitters → TypeScript router handlers: 10,000 events, a consumer SIGKILLed and restarted, 0 lost, duplicates only as marked redeliveries', async () => {
    const log = join(tmp.dir, 'ts.log');
    const consumers = [tsConsumer('ts', log), tsConsumer('ts', log)];
    await Promise.all(consumers.map((c) => c.waitFor((l) => 'ready' in l, 30_000)));
    const producer = track(spawnProgram('python3', [join(ROOT, 'test/python/children/producer.py'), tmp.db, String(COUNT), 'py'], PY_ENV));
    await waitUntil(() => logLines(log).length >= 1500, 30_000, 'the first events at the TypeScript consumers');
    consumers[0]!.proc.kill('SIGKILL');
    await consumers[0]!.exited;
    const restarted = tsConsumer('ts', log);
    await restarted.waitFor((l) => 'ready' in l, 30_000);
    expect(await producer.exited).toBe(0);
    await waitUntil(() => verdict(log, 'py').lost === 0, 40_000, 'all 10,000 Python events at the TypeScript handlers');
    const v = verdict(log, 'py');
    expect(v).toMatchObject({ unique: COUNT, lost: 0, unmarkedDuplicates: 0 });
  }, 90_000);

  it('TypeScript emitters → Python consumer groups: 10,000 events to each of two groups, a member SIGKILLed and restarted, 0 lost, duplicates only as marked redeliveries', async () => {
    const logA = join(tmp.dir, 'a.log');
    const logB = join(tmp.dir, 'b.log');
    // The queue file exists before the consumers race to lay it out.
    expect((await run('python3', ['-c', `import ringrift_events as r; r.EventQueue(${JSON.stringify(tmp.db)}).close()`], { env: { ...process.env, ...PY_ENV } })).code).toBe(0);
    const a = [pyConsumer('py-a', logA), pyConsumer('py-a', logA)];
    const b = pyConsumer('py-b', logB);
    await Promise.all([...a, b].map((c) => c.waitFor((l) => 'ready' in l, 20_000)));
    const producer = track(spawnTs(join(CHILDREN, 'node.ts'), { role: 'producer', db: tmp.db, producer: 'ts', count: COUNT, window: 100 }));
    await waitUntil(() => logLines(logA).length >= 1500, 30_000, 'the first events at group py-a');
    a[0]!.proc.kill('SIGKILL');
    await a[0]!.exited;
    pyConsumer('py-a', logA);
    expect(await producer.exited).toBe(0);
    await waitUntil(() => verdict(logA, 'ts').lost === 0 && verdict(logB, 'ts').lost === 0, 40_000, 'all 10,000 TypeScript events in both Python groups');
    expect(verdict(logA, 'ts')).toMatchObject({ unique: COUNT, lost: 0, unmarkedDuplicates: 0 });
    expect(verdict(logB, 'ts')).toMatchObject({ unique: COUNT, lost: 0, unmarkedDuplicates: 0, redeliveries: 0 });
  }, 90_000);
});
