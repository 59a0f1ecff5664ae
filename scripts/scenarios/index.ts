/**
 * The integration scenarios of EVENT_FLOW_INTEGRATION.md as examples, each
 * in one process on the process-wide router: `npm run demo -- 1` (full
 * training cycle), `-- 2` (regression recovery), `-- 3` (cluster health).
 */
import { resetRouter } from '../../runtime/index.js';
import { clusterHealth } from './cluster-health.js';
import { regressionRecovery } from './regression-recovery.js';
import { Scenario, type Print } from './scenario.js';
import { trainingCycle } from './training-cycle.js';

export const SCENARIOS = [
  { title: 'Full Training Cycle', run: trainingCycle },
  { title: 'Regression Recovery', run: regressionRecovery },
  { title: 'Cluster Health Degradation', run: clusterHealth },
] as const;

/** Runs scenario `n` (1-based), printing as it goes; resolves with the number of failed checks. */
export async function runScenario(n: number, print: Print = (line) => console.log(line)): Promise<number> {
  const scenario = SCENARIOS[n - 1];
  if (scenario === undefined) throw new RangeError(`no scenario ${n}: there are ${SCENARIOS.length} (${SCENARIOS.map((x, i) => `${i + 1} ${x.title}`).join(', ')})`);
  print(`Scenario ${n}: ${scenario.title} (EVENT_FLOW_INTEGRATION.md)\n`);
  const s = new Scenario(print);
  try {
    await scenario.run(s);
  } catch (error) {
    s.check(false, error instanceof Error ? error.message : String(error));
  } finally {
    await resetRouter();
  }
  return s.failures.length;
}
