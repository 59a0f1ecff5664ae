/**
 * The names a catalog gives the runtime: the default envelope source, the
 * environment variables, the NATS stream and subject prefix. The generator
 * derives them from the catalog's `name` (catalog/README.md, "Names derived
 * from the catalog's name") and the generated registry carries them as data,
 * so the runtime never needs the generator to know them. An option given in
 * code still wins over them.
 */
import { hostname } from 'node:os';

export interface CatalogNames {
  /** The catalog's `name`: `ringrift`. */
  readonly name: string;
  /** Environment variables are `<envPrefix>_EVENT_TRACE`, `<envPrefix>_NATS_URL`, …: `RINGRIFT`. */
  readonly envPrefix: string;
  /** Events sent without a source have `<sourcePrefix>/<host>/<pid>`: `/ringrift`. */
  readonly sourcePrefix: string;
  /** The NATS stream of the catalog's cross-process events: `RINGRIFT_EVENTS`. */
  readonly natsStream: string;
  /** NATS subjects are `<natsSubjectPrefix>.<topic>`: `ringrift`. */
  readonly natsSubjectPrefix: string;
}

/** The names of a registry that carries none (one built by hand): those of the RingRift catalog, as before names were derived. */
export const DEFAULT_CATALOG_NAMES: CatalogNames = Object.freeze({
  name: 'ringrift',
  envPrefix: 'RINGRIFT',
  sourcePrefix: '/ringrift',
  natsStream: 'RINGRIFT_EVENTS',
  natsSubjectPrefix: 'ringrift',
});

/** The names of a registry (or of none). */
export function catalogNamesOf(registry: { readonly names?: CatalogNames } | undefined): CatalogNames {
  return registry?.names ?? DEFAULT_CATALOG_NAMES;
}

/** The source of events sent without one by this process: `/ringrift/<host>/<pid>`. */
export function defaultSource(names: CatalogNames): string {
  return `${names.sourcePrefix}/${hostname()}/${process.pid}`;
}

/** The environment variable `<envPrefix>_<suffix>`: `envName(names, 'EVENT_TRACE')` is `RINGRIFT_EVENT_TRACE`. */
export function envName(names: CatalogNames, suffix: string): string {
  return `${names.envPrefix}_${suffix}`;
}
