#!/usr/bin/env node
// `npm run build [-- outDir]`: compiles generator/, runtime/, generated/ and cli/ to
// JavaScript with declarations (dist/ by default), then copies the CommonJS
// validators and their declarations, which tsc does not emit for us.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
rmSync(outDir, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
for (const dir of ['generated']) {
  for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.cjs') || f.endsWith('.d.cts'))) {
    mkdirSync(join(outDir, dir), { recursive: true });
    copyFileSync(join(root, dir, file), join(outDir, dir, file));
  }
}
console.log(`built ${outDir}`);
