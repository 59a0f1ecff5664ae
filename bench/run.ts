/**
 * `npm run bench [-- name…]`: runs every bench/*.bench.ts (or the named ones)
 * one after another, each printing its own table. Figures are ratios against a
 * baseline measured in the same run, never absolute thresholds.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

for (const file of benches) {
  console.log(`\n## ${file.replace('.bench.ts', '')}\n`);
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { default: () => Promise<void> };
  await mod.default();
}
