/**
 * Which generated functions publish an event, named as `emitters.ts` names
 * them: the per-event `emitTrainingCompleted(payload)`, a named emitter of the
 * documents (`emitTrainingComplete`), or a case of a selecting emitter
 * (`emitSelfplayComplete({ selfplay_type: "gpu_accelerated", … })`).
 */
import type { CatalogModel } from '../../catalog/model.js';
import { camelCase, eventEmitterName } from '../../catalog/naming.js';

export interface EmitFunction {
  /** The exported function. */
  readonly name: string;
  /** How to call it for this event. */
  readonly call: string;
  /** The reference documents' name, when the catalog lists one. */
  readonly documentName?: string;
  /** A selecting emitter picks this event when its argument is left out. */
  readonly isDefault?: boolean;
}

export function emitFunctions(model: CatalogModel): Map<string, EmitFunction[]> {
  const result = new Map<string, EmitFunction[]>(model.events.map((e) => [e.name, []]));
  const selecting = new Set(model.emitters.filter((e) => e.kind === 'select').map((e) => camelCase(e.name)));
  for (const event of model.events) {
    const name = eventEmitterName(event.name);
    if (!selecting.has(name)) result.get(event.name)!.push({ name, call: `${name}(payload)` });
  }
  for (const emitter of model.emitters) {
    const name = camelCase(emitter.name);
    if (emitter.kind === 'event') {
      const list = result.get(emitter.event)!;
      const same = list.find((f) => f.name === name);
      if (same) list.splice(list.indexOf(same), 1, { ...same, documentName: emitter.name });
      else list.push({ name, call: `${name}(payload)`, documentName: emitter.name });
    } else {
      for (const c of emitter.cases) {
        const call = `${name}({ ${emitter.argument}: ${JSON.stringify(c.value)}, … })`;
        result.get(c.event)!.push({ name, call, documentName: emitter.name, ...(c.value === emitter.default ? { isDefault: true } : {}) });
      }
    }
  }
  return result;
}
