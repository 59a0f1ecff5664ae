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
