/**
 * The process-wide router. The generated emitters call
 * `getRouter({ registry: REGISTRY })` on every emit; the first call creates
 * the router, later calls with the same registry return it. An application
 * that wants other options (lenient mode, a SQLite DLQ, transports) calls
 * `getRouter({ registry, ...options })` once at startup, before any emit.
 */
import { createRouter, type Router, type RouterOptions } from './router.js';

let current: Router | undefined;

export function getRouter(options?: RouterOptions): Router {
  if (current === undefined || current.isClosed) {
    if (options === undefined) throw new Error('getRouter(): no router yet; the first call must pass { registry }');
    current = createRouter(options);
    return current;
  }
  if (options !== undefined) {
    if (options.registry !== current.registry) {
      throw new Error('getRouter(): the process-wide router was created with another registry (call resetRouter() first)');
    }
    const extra = Object.entries(options)
      .filter(([k, v]) => k !== 'registry' && v !== undefined)
      .map(([k]) => k);
    if (extra.length > 0) {
      // Silently ignoring these would leave the caller believing they apply.
      throw new Error(`getRouter(): the router already exists; options ${extra.join(', ')} must be given on the first call`);
    }
  }
  return current;
}

/** Forgets the process-wide router after closing it (tests). */
export async function resetRouter(): Promise<void> {
  const router = current;
  current = undefined;
  if (router) await router.close();
}

/** The process-wide router if one exists. */
export function peekRouter(): Router | undefined {
  return current;
}
