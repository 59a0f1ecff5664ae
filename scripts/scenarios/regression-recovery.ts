/**
 * Scenario 2 of EVENT_FLOW_INTEGRATION.md, "Regression Recovery": a critical
 * regression pauses training and triggers a rollback; training resumes after
 * a cool-down.
 */
import { DataEventType, emitRegressionCritical } from '../../generated/index.js';
import { RegressionResponder, TrainingCoordinator } from './coordinators.js';
import type { Scenario } from './scenario.js';

export async function regressionRecovery(s: Scenario): Promise<void> {
  const training = new TrainingCoordinator({ rollbackMs: 50, resumeAfterRollbackMs: 300 });
  const handlers = [training, new RegressionResponder(100)];
  await s.start(handlers);

  s.step('1. Emit a critical regression of hex8_2p: elo dropped by 150');
  await emitRegressionCritical({ config_key: 'hex8_2p', elo_drop: 150 }, { source: 'RegressionDetector' });

  s.step('2. Verify training paused');
  s.check(training.isPaused(), 'TrainingCoordinator is paused');

  s.step('3. Wait for the rollback');
  const rolledBack = await s.waitFor(DataEventType.PROMOTION_ROLLED_BACK);
  s.check(rolledBack.data.rollback_to !== undefined, `rolled back to ${String(rolledBack.data.rollback_to)}`);
  s.check(training.isPaused(), 'still paused right after the rollback (cool-down)');

  s.step('4. Verify training resumes');
  await s.until(() => !training.isPaused(), 'training resumed');
  s.check(!training.isPaused(), `TrainingCoordinator resumed: ${training.log.join(' → ')}`);
  s.finish(handlers);
  for (const h of handlers) await h.stop();
}
