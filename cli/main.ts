#!/usr/bin/env node
/** `ringrift-events`: the command line. Each command group lives in its own module. */
import { Command } from 'commander';
import { registerCatalogCommands } from './codegen.js';

const program = new Command('ringrift-events')
  .description('Typed events for the RingRift training cluster: catalog → TypeScript, and the tools around the event queue')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors exit 2, like an invalid catalog: "you asked for something wrong".
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerCatalogCommands(program);
(await import('./breaking.js')).registerBreakingCommand(program); // breaking --against BASELINE (catalog evolution)
(await import('./queue.js')).registerQueueCommands(program); // tail, stats, dlq list|replay (SQLite queue)

await program.parseAsync(process.argv);
