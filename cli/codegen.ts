/** `codegen` and `validate`: the commands that read the catalog. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildCatalog } from '../generator/catalog/build.js';
import { formatProblem, type Problem, type SourceFile } from '../generator/catalog/source.js';
import { generate, type Target } from '../generator/index.js';
import { compareWithDisk, displayPath, OutputError, readCatalog, writeGenerated } from '../generator/io.js';
import { CONFIG_FILE, loadConfig } from './config.js';

/**
 * Exit codes: 0 done, 1 drift found by --check, 2 invalid catalog or usage,
 * 3 the output could not be read or written (full disk, no permission, a file
 * where a directory should be): nothing was changed, every old file is intact,
 * 4 internal error (a bug of the generator: please report it with the catalog).
 */
export const EXIT = { ok: 0, drift: 1, invalid: 2, output: 3, internal: 4 } as const;


export interface CodegenOptions {
  readonly catalog: string;
  readonly out: string;
  readonly check?: boolean;
  readonly runtimeImport?: string;
  /** `typescript` (default) or `python`. */
  readonly target?: Target;
  /** Also generate (or check) the Python package here, after the TypeScript output (the config's `pythonOut`). */
  readonly pythonOut?: string;
  /** The command that regenerates, as the user would type it (what a drift report tells them to run). Default `ringrift-events codegen`. */
  readonly rerun?: string;
}

/** Where the lines of a run go: the console, or the watcher (which adds the time of day). */
export interface Report {
  info(line: string): void;
  error(line: string): void;
}

const CONSOLE: Report = { info: (l) => console.log(l), error: (l) => console.error(l) };

interface CatalogFlags {
  catalog?: string;
  out?: string;
  runtimeImport?: string;
  config?: string;
  target?: string;
}

export function registerCatalogCommands(program: Command): void {
  program
    .command('codegen')
    .description('compile the catalog into typed TypeScript (writes only files that changed)')
    .option('--catalog <dir>', `catalog directory (default: the config's "catalog", else catalog)`)
    .option('--out <dir>', `output directory (default: the config's "out", else generated)`)
    .option('--check', 'write nothing; exit 1 listing stale, missing or orphaned generated files')
    .option('--watch', 'regenerate on every change of the catalog, until interrupted (SIGINT/SIGTERM)')
    .option('--runtime-import <specifier>', 'module the generated code imports the runtime from (overrides the catalog\'s `runtime_import`; default `ringrift-events/runtime`)')
    .option('--config <path>', `config file (default: ${CONFIG_FILE} in the working directory, if present)`)
    .option('--target <language>', 'typescript (default: the TypeScript modules and the documents) or python (a stdlib-only Python package; --out or the config\'s "pythonOut" is its directory)')
    .action(async (flags: CatalogFlags & { check?: boolean; watch?: boolean }) => {
      const opts = settings(flags);
      if (typeof opts === 'number') {
        process.exitCode = opts;
        return;
      }
      if (flags.watch && flags.check) {
        console.error('--watch and --check cannot be combined');
        process.exitCode = EXIT.invalid;
        return;
      }
      if (flags.watch) {
        const { watchCatalog } = await import('./watch.js');
        process.exitCode = await watchCatalog(opts);
        return;
      }
      process.exitCode = codegen({ ...opts, ...(flags.check ? { check: true } : {}) });
    });

  program
    .command('validate')
    .description('check the catalog without generating')
    .option('--catalog <dir>', `catalog directory (default: the config's "catalog", else catalog)`)
    .option('--config <path>', `config file (default: ${CONFIG_FILE} in the working directory, if present)`)
    .action((flags: CatalogFlags) => {
      const opts = settings(flags);
      process.exitCode = typeof opts === 'number' ? opts : guarded(() => validate(opts));
    });
}

/**
 * The settings of a run: a flag, else the config file, else the default. The
 * catalog is returned as it is shown (relative to the working directory when
 * inside it), the output directory absolute. Exit 2 after reporting a bad config.
 */
