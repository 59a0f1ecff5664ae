/**
 * Codegen cost: the full catalog and a synthetic catalog ten times its size,
 * each against the time merely to load the generator's dependencies, measured
 * in the same fresh processes. Targets: full < 2× load; 10× events < 10× the
 * full catalog's generation time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;

export default async function run(): Promise<void> {
  const big = mkdtempSync(join(tmpdir(), 'rr-bench-catalog-'));
  try {
    writeTenfoldCatalog(join(ROOT, 'catalog'), big);
    // Each catalog in its own fresh processes, so both pay the same cold start.
    const measure = (dir: string) =>
      Array.from({ length: RUNS }, () => {
        const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/codegen-child.ts'), dir], { cwd: ROOT, encoding: 'utf8' });
        return JSON.parse(out.trim().split('\n').at(-1)!) as { load: number; generateMs: number; events: number };
      });
    const fullRuns = measure(join(ROOT, 'catalog'));
    const bigRuns = measure(big);
    const load = median([...fullRuns, ...bigRuns].map((s) => s.load));
    const full = median(fullRuns.map((s) => s.generateMs));
    const tenfold = median(bigRuns.map((s) => s.generateMs));
    console.log(`median of ${RUNS} fresh processes per catalog`);
    console.table([
      { step: 'load generator dependencies (baseline)', ms: round(load), ratio: '1.00× load' },
      { step: `generate full catalog (${fullRuns[0]!.events} events)`, ms: round(full), ratio: `${(full / load).toFixed(2)}× load (target < 2×)` },
      { step: `generate 10× catalog (${bigRuns[0]!.events} events)`, ms: round(tenfold), ratio: `${(tenfold / full).toFixed(2)}× full (target < 10×)` },
    ]);
  } finally {
    rmSync(big, { recursive: true, force: true });
  }
}

/** Ten renamed copies of every category file; the other files as they are. */
function writeTenfoldCatalog(from: string, to: string): void {
  for (const file of readdirSync(from).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(join(from, file), 'utf8');
    const doc = parse(text) as { category?: { name: string }; events?: Record<string, Record<string, unknown>> };
    if (!doc.events || !doc.category) {
      writeFileSync(join(to, file), text);
      continue;
    }
    for (let copy = 0; copy < 10; copy++) {
      const suffix = copy === 0 ? '' : `_x${copy}`;
      const up = suffix.toUpperCase();
      const events: Record<string, unknown> = {};
      for (const [name, e] of Object.entries(doc.events)) {
        events[`${name}${up}`] = {
          ...e,
          value: `${e.value as string}${suffix}`,
          topic: `${e.topic as string}${suffix}`,
          ...(e.stage ? { stage: `${e.stage as string}${suffix}` } : {}),
          ...(e.cross_process ? { cross_process: `${e.cross_process as string}${up}` } : {}),
          ...(e.spellings ? { spellings: (e.spellings as string[]).map((s) => `${s}${up}`) } : {}),
          ...(e.extends ? { extends: `${e.extends as string}${up}` } : {}),
        };
      }
      writeFileSync(join(to, `${copy}-${file}`), stringify({ category: { ...doc.category, name: `${doc.category.name}${suffix}` }, events }));
    }
  }
}


function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
