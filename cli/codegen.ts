/** `codegen` and `validate`: the commands that read the catalog. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildCatalog } from '../generator/catalog/build.js';
import { formatProblem, type Problem } from '../generator/catalog/source.js';
import { generate } from '../generator/index.js';
import { CatalogDirError, compareWithDisk, displayPath, readCatalogDir, writeGenerated } from '../generator/io.js';

/** Exit codes: 0 done, 1 drift found by --check, 2 invalid catalog or usage. */
export const EXIT = { ok: 0, drift: 1, invalid: 2 } as const;


export function registerCatalogCommands(program: Command): void {
  program
    .command('codegen')
    .description('compile the catalog into typed TypeScript (writes only files that changed)')
    .option('--catalog <dir>', 'catalog directory', 'catalog')
    .option('--out <dir>', 'output directory', 'generated')
    .option('--check', 'write nothing; exit 1 listing stale, missing or orphaned generated files')
    .option('--runtime-import <specifier>', 'module the generated code imports the runtime from (overrides the catalog\'s `runtime_import`; default `ringrift-events/runtime`)')
    .action((opts: { catalog: string; out: string; check?: boolean; runtimeImport?: string }) => {
      process.exitCode = codegen(opts);
    });

  program
    .command('validate')
    .description('check the catalog without generating')
    .option('--catalog <dir>', 'catalog directory', 'catalog')
    .action((opts: { catalog: string }) => {
      const sources = readSources(opts.catalog);
      if (!sources) return void (process.exitCode = EXIT.invalid);
      const built = buildCatalog(sources);
      if (!built.ok) return void (process.exitCode = reportProblems(built.problems));
      console.log(`${displayPath(opts.catalog)}: ${built.model.events.length} events in ${built.model.categories.length} categories, ${built.model.emitters.length} named emitters: valid`);
      process.exitCode = EXIT.ok;
    });
}

export function codegen(opts: { catalog: string; out: string; check?: boolean; runtimeImport?: string }): number {
  const sources = readSources(opts.catalog);
  if (!sources) return EXIT.invalid;
  const outDir = resolve(opts.out);
  const result = generate(sources, opts.runtimeImport === undefined ? {} : { runtimeImport: opts.runtimeImport });
  if (!result.ok) return reportProblems(result.problems);
  const shown = displayPath(outDir);
  if (opts.check) {
    const drift = compareWithDisk(outDir, result.files);
    const lines = [
      ...drift.stale.map((p) => `stale: ${shown}/${p}`),
      ...drift.missing.map((p) => `missing: ${shown}/${p}`),
      ...drift.orphaned.map((p) => `orphaned: ${shown}/${p}`),
    ];
    if (lines.length === 0) {
      console.log(`${shown}: up to date with ${displayPath(opts.catalog)} (${result.files.length} files)`);
      return EXIT.ok;
    }
    for (const line of lines) console.error(line);
    console.error(`${shown} has drifted from ${displayPath(opts.catalog)}: run \`npm run codegen\``);
    return EXIT.drift;
  }
  const { written, removed } = writeGenerated(outDir, result.files);
  console.log(
    `${shown}: ${result.model.events.length} events, ${result.files.length} files; ${written.length} written, ${removed.length} removed, ${result.files.length - written.length} unchanged`,
  );
  return EXIT.ok;
}

function readSources(dir: string) {
  try {
    return readCatalogDir(dir);
  } catch (e) {
    if (e instanceof CatalogDirError) {
      console.error(e.message);
      return undefined;
    }
    throw e;
  }
}

function reportProblems(problems: readonly Problem[]): number {
  for (const p of problems) console.error(formatProblem(p));
  console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`);
  return EXIT.invalid;
}
