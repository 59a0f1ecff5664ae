#!/usr/bin/env node
/** `ringrift-events`: the command line. Each command group lives in its own module. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerCatalogCommands } from './codegen.js';

/** The version in this package's package.json, read at run time (cli/ in a checkout, dist/cli/ when installed). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ringrift-events' && typeof pkg.version === 'string') return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

const program = new Command('ringrift-events')
  .description('Typed events from a YAML event catalog: catalog → TypeScript, JSON Schema and AsyncAPI, and the tools around the event queue (SQLite, NATS)')
  .version(packageVersion(), '-V, --version', 'print the version of ringrift-events')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors exit 2, like an invalid catalog: "you asked for something wrong".
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerCatalogCommands(program);
(await import('./breaking.js')).registerBreakingCommand(program); // breaking --against BASELINE (catalog evolution)
(await import('./queue.js')).registerQueueCommands(program); // tail, stats, dlq list|replay (SQLite queue)

await program.parseAsync(process.argv);
