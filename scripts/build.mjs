#!/usr/bin/env node
// `npm run build [-- outDir]`: compiles generator/, runtime/, generated/ and cli/ to
// JavaScript with declarations (dist/ by default). Plain tsc: the generated
// validators are TypeScript too, so there is nothing to copy. The source maps
// carry their sources (inlineSources), so the package needs no .ts files; the
// generated code has none (its declarations are its documentation), so the
// package holds the generated catalog once.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');
rmSync(outDir, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
for (const entry of readdirSync(join(outDir, 'generated'), { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath ?? entry.path, entry.name);
  if (entry.isFile() && file.endsWith('.js.map')) rmSync(file);
  else if (entry.isFile() && file.endsWith('.js')) writeFileSync(file, readFileSync(file, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\.js\.map\s*$/, '\n'));
}
console.log(`built ${outDir}`);
