/**
 * `emitters.py`: an emit function per event (`emit_training_completed`) and
 * the named ones of the reference documents (`emit_training_complete`,
 * `emit_selfplay_complete(selfplay_type=…)`, which picks its event: one
 * overload per case), with the payload's fields as keyword arguments, each
 * writing a CloudEvents envelope to the queue: `queue=` (an EventQueue or a
 * database path), else the one at the path in the catalog's environment
 * variable, else a clear error. Mirrors ../typescript/emitters.ts.
 */
import type { CatalogModel, EmitterModel, EventModel, FieldModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { pythonModule } from './module.js';
import { eventDoc, fieldPyType, withDeprecation } from './payloads.js';
import { queueEnvVar } from './sqlite-queue.js';
import { docstring, eventEmitterName, ident, literal, str } from './syntax.js';

/** The keyword arguments every emit function has besides the payload's fields. */
const OPTIONS = ['queue', 'source', 'event_id', 'traceparent'];
const OPTION_PARAMS = [
  'queue: EventQueue | str | os.PathLike[str] | None = None',
  'source: str | None = None',
  'event_id: str | None = None',
  'traceparent: str | None = None',
];

export function emittersModule(model: CatalogModel): string {
  const byName = new Map(model.events.map((e) => [e.name, e] as const));
  const types = new Set<string>();
  const blocks: string[] = [SEND];
  const takenBySelect = new Set(model.emitters.filter((e) => e.kind === 'select').map((e) => e.name));
  const perEvent = new Set(model.events.map((e) => eventEmitterName(e.name)));
  for (const event of model.events) {
    const name = eventEmitterName(event.name);
    if (!takenBySelect.has(name)) blocks.push(eventEmitter(name, event, `Sends ${event.name}: ${event.description}`, model, types));
  }
  for (const emitter of model.emitters) {
    if (emitter.kind === 'event') {
      if (perEvent.has(emitter.name)) continue;
      blocks.push(eventEmitter(emitter.name, byName.get(emitter.event)!, `${emitter.description}\n\n'${emitter.name}' of the reference documents; sends ${emitter.event}.`, model, types));
    } else blocks.push(...selectEmitter(emitter, byName, model, types));
  }
  const aliases = [...types].sort(compareText);
  return pythonModule(
    `Emit functions of the ${model.name} catalog: keyword arguments in, a CloudEvents envelope on the queue (queue=, else $${queueEnvVar(model)}).`,
    [
      'import os',
      'import typing',
      '',
      'from .event_mappings import EventSpelling',
      'from .event_types import EventName',
      ...(aliases.length ? [`from .payloads import ${aliases.join(', ')}`] : []),
      'from .sqlite_queue import EventQueue, SendResult, default_queue',
    ],
    blocks,
  );
}

const SEND = String.raw`def emit_event(
    event: EventSpelling,
    payload: typing.Mapping[str, object],
    *,
    queue: EventQueue | str | os.PathLike[str] | None = None,
    source: str | None = None,
    event_id: str | None = None,
    traceparent: str | None = None,
) -> SendResult:
    """Sends any event (any spelling) with a payload as a mapping; the emit functions are its typed forms."""
    return default_queue(queue).send(event, payload, source=source, event_id=event_id, traceparent=traceparent)


def _send(
    event: EventName,
    fields: typing.Mapping[str, object],
    queue: EventQueue | str | os.PathLike[str] | None,
    source: str | None,
    event_id: str | None,
    traceparent: str | None,
) -> SendResult:
    # A keyword argument left out (None) is a field left out.
    payload = {name: value for name, value in fields.items() if value is not None}
    return default_queue(queue).send(event, payload, source=source, event_id=event_id, traceparent=traceparent)`;

/** The payload fields of an emit function: the event's own, then the common ones (but source, which is an option). */
function emitFields(event: EventModel, model: CatalogModel): FieldModel[] {
  const own = new Set(event.fields.map((f) => f.name));
  return [...event.fields, ...model.commonFields.filter((c) => !own.has(c.name))].filter((f) => f.name !== 'source');
}

/** The local names of a selecting emitter's body. */
const LOCALS = ['cases', 'chosen', 'payload', 'fields', 'name', 'value'];

/** A field's keyword argument: its name (with `_` when Python, the options or the emitters' own locals take it). */
function param(field: string): string {
  return ident(field, [...OPTIONS, ...LOCALS]);
}

function fieldParams(fields: readonly FieldModel[], model: CatalogModel, types: Set<string>, skip?: string): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (f.name === skip) continue;
    let t = fieldPyType(f, model);
    // The payload aliases the type names (`BoardType`): bare capitalized words outside string literals, not `typing.` names.
    for (const m of t.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/(?<![.\w])([A-Z][A-Za-z0-9]*)\b/g)) if (m[1] !== 'None') types.add(m[1]!);
    if (!f.required && !/\| None$/.test(t) && t !== 'object') t = `${t} | None`;
    out.push(f.required ? `${param(f.name)}: ${t}` : `${param(f.name)}: ${t} = None`);
  }
  return out;
}

