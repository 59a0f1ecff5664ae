/**
 * The process-wide router. The generated `getRouter()` (typed, bound to its
 * catalog) calls `processRouter({ registry: REGISTRY })` on every emit; the first call creates
 * the router, later calls with the same registry return it. An application
 * that wants other options (lenient mode, a SQLite DLQ, transports) calls
 * the generated `getRouter(options)` (or `processRouter({ registry, ...options })`)
 * once at startup, before any emit. The messages name `getRouter()`, the
 * function users call.
 */
import { UsageError } from './errors.js';
import { createRouter, type Router, type RouterOptions } from './router.js';

let current: Router | undefined;

/** The process-wide router: created by the first call (which passes the registry), returned by the later ones. */
export function processRouter(options?: RouterOptions): Router {
  if (current === undefined || current.isClosed) {
    if (options === undefined) throw new UsageError('getRouter(): no router yet; the first call must pass { registry }');
    current = createRouter(options);
    return current;
  }
  if (options !== undefined) {
    if (options.registry !== current.registry) {
      throw new UsageError('getRouter(): the process-wide router was created with another registry (call resetRouter() first)');
    }
    const extra = Object.entries(options)
      .filter(([k, v]) => k !== 'registry' && v !== undefined)
      .map(([k]) => k);
    if (extra.length > 0) {
      // Silently ignoring these would leave the caller believing they apply.
      throw new UsageError(`getRouter(): the router already exists; options ${extra.join(', ')} must be given on the first call`);
    }
  }
  return current;
}

/**
 * @deprecated The runtime's untyped `getRouter` is `processRouter`; the
 * `getRouter` users call is the generated one, typed and bound to its catalog.
 */
export const getRouter = processRouter;

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