export function settings(flags: CatalogFlags): CodegenOptions | number {
  const loaded = loadConfig(flags.config);
  if (!loaded.ok) {
    for (const p of loaded.problems) console.error(p);
    console.error(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'} in the config file; nothing was done`);
    return EXIT.invalid;
  }
  const { config } = loaded;
  const catalog = displayPath(resolve(flags.catalog ?? config.catalog ?? 'catalog')) || '.';
  if (flags.target !== undefined && flags.target !== 'typescript' && flags.target !== 'python') {
    console.error(`--target ${JSON.stringify(flags.target)}: the targets are typescript and python`);
    return EXIT.invalid;
  }
  if (flags.target === 'python') {
    const out = flags.out ?? config.pythonOut;
    if (out === undefined) {
      console.error(`--target python needs --out DIR (the package directory), or "pythonOut" in ${CONFIG_FILE}`);
      return EXIT.invalid;
    }
    return { catalog, out: resolve(out), target: 'python', rerun: rerunCommand(flags) };
  }
  const out = resolve(flags.out ?? config.out ?? 'generated');
  const runtimeImport = flags.runtimeImport ?? config.runtimeImport;
  // The config's Python package joins a run whose output comes from the config too.
  const pythonOut = flags.out === undefined && flags.target === undefined ? config.pythonOut : undefined;
  return { catalog, out, ...(runtimeImport === undefined ? {} : { runtimeImport }), ...(pythonOut === undefined ? {} : { pythonOut }), rerun: rerunCommand(flags) };
}

/** `ringrift-events codegen` with the flags of this run (none when the config file or the defaults give everything). */
function rerunCommand(flags: CatalogFlags): string {
  const given: [string, string | undefined][] = [['--config', flags.config], ['--catalog', flags.catalog], ['--target', flags.target], ['--out', flags.out], ['--runtime-import', flags.runtimeImport]];
  const quote = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  return ['ringrift-events codegen', ...given.flatMap(([flag, v]) => (v === undefined ? [] : [`${flag} ${quote(v)}`]))].join(' ');
}

export function validate(opts: { catalog: string }): number {
  const sources = readSources(opts.catalog);
  if (typeof sources === 'number') return sources;
  const built = buildCatalog(sources);
  if (!built.ok) return reportProblems(built.problems);
  console.log(`${displayPath(opts.catalog)}: ${built.model.events.length} events in ${built.model.categories.length} categories, ${built.model.emitters.length} named emitters: valid`);
  return EXIT.ok;
}

export function codegen(opts: CodegenOptions): number {
  return guarded(() => {
    const sources = readSources(opts.catalog);
    return typeof sources === 'number' ? sources : codegenFromSources(opts, sources);
  });
}

/** One generation from sources already read (the watcher reads them itself, to skip a save that changed nothing). */
export function codegenFromSources(opts: CodegenOptions, sources: readonly SourceFile[], report: Report = CONSOLE, suffix: () => string = () => ''): number {
  const first = codegenOne(opts, sources, report, suffix);
  if (opts.pythonOut === undefined || first === EXIT.invalid || first === EXIT.internal) return first;
  const python = codegenOne({ catalog: opts.catalog, out: opts.pythonOut, target: 'python', ...(opts.check ? { check: true } : {}), ...(opts.rerun === undefined ? {} : { rerun: opts.rerun }) }, sources, report, suffix);
  return Math.max(first, python);
}

function codegenOne(opts: CodegenOptions, sources: readonly SourceFile[], report: Report, suffix: () => string): number {
  const outDir = resolve(opts.out);
  const result = generate(sources, { ...(opts.runtimeImport === undefined ? {} : { runtimeImport: opts.runtimeImport }), ...(opts.target ? { target: opts.target } : {}) });
  if (!result.ok) return reportProblems(result.problems, report);
  const shown = displayPath(outDir);
  if (opts.check) {
    let drift;
    try {
      drift = compareWithDisk(outDir, result.files);
    } catch (e) {
      if (e instanceof OutputError) return reportOutputError(e, false, report);
      throw e;
    }
    const lines = [
      ...drift.stale.map((p) => `stale: ${shown}/${p}`),
      ...drift.missing.map((p) => `missing: ${shown}/${p}`),
      ...drift.orphaned.map((p) => `orphaned: ${shown}/${p}`),
    ];
    if (lines.length === 0) {
      report.info(`${shown}: up to date with ${displayPath(opts.catalog)} (${result.files.length} files)`);
      return EXIT.ok;
    }
    for (const line of lines) report.error(line);
    report.error(`${shown} has drifted from ${displayPath(opts.catalog)}: run \`${opts.rerun ?? 'ringrift-events codegen'}\``);
    return EXIT.drift;
  }
  let outcome;
  try {
    outcome = writeGenerated(outDir, result.files);
  } catch (e) {
    if (e instanceof OutputError) return reportOutputError(e, true, report);
    throw e;
  }
  const { written, removed } = outcome;
  report.info(
    `${shown}: ${result.model.events.length} events, ${result.files.length} files; ${written.length} written, ${removed.length} removed, ${result.files.length - written.length} unchanged${suffix()}`,
  );
  return EXIT.ok;
}

/** The catalog's sources, or the exit code after reporting why they cannot be read. */
export function readSources(dir: string, report: Report = CONSOLE): SourceFile[] | number {
  const { sources, problems, error } = readCatalog(dir);
  if (error !== undefined) {
    report.error(error);
    return EXIT.invalid;
  }
  if (problems.length > 0) return reportProblems(problems, report);
  return sources;
}

function reportOutputError(e: OutputError, writing: boolean, report: Report): number {
  const path = displayPath(e.path);
  report.error(writing ? `cannot write ${path}: ${e.reason}; nothing was changed` : `cannot ${e.op} ${path}: ${e.reason}`);
  return EXIT.output;
}

/** A crash of the generator on some catalog is a bug: one line that says so (the stack with RINGRIFT_EVENTS_DEBUG=1), never a raw trace. */
export function guarded(run: () => number, report: Report = CONSOLE): number {
  try {
    return run();
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
    report.error(`ringrift-events: internal error: ${message}`);
    if (process.env['RINGRIFT_EVENTS_DEBUG']) report.error(String(e instanceof Error ? e.stack : e));
    else report.error('this is a bug of ringrift-events, not of the catalog; rerun with RINGRIFT_EVENTS_DEBUG=1 for details and report it with the catalog');
    return EXIT.internal;
  }
}

export function reportProblems(problems: readonly Problem[], report: Report = CONSOLE): number {
  for (const p of problems) report.error(formatProblem(p));
  report.error(`${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`);
  return EXIT.invalid;
}
