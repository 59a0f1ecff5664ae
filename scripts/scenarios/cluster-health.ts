/**
 * Scenario 3 of EVENT_FLOW_INTEGRATION.md, "Cluster Health Degradation":
 * three of five hosts go offline, the cluster is unhealthy and training
 * pauses; they come back, the cluster is healthy and training resumes.
 */
import { DataEventType, emitHostOffline, emitHostOnline } from '../../generated/index.js';
import { ClusterHealthMonitor, TrainingCoordinator } from './coordinators.js';
import type { Scenario } from './scenario.js';

const NODES = ['node-0', 'node-1', 'node-2', 'node-3', 'node-4'];

export async function clusterHealth(s: Scenario): Promise<void> {
  const training = new TrainingCoordinator();
  const handlers = [training, new ClusterHealthMonitor(NODES)];
  await s.start(handlers);

  s.step(`1. Emit host offline events: node-0, node-1, node-2 of ${NODES.length} nodes`);
  let delivered = 0;
  for (let i = 0; i < 3; i++) delivered += (await emitHostOffline({ node_id: `node-${i}` }, { source: 'P2POrchestrator' })).delivered > 0 ? 1 : 0;
  s.check(delivered === 3, `all ${delivered} HOST_OFFLINE events delivered`);

  s.step('2. Wait for cluster unhealthy');
  const unhealthy = await s.waitFor(DataEventType.P2P_CLUSTER_UNHEALTHY);
  s.check(unhealthy.data.alive_peers === 2, `unhealthy: ${String(unhealthy.data.alive_peers)} of ${String(unhealthy.data.total_peers)} peers alive`);

  s.step('3. Verify training paused');
  s.check(training.isPaused(), 'TrainingCoordinator is paused');

  s.step('4. Emit hosts back online');
  for (let i = 0; i < 3; i++) await emitHostOnline({ node_id: `node-${i}` }, { source: 'P2POrchestrator' });

  s.step('5. Wait for cluster healthy');
  const healthy = await s.waitFor(DataEventType.P2P_CLUSTER_HEALTHY);
  s.check(healthy.data.quorum === true, `healthy again: ${String(healthy.data.alive_peers)} of ${String(healthy.data.total_peers)} peers, quorum`);

  s.step('6. Verify training resumed');
  s.check(!training.isPaused(), `TrainingCoordinator resumed: ${training.log.join(' → ')}`);
  s.finish(handlers);
  for (const h of handlers) await h.stop();
}
