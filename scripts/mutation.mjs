#!/usr/bin/env node
// `npm run mutation [scope...]`: one Stryker run per scope (scripts/mutation-scopes.mjs), at a low
// priority; with no scope, every scope in turn. Prints each scope's score.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCOPES } from './mutation-scopes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asked = process.argv.slice(2);
const unknown = asked.filter((s) => !(s in SCOPES));
if (unknown.length > 0) {
  console.error(`unknown scope ${unknown.join(', ')}; the scopes are ${Object.keys(SCOPES).join(', ')}`);
  process.exit(2);
}
const scores = [];
for (const name of asked.length > 0 ? asked : Object.keys(SCOPES)) {
  const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const r = spawnSync('nice', ['-n', '10', process.execPath, stryker, 'run', 'stryker.config.mjs'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_SCOPE: name },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const report = JSON.parse(readFileSync(join(root, 'reports', 'mutation', `${name}.json`), 'utf8'));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const count = (s) => mutants.filter((m) => s.includes(m.status)).length;
    const killed = count(['Killed', 'Timeout']);
    const survived = count(['Survived', 'NoCoverage']);
    scores.push(`${file}: ${((100 * killed) / Math.max(1, killed + survived)).toFixed(1)} % (${killed} killed, ${survived} survived)`);
  }
}
console.log(`\nmutation scores\n${scores.join('\n')}`);