function signature(name: string, params: readonly string[], ret = 'SendResult'): string {
  return `def ${name}(\n    *,\n${params.map((p) => `    ${p},`).join('\n')}\n) -> ${ret}:`;
}

function eventEmitter(name: string, event: EventModel, doc: string, model: CatalogModel, types: Set<string>): string {
  const fields = emitFields(event, model);
  const dict = fields.map((f) => `${str(f.name)}: ${param(f.name)}`);
  return [
    signature(name, [...fieldParams(fields, model, types), ...OPTION_PARAMS]),
    docstring(withDeprecation(`${doc}\n\n${eventDoc(event).split('\n')[0]}`, event.deprecated), '    ').trimEnd(),
    sendCall(event.name, dict),
  ].join('\n');
}

/** `return _send(EVENT, {…}, …)`: on one line when it fits, else one field a line. */
function sendCall(event: string, dict: readonly string[]): string {
  const line = `    return _send(${str(event)}, {${dict.join(', ')}}, queue, source, event_id, traceparent)`;
  if (line.length <= 120) return line;
  return `    return _send(\n        ${str(event)},\n        {\n${dict.map((d) => `            ${d},`).join('\n')}\n        },\n        queue,\n        source,\n        event_id,\n        traceparent,\n    )`;
}

function selectEmitter(emitter: Extract<EmitterModel, { kind: 'select' }>, events: ReadonlyMap<string, EventModel>, model: CatalogModel, types: Set<string>): string[] {
  const arg = emitter.argument;
  const argParam = param(arg);
  const overloads = emitter.cases.map((c) => {
    const event = events.get(c.event)!;
    const argType = `typing.Literal[${literal(c.value)}]${c.value === emitter.default ? ' = ...' : ''}`;
    return ['@typing.overload', `${signature(emitter.name, [`${argParam}: ${argType}`, ...fieldParams(emitFields(event, model), model, types, arg), ...OPTION_PARAMS])} ...`].join('\n');
  });
  const caseList = emitter.cases.map((c) => `'${c.value}' → ${c.event}`).join(', ');
  const table = emitter.cases.map((c) => `        ${str(c.value)}: (${str(c.event)}, ${events.get(c.event)!.fields.some((f) => f.name === arg) ? 'True' : 'False'}),`);
  const impl = [
    signature(emitter.name, [`${argParam}: str${emitter.default === undefined ? '' : ` = ${str(emitter.default)}`}`, ...OPTION_PARAMS, '**fields: object']),
    docstring(`${emitter.description}\n\n'${emitter.name}(${arg}=…)' of the reference documents: ${caseList}${emitter.default ? ` (default '${emitter.default}')` : ''}. Raises ValueError on an unknown ${arg}.`, '    ').trimEnd(),
    `    cases: dict[str, tuple[EventName, bool]] = {\n${table.join('\n')}\n    }`,
    `    chosen = cases.get(${argParam})`,
    '    if chosen is None:',
    `        raise ValueError(${str(`${emitter.name}: unknown ${arg} `)} + repr(${argParam}) + ${str(`; expected one of ${emitter.cases.map((c) => c.value).join(', ')}`)})`,
    // A keyword renamed for Python (`from_`) is its field (`from`): catalog field names never end in `_`.
    '    payload: dict[str, object] = {(name[:-1] if name.endswith("_") else name): value for name, value in fields.items()}',
    // The argument stays in the payload when the event has such a field (selfplay_type), and is dropped otherwise.
    '    if chosen[1]:',
    `        payload[${str(arg)}] = ${argParam}`,
    '    return _send(chosen[0], payload, queue, source, event_id, traceparent)',
  ].join('\n');
  return [overloads.join('\n\n\n'), impl];
}
