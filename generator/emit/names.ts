/** The naming vocabulary shared by every emitter. */

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

/** The payload interface of an event: `TRAINING_COMPLETED` → `TrainingCompletedPayload`. */
export function payloadTypeName(event: string): string {
  return `${pascalCase(event)}Payload`;
}

/** The per-event emitter: `TRAINING_COMPLETED` → `emitTrainingCompleted`. */
export function eventEmitterName(event: string): string {
  return camelCase(`emit_${event}`);
}

/** A JS string literal (JSON quoting is valid JS and escapes everything that matters). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : str(name);
}

/**
 * Text safe inside a JSDoc block: `*\/` would end the comment early, and a line
 * starting with `@` would read as a tag.
 */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/^(\s*)@/gm, '$1\\@').trim();
}
