import { describe, expect, it } from 'vitest';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createRouter } from '../../runtime/router.js';
import { silentLogger } from '../../runtime/logger.js';
import { testRegistry } from './helpers.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

describe('memory stays bounded', () => {
  it('after a million events, history and dedup caches sit at their caps and the heap does not grow', async () => {
    const router = createRouter({
      registry: testRegistry(),
      logger: silentLogger,
      trace: false,
      historySize: 1000,
      dedupMaxEntries: 10_000,
      idMaxEntries: 10_000,
    });
    let handled = 0;
    router.subscribe('SELFPLAY_COMPLETE', () => void handled++);
    const sources = ['SelfplayRunner', 'GpuSelfplay', 'CanonicalSelfplay'];
    const publish = async (from: number, to: number): Promise<void> => {
      for (let i = from; i < to; i++) {
        // Every payload differs (so every event is hashed and kept in the dedup cache); ids too.
        await router.publish('selfplay_complete', { config_key: 'hex8_2p', games_generated: i }, { source: sources[i % 3]!, id: `e${i}` });
      }
    };
    await publish(0, 100_000); // warm-up: caches full, code optimized
    const before = heapMb();
    await publish(100_000, 1_000_000);
    const after = heapMb();

    expect(handled).toBe(1_000_000);
    const stats = router.getStats();
    expect(stats.eventsRouted).toBe(1_000_000);
    expect(stats.historySize).toBe(1000);
    expect(router.getHistory()).toHaveLength(1000);
    expect(stats.dedupCacheSize).toBe(10_000);
    expect(stats.idCacheSize).toBe(10_000);
    expect(stats.latencyMs.count).toBeLessThanOrEqual(4096);
    expect(after - before).toBeLessThan(16);
    await router.close();
  }, 60_000);
});
