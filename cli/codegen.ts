/** `codegen` and `validate`: the commands that read the catalog. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildCatalog } from '../generator/catalog/build.js';
import { formatProblem, type Problem } from '../generator/catalog/source.js';
import { generate } from '../generator/index.js';
import { compareWithDisk, displayPath, OutputError, readCatalog, writeGenerated } from '../generator/io.js';

/**
 * Exit codes: 0 done, 1 drift found by --check, 2 invalid catalog or usage,
 * 3 the output could not be read or written (full disk, no permission, a file
 * where a directory should be): nothing was changed, every old file is intact,
 * 4 internal error (a bug of the generator: please report it with the catalog).
 */
export const EXIT = { ok: 0, drift: 1, invalid: 2, output: 3, internal: 4 } as const;


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
      process.exitCode = guarded(() => validate(opts));
    });
}

export function validate(opts: { catalog: string }): number {
  const sources = readSources(opts.catalog);
  if (typeof sources === 'number') return sources;
  const built = buildCatalog(sources);
  if (!built.ok) return reportProblems(built.problems);
  console.log(`${displayPath(opts.catalog)}: ${built.model.events.length} events in ${built.model.categories.length} categories, ${built.model.emitters.length} named emitters: valid`);
  return EXIT.ok;
}

export function codegen(opts: { catalog: string; out: string; check?: boolean; runtimeImport?: string }): number {
  return guarded(() => codegenUnguarded(opts));
}

function codegenUnguarded(opts: { catalog: string; out: string; check?: boolean; runtimeImport?: string }): number {
  const sources = readSources(opts.catalog);
  if (typeof sources === 'number') return sources;
  const outDir = resolve(opts.out);
  const result = generate(sources, opts.runtimeImport === undefined ? {} : { runtimeImport: opts.runtimeImport });
  if (!result.ok) return reportProblems(result.problems);
  const shown = displayPath(outDir);
  if (opts.check) {
    let drift;
    try {
      drift = compareWithDisk(outDir, result.files);
    } catch (e) {
      if (e instanceof OutputError) return reportOutputError(e, false);
      throw e;
    }
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
  let outcome;
  try {
    outcome = writeGenerated(outDir, result.files);
  } catch (e) {
    if (e instanceof OutputError) return reportOutputError(e, true);
    throw e;
  }
  const { written, removed } = outcome;
  console.log(
    `${shown}: ${result.model.events.length} events, ${result.files.length} files; ${written.length} written, ${removed.length} removed, ${result.files.length - written.length} unchanged`,
  );
  return EXIT.ok;
}

/** The catalog's sources, or the exit code after reporting why they cannot be read. */
function readSources(dir: string): ReturnType<typeof readCatalog>['sources'] | number {
  const { sources, problems, error } = readCatalog(dir);
  if (error !== undefined) {
    console.error(error);
    return EXIT.invalid;
  }
  if (problems.length > 0) return reportProblems(problems);
  return sources;
}

function reportOutputError(e: OutputError, writing: boolean): number {
  const path = displayPath(e.path);
  console.error(writing ? `cannot write ${path}: ${e.reason}; nothing was changed` : `cannot ${e.op} ${path}: ${e.reason}`);
  return EXIT.output;
}

/** A crash of the generator on some catalog is a bug: one line that says so (the stack with RINGRIFT_EVENTS_DEBUG=1), never a raw trace. */
function guarded(run: () => number): number {
  try {
    return run();
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    console.error(`ringrift-events: internal error: ${message}`);
    if (process.env['RINGRIFT_EVENTS_DEBUG']) console.error(e instanceof Error ? e.stack : e);
    else console.error('this is a bug of ringrift-events, not of the catalog; rerun with RINGRIFT_EVENTS_DEBUG=1 for details and report it with the catalog');
    return EXIT.internal;
  }
}

function reportProblems(problems: readonly Problem[]): number {
  for (const p of problems) console.error(formatProblem(p));
  console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`);
  return EXIT.invalid;
}
