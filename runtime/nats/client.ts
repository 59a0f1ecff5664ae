/**
 * The NATS client, an optional peer dependency: loaded on first use, so the
 * runtime costs nothing to programs that do not use it, and named with the
 * command that installs it when it is missing.
 */
import { isMissingModule, MissingDependencyError } from '../optional-dependency.js';

export type NatsModules = {
  readonly core: typeof import('@nats-io/transport-node');
  readonly js: typeof import('@nats-io/jetstream');
};

let modules: Promise<NatsModules> | undefined;

const NATS_INSTALL = 'npm install @nats-io/transport-node @nats-io/jetstream';

/** A missing client (an optional peer dependency) is named, with the command that installs it. */
function missingNats(specifier: string): (error: unknown) => never {
  return (error) => {
    if (isMissingModule(error, specifier)) throw new MissingDependencyError('ringrift-events/runtime/nats', specifier, NATS_INSTALL, undefined, { cause: error });
    throw error;
  };
}

/** The NATS client modules, imported once (again after a failure: the client may be installed later). */
export function loadNats(): Promise<NatsModules> {
  modules ??= Promise.all([
    import('@nats-io/transport-node').catch(missingNats('@nats-io/transport-node')),
    import('@nats-io/jetstream').catch(missingNats('@nats-io/jetstream')),
  ]).then(([core, js]) => ({ core, js }));
  modules.catch(() => (modules = undefined)); // installed later: try again
  return modules;
}
