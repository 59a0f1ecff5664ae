import { afterEach, describe, expect, it } from 'vitest';
import { getRouter, peekRouter, resetRouter } from '../../runtime/default-router.js';
import { testRegistry } from './helpers.js';

describe('getRouter', () => {
  afterEach(async () => {
    await resetRouter();
  });

  it('creates the process-wide router on first call and returns it for the same registry', () => {
    const registry = testRegistry();
    const a = getRouter({ registry, trace: false });
    expect(getRouter({ registry })).toBe(a);
    expect(getRouter()).toBe(a);
    expect(peekRouter()).toBe(a);
  });

  it('refuses another registry, and options that would be silently ignored', () => {
    const registry = testRegistry();
    getRouter({ registry });
    expect(() => getRouter({ registry: testRegistry() })).toThrow(/another registry/);
    expect(() => getRouter({ registry, mode: 'lenient' })).toThrow(/mode must be given on the first call/);
  });

  it('needs a registry on the first call', () => {
    expect(() => getRouter()).toThrow(/registry/);
  });

  it('resetRouter closes the router and forgets it', async () => {
    const registry = testRegistry();
    const a = getRouter({ registry });
    await resetRouter();
    expect(a.isClosed).toBe(true);
    await expect(a.publish('HOST_OFFLINE', { node_id: 'n' })).rejects.toThrow(/closed/);
    expect(getRouter({ registry })).not.toBe(a);
  });
});
