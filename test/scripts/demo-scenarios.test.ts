/**
 * `npm run demo -- <n>`: the three integration scenarios of
 * EVENT_FLOW_INTEGRATION.md run as the examples they are, each in its own
 * process, checked on what they print and count.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function demo(n: number): Promise<{ status: number | null; lines: string[]; stderr: string }> {
  const r = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', String(n)], { cwd: ROOT, timeoutMs: 50_000 });
  return { status: r.code, lines: r.stdout.split('\n'), stderr: r.stderr };
}

/** The event types printed as delivered, in order. */
const events = (lines: readonly string[]): string[] => lines.flatMap((l) => /^\s+\d+ ms {2}([A-Z0-9_]+)\s/.exec(l)?.[1] ?? []);
const failedChecks = (lines: readonly string[]): string[] => lines.filter((l) => l.startsWith('  ✗'));

describe('npm run demo -- <n>: the integration scenarios as examples', () => {
  it('1, the full training cycle: two identical-looking selfplay batches are both counted, and the model is promoted', async () => {
    const { status, lines, stderr } = await demo(1);
    expect(failedChecks(lines), stderr).toEqual([]);
    expect(status).toBe(0);
    expect(lines[0]).toBe('Scenario 1: Full Training Cycle (EVENT_FLOW_INTEGRATION.md)');
    const flow = events(lines);
    expect(flow.filter((t) => t === 'SELFPLAY_COMPLETE')).toHaveLength(2);
    expect(flow.filter((t) => t === 'NEW_GAMES_AVAILABLE')).toHaveLength(2);
    expect(flow.filter((t) => t === 'TRAINING_THRESHOLD_REACHED')).toHaveLength(1);
    expect(flow.indexOf('TRAINING_STARTED')).toBeLessThan(flow.indexOf('TRAINING_COMPLETED'));
    expect(flow.indexOf('EVALUATION_COMPLETED')).toBeLessThan(flow.indexOf('MODEL_PROMOTED'));
    expect(lines).toContain('  ✓ both batches counted: 1200 games of hex8_2p');
    expect(lines).toContain('  ✓ promoted with elo_delta 45 > 0');
    expect(lines).toContain('  ✓ no event dropped as a duplicate (0)');
    expect(lines.at(-2)).toBe('10 events published; all checks passed');
  });

  it('2, regression recovery: paused, rolled back, resumed', async () => {
    const { status, lines, stderr } = await demo(2);
    expect(failedChecks(lines), stderr).toEqual([]);
    expect(status).toBe(0);
    expect(events(lines)).toEqual(['REGRESSION_CRITICAL', 'TRAINING_ROLLBACK_NEEDED', 'PROMOTION_ROLLED_BACK']);
    expect(lines).toContain('  ✓ TrainingCoordinator resumed: paused:regression:hex8_2p → rollback → resumed:regression:hex8_2p');
    expect(lines.at(-2)).toBe('3 events published; all checks passed');
  });

  it('3, cluster health degradation: three HOST_OFFLINE all delivered, unhealthy, paused; back online, healthy, resumed', async () => {
    const { status, lines, stderr } = await demo(3);
    expect(failedChecks(lines), stderr).toEqual([]);
    expect(status).toBe(0);
    const flow = events(lines);
    expect(flow.filter((t) => t === 'HOST_OFFLINE')).toHaveLength(3);
    expect(flow.filter((t) => t === 'HOST_ONLINE')).toHaveLength(3);
    expect(flow.indexOf('P2P_CLUSTER_UNHEALTHY')).toBeLessThan(flow.indexOf('HOST_ONLINE'));
    expect(lines).toContain('  ✓ TrainingCoordinator resumed: paused:cluster → resumed:cluster');
    expect(lines.at(-2)).toBe('8 events published; all checks passed');
  });

  it('an unknown scenario number is refused, naming the ones there are', async () => {
    const { status, stderr } = await demo(4);
    expect(status).not.toBe(0);
    expect(stderr).toContain('no scenario 4: there are 3 (1 Full Training Cycle, 2 Regression Recovery, 3 Cluster Health Degradation)');
  });
});
