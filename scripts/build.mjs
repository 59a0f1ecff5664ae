#!/usr/bin/env node
// `npm run build [-- outDir]`: compiles generator/, runtime/, generated/ and cli/ to
// JavaScript with declarations (dist/ by default). Plain tsc: the generated
// validators are TypeScript too, so there is nothing to copy.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
rmSync(outDir, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
console.log(`built ${outDir}`);
