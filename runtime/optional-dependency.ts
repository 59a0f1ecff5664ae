/**
 * The runtime's optional peer dependencies: better-sqlite3 (for
 * `ringrift-events/runtime/sqlite`) and the `@nats-io/*` clients (for
 * `ringrift-events/runtime/nats`). Neither is installed with the package;
 * each is loaded on first use, and a missing one is reported by the entry
 * that needs it with the command that installs it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RingRiftEventsError } from './errors.js';

/** An optional peer dependency is missing (or unusable): `npm install <install>`. */
export class MissingDependencyError extends RingRiftEventsError {
  override readonly name = 'MissingDependencyError';
  readonly code = 'ERR_RINGRIFT_MISSING_DEPENDENCY';
  constructor(
    /** The entry point that needs it, `ringrift-events/runtime/sqlite`. */
    readonly entry: string,
    /** The package, `better-sqlite3`. */
    readonly dependency: string,
    /** What to run, `npm install better-sqlite3@12`. */
    readonly fix: string,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(`${entry} needs ${dependency}${detail ? ` (${detail})` : ''}: ${fix}`, options);
  }
}

/** Whether `error` says that `specifier` itself (not something it imports) cannot be found. */
export function isMissingModule(error: unknown, specifier: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || (e.code !== 'MODULE_NOT_FOUND' && e.code !== 'ERR_MODULE_NOT_FOUND')) return false;
  const message = typeof e.message === 'string' ? e.message : '';
  return message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`);
}

let requireHere: NodeJS.Require | undefined;

/**
 * A `require` that resolves from this package (from the bundle, once bundled).
 * Created on first use, not at import time: an esbuild CommonJS bundle has
 * no `import.meta.url`.
 */
export function packageRequire(): NodeJS.Require {
  if (!requireHere) {
    const url = (import.meta as { url?: string }).url;
    const from = typeof url === 'string' && url !== '' ? url : typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
    requireHere = createRequire(from);
  }
  return requireHere;
}
