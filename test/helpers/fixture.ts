/** The minimal fixture catalog's committed generated code, and a router private to each test. */
import { createRouter, silentLogger, type Router, type RouterOptions } from '../../runtime/index.js';
import { REGISTRY } from '../fixtures/catalogs/minimal/generated/index.js';

export * as minimal from '../fixtures/catalogs/minimal/generated/index.js';

export function fixtureRouter(options: Partial<RouterOptions> = {}): Router {
  return createRouter({ registry: REGISTRY, logger: silentLogger, ...options });
}
