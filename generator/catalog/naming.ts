/**
 * Names the catalog derives from its snake_case keys, whatever the target
 * language: the words of a name, and the emit function every event gets.
 */

/** `TRAINING_COMPLETED` or `emit_training_complete` → `TrainingCompleted` / `EmitTrainingComplete`. */
export function pascalCase(snake: string): string {
  return snake
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `emit_training_complete` → `emitTrainingComplete`. */
export function camelCase(snake: string): string {
  const p = pascalCase(snake);
  return p[0]!.toLowerCase() + p.slice(1);
}

/** The per-event emitter: `TRAINING_COMPLETED` → `emitTrainingCompleted`. */
export function eventEmitterName(event: string): string {
  return camelCase(`emit_${event}`);
}

/**
 * The runtime's names for a catalog, from its `name` (lower_snake_case, at
 * most 24 characters: the schema's CATALOG_NAME): `shop` → stream
 * `SHOP_EVENTS`, subject prefix `shop`, environment `SHOP_*`, source
 * `/shop/<host>/<pid>`. `ringrift` gives exactly the names the runtime had
 * before they were derived. catalog/README.md documents them.
 */
export function catalogNames(name: string): {
  readonly name: string;
  readonly envPrefix: string;
  readonly sourcePrefix: string;
  readonly natsStream: string;
  readonly natsSubjectPrefix: string;
} {
  const envPrefix = name.toUpperCase();
  return { name, envPrefix, sourcePrefix: `/${name}`, natsStream: `${envPrefix}_EVENTS`, natsSubjectPrefix: name };
}
