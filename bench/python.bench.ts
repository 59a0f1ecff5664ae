/**
 * `npm run bench python`: the generated Python package (python/ringrift_events)
 * against the same work done with raw `sqlite3` in the same Python run
 * (bench/python_bench.py): sending one event per transaction (the package
 * builds the envelope, validates the payload against the catalog, makes a
 * UUIDv7), and claiming and acknowledging in batches of 100 (the package also
 * parses and validates every event and renews leases from a thread).
 * Target: ≥ 0.7× raw. Medians of interleaved rounds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export default function pythonBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rr-pybench-'));
  try {
    const r = spawnSync('python3', [join(ROOT, 'bench/python_bench.py'), dir, '5000', '5'], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: join(ROOT, 'python'), PYTHONDONTWRITEBYTECODE: '1' },
    });
    if (r.status !== 0) throw new Error(`python_bench.py exited ${r.status}: ${r.stderr}`);
    const m = JSON.parse(r.stdout) as Record<'send_package' | 'send_raw' | 'drain_package' | 'drain_raw' | 'drain_raw_validated', number> & { events: number; rounds: number; python: string };
    const row = (label: string, v: number, base?: number) => `  ${label.padEnd(58)}${Math.round(v).toString().padStart(10)}${base === undefined ? '' : `${(v / base).toFixed(2).padStart(13)}×`}`;
    console.log(`${''.padEnd(60)}events/s    package ÷ raw`);
    console.log(`send, 1 event per transaction (Python ${m.python}, ${m.events} events × ${m.rounds} rounds)`);
    console.log(row('generated emit_work_queued(...)', m.send_package, m.send_raw));
    console.log(row('raw sqlite3: envelope + json.dumps + INSERT', m.send_raw));
    console.log('claim and acknowledge, batches of 100');
    console.log(row('generated Consumer (parse, validate, lease renewal)', m.drain_package, m.drain_raw));
    console.log(row('raw sqlite3: claim SQL + ranged DELETE + json.loads', m.drain_raw));
    console.log(row("the same raw loop + the package's validate_payload", m.drain_raw_validated, m.drain_raw));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Promise.resolve();
}
