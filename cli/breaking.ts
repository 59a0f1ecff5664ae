/** `breaking`: compare the catalog with a baseline (a released contract) and list every breaking change. */
import type { Command } from 'commander';
import { buildCatalog } from '../generator/catalog/build.js';
import { formatProblem, type SourceFile } from '../generator/catalog/source.js';
import { BaselineError, readBaseline } from '../generator/evolution/baseline.js';
import { compareCatalogs, formatFinding } from '../generator/evolution/compare.js';
import { parseModes, RULES } from '../generator/evolution/rules.js';
import { CatalogDirError, displayPath, readCatalogDir } from '../generator/io.js';

/** Exit codes: 0 compatible (or every break accepted), 1 breaking changes, 2 invalid catalog, baseline or usage. */
export const BREAKING_EXIT = { ok: 0, breaking: 1, invalid: 2 } as const;

export function registerBreakingCommand(program: Command): void {
  program
    .command('breaking')
    .description('list the changes of the catalog that break consumers, producers or code written against a baseline')
    .requiredOption('--against <baseline>', 'the released catalog: a directory, or a git revision (`main`, `v1.0.0`, `REV:PATH`)')
    .option('--catalog <dir>', 'catalog directory', 'catalog')
    .option('--mode <modes>', 'compatibility to check: backward, forward, source, full (backward,forward: a cluster upgrades producers and consumers in no set order), or all (full and source), comma-separated', 'all')
    .option('--list-rules', 'print every rule with the modes it breaks, and exit')
    .action((opts: { against: string; catalog: string; mode: string; listRules?: boolean }) => {
      process.exitCode = breaking(opts);
    });
}

export function breaking(opts: { against: string; catalog: string; mode: string; listRules?: boolean }): number {
  if (opts.listRules) {
    for (const r of Object.values(RULES)) console.log(`${r.id} [${r.modes.join(', ')}]: ${r.summary}`);
    return BREAKING_EXIT.ok;
  }
  const modes = parseModes(opts.mode);
  if (typeof modes === 'string') {
    console.error(`--mode: ${modes}`);
    return BREAKING_EXIT.invalid;
  }
  let current: SourceFile[];
  let baseline: { label: string; sources: SourceFile[] };
  try {
    current = readCatalogDir(opts.catalog);
    baseline = readBaseline(opts.against, opts.catalog);
  } catch (e) {
    if (e instanceof CatalogDirError || e instanceof BaselineError) {
      console.error(e.message);
      return BREAKING_EXIT.invalid;
    }
    throw e;
  }
  const old = buildCatalog(baseline.sources);
  const now = buildCatalog(current);
  if (!old.ok || !now.ok) {
    const problems = [...(old.ok ? [] : old.problems), ...(now.ok ? [] : now.problems)];
    for (const p of problems) console.error(formatProblem(p));
    console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${[!old.ok && `the baseline ${baseline.label}`, !now.ok && displayPath(opts.catalog)].filter(Boolean).join(' and ')}; nothing was compared`);
    return BREAKING_EXIT.invalid;
  }
  const findings = compareCatalogs(old.model, now.model, modes);
  const breaks = findings.filter((f) => f.accepted === undefined);
  const accepted = findings.filter((f) => f.accepted !== undefined);
  for (const f of accepted) console.log(formatFinding(f));
  const against = `${displayPath(opts.catalog)} against ${baseline.label} (${modes.join(', ')})`;
  if (breaks.length === 0) {
    console.log(`${against}: no breaking change${accepted.length ? `; ${accepted.length} accepted on purpose` : ''}`);
    return BREAKING_EXIT.ok;
  }
  for (const f of breaks) console.error(formatFinding(f));
  console.error(
    `${against}: ${breaks.length} breaking change${breaks.length === 1 ? '' : 's'}. ` +
      'Undo it, or accept it on purpose: bump the version of the event it changes, or deprecate what you remove for a release first (docs/evolution.md)',
  );
  return BREAKING_EXIT.breaking;
}
