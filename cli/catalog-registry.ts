/**
 * The registry of a catalog read from its YAML, for the queue commands
 * (`tail`, `stats`, `dlq --catalog DIR`): another team's queue is read with
 * that team's catalog, not with the RingRift one this package was built with.
 *
 * It is what the generated `REGISTRY` of that catalog holds, built from the
 * same catalog model: the spellings (spellingsOf), the alias maps, the payload
 * JSON Schemas (compiled by ajv, as the generated validators are) and the
 * names derived from the catalog's name. The CLI may use the generator; the
 * runtime never does.
 */
import AjvModule from 'ajv';
import { buildCatalog } from '../generator/catalog/build.js';
import { spellingsOf, type CatalogModel, type EventModel } from '../generator/catalog/model.js';
import { catalogNames } from '../generator/catalog/naming.js';
import { formatProblem } from '../generator/catalog/source.js';
import { payloadSchema, schemaId } from '../generator/emit/json-schema.js';
import { displayPath, readCatalog } from '../generator/io.js';
import { createRegistry, renameAliases, runValidator, type CompiledValidator, type EventDefinition, type EventRegistry } from '../runtime/index.js';

const Ajv = AjvModule.default ?? AjvModule;

/** A catalog that cannot be read or is invalid: every problem at its file:line:col. */
export class CatalogLoadError extends Error {
  constructor(
    readonly dir: string,
    readonly problems: readonly string[],
  ) {
    super(`${problems.join('\n')}\n${displayPath(dir)}: not a valid catalog (run \`ringrift-events validate --catalog ${displayPath(dir)}\`)`);
  }
}

/** Reads and builds the catalog in `dir`; throws CatalogLoadError with its problems. */
export function loadCatalogModel(dir: string): CatalogModel {
  const { sources, problems, error } = readCatalog(dir);
  if (error !== undefined) throw new CatalogLoadError(dir, [error]);
  if (problems.length > 0) throw new CatalogLoadError(dir, problems.map(formatProblem));
  const built = buildCatalog(sources);
  if (!built.ok) throw new CatalogLoadError(dir, built.problems.map(formatProblem));
  return built.model;
}

/** The runtime registry of a catalog model, as its generated code would build it. */
export function registryOfModel(model: CatalogModel): EventRegistry {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, ownProperties: true, formats: { 'date-time': true } });
  const definitions = model.events.map((e) => definition(model, e, ajv));
  const spellings: Record<string, string> = {};
  for (const e of model.events) for (const s of spellingsOf(e)) spellings[s.spelling] ??= e.name;
  return createRegistry(definitions, spellings, model.commonFields.map((f) => f.name), catalogNames(model.name));
}

function definition(model: CatalogModel, e: EventModel, ajv: InstanceType<typeof Ajv>): EventDefinition {
  const aliases: Record<string, string> = {};
  for (const f of e.fields) for (const a of f.aliases) aliases[a] = f.name;
  let validator: CompiledValidator | undefined;
  return {
    name: e.name,
    value: e.value,
    topic: e.topic,
    ...(e.stage === undefined ? {} : { stage: e.stage }),
    ...(e.crossProcess === undefined ? {} : { crossProcess: e.crossProcess }),
    category: e.category,
    dataschema: schemaId(model, e),
    version: e.version,
    // The policy as the generated registry holds it (its reason is documentation, not runtime data).
    dedup: e.dedup.kind === 'fields' ? { kind: 'fields', fields: e.dedup.fields } : { kind: e.dedup.kind },
    requiredFields: e.fields.filter((f) => f.required).map((f) => f.name),
    // Compiled on first use: a tail of one event type compiles one schema.
    validate: (payload) => runValidator((validator ??= ajv.compile(payloadSchema(model, e)) as CompiledValidator), payload),
    normalize: (payload) => renameAliases(aliases, payload),
  };
}
