/**
 * `npm run demo`: the full training cycle across six processes over one
 * SQLite file (scripts/demo-cycle.ts; `-- --db PATH`, `-- --keep`).
 * `npm run demo -- 1|2|3`: the three integration scenarios of
 * EVENT_FLOW_INTEGRATION.md in one process (scripts/scenarios/).
 */
const scenario = process.argv.slice(2).find((a) => /^\d+$/.test(a));
if (scenario === undefined) {
  await import('./demo-cycle.js');
} else {
  const { runScenario } = await import('./scenarios/index.js');
  process.exitCode = (await runScenario(Number(scenario))) === 0 ? 0 : 1;
}
