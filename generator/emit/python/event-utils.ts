/**
 * `event_utils.py`: the helpers of the original event_utils.py under their
 * documented names (normalize_event_payload, parse_config_key,
 * make_config_key, extract_config_key, extract_model_path and the payload
 * extractors), alias normalization with the catalog's alias lists, and
 * prepare_payload, which normalizes and validates a payload in strict or
 * lenient mode with the TypeScript router's messages. Each behaves as its
 * TypeScript counterpart in ../typescript/normalizers.ts.
 */
import type { CatalogModel, ConfigKeyModel, EventModel, ExtractorModel } from '../../catalog/model.js';
import { compareText } from '../../order.js';
import { composedPattern } from '../json-schema.js';
import { pythonModule } from './module.js';
import { pythonPattern } from './pattern.js';
import { literalOf } from './payloads.js';
import { docstring, ident, indent, literal, pascalCase, payloadTypeName, str, tuple } from './syntax.js';

export function eventUtilsModule(model: CatalogModel): string {
  const aliased = model.events.filter((e) => e.fields.some((f) => f.aliases.length > 0));
  const payloadImports = new Set<string>();
  for (const c of model.configKeys) {
    payloadImports.add(pascalCase(c.field));
    for (const p of c.parts) if ('field' in p && partType(model, p.field) !== 'object') payloadImports.add(pascalCase(p.field));
  }
  for (const x of model.extractors) payloadImports.add(payloadTypeName(x.event));
  const fieldAliases = aliased.map((e) => {
    const pairs = e.fields.flatMap((f) => f.aliases.map((a) => [a, f.name] as const)).sort((a, b) => compareText(a[0], b[0]));
    return `    ${str(e.name)}: {${pairs.map(([a, f]) => `${str(a)}: ${str(f)}`).join(', ')}},`;
  });
  const sharedAliases = model.sharedFields
    .flatMap((f) => f.aliases.map((a) => [a, f.name] as const))
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([a, f]) => `    ${str(a)}: ${str(f)},`);
  return pythonModule(
    `The payload helpers of event_utils for the ${model.name} catalog: event objects to payloads, aliases to canonical names, config keys, and the payload extractors.`,
    [
      'import json',
      'import logging',
      'import math',
      ...(model.configKeys.length ? ['import re'] : []),
      'import typing',
      '',
      'from .event_types import EventName',
      ...(payloadImports.size ? [`from .payloads import ${[...payloadImports].sort(compareText).join(', ')}`] : []),
      `from .validation import ${['EventValidationError', 'PayloadIssue', ...(model.extractors.length ? ['assert_payload'] : []), 'validate_payload'].join(', ')}`,
      'from .validation import PayloadValidationError as PayloadValidationError',
    ],
    [
      RUNTIME,
      `FIELD_ALIASES: typing.Final[typing.Mapping[EventName, typing.Mapping[str, str]]] = {\n${fieldAliases.join('\n')}\n}\n${docstring('Per event with aliased fields: alias → canonical field name.', '').trimEnd()}`,
      `SHARED_FIELD_ALIASES: typing.Final[typing.Mapping[str, str]] = {\n${sharedAliases.join('\n')}\n}\n${docstring('The aliases of the shared fields: alias → canonical name.', '').trimEnd()}`,
      NORMALIZE,
      model.configKeys.length ? FIND : '',
      ...partValueConstants(model),
      ...model.configKeys.flatMap((c) => configKeyBlocks(c, model)),
      ...modelPathBlocks(model),
      ...model.extractors.map((x) => extractorBlock(x, model.events.find((e) => e.name === x.event)!, model)),
      PREPARE,
    ].filter((b) => b !== ''),
  );
}

const RUNTIME = String.raw`_LOG = logging.getLogger(__package__ or __name__)

ValidationMode = typing.Literal["strict", "lenient"]
"""strict: an invalid payload or an aliased field name is an error. lenient: aliases are renamed and problems logged."""

class AliasRename(typing.NamedTuple):
    """An aliased field and the canonical name it stands for."""

    alias: str
    canonical: str


class NormalizeResult(typing.NamedTuple):
    """A payload with its aliases renamed; the renames done, and the aliases dropped because the canonical field was there with another value."""

    payload: dict[str, object]
    renamed: tuple[AliasRename, ...]
    conflicts: tuple[AliasRename, ...]


def _plain(value: object) -> object:
    if isinstance(value, float):
        return int(value) if value.is_integer() else (value if math.isfinite(value) else None)
    if isinstance(value, typing.Mapping):
        return {str(k): _plain(v) for k, v in typing.cast(typing.Mapping[object, object], value).items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in typing.cast(typing.Sequence[object], value)]
    return value


def js_json(value: object) -> str:
    """JSON text as JavaScript's JSON.stringify writes it (2.0 as 2, no spaces, non-ASCII as it is): what the messages quote."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"), default=str)


def _same_json(a: object, b: object) -> bool:
    return a is b or js_json(a) == js_json(b)


_WRAPPER_KEYS: typing.Final = ("data", "payload", "metadata")
_EVENT_MARKERS: typing.Final = frozenset({"type", "event_type", "topic", "stage", "specversion"})
"""Keys only an event object has, never a payload."""
_ENVELOPE_ATTRIBUTES: typing.Final = _EVENT_MARKERS | frozenset(_WRAPPER_KEYS) | frozenset(
    {"id", "event_id", "time", "datacontenttype", "dataschema", "dataversion", "subject", "traceparent", "tracestate", "source", "timestamp", "correlation_id"}
)
"""Attributes of the envelope, not of the payload (CloudEvents, the original's DataEvent and bus Event)."""


def normalize_event_payload(event: object) -> dict[str, object]:
    """The payload of an event object, whatever its shape: a CloudEvents envelope ('data'), a router event
    ('payload'), a bus event ('metadata'), nested, or the payload itself. A mapping is a wrapper when it has one of
    those keys holding a mapping and either names an event ('type', 'event_type', 'topic', 'stage', 'specversion')
    or has nothing else but envelope attributes, so a payload with a field of its own called 'metadata' stays a
    payload. Fields a wrapper carries beside it are kept under the inner ones; envelope attributes are not. An
    object with such an attribute (a dataclass event) is unwrapped; anything else gives an empty payload."""
    if not isinstance(event, typing.Mapping):
        for key in _WRAPPER_KEYS:
            inner = getattr(event, key, None)
            if isinstance(inner, typing.Mapping):
                return normalize_event_payload(dict(typing.cast(typing.Mapping[str, object], inner)))
        return {}
    start = typing.cast(typing.Mapping[str, object], event)
    current = start
    outer: dict[str, object] = {}
    for _ in range(4):
        key = next((k for k in _WRAPPER_KEYS if isinstance(current.get(k), typing.Mapping)), None)
        if key is None:
            break
        others = [k for k in current if k != key]
        if not any(k in _EVENT_MARKERS for k in others) and not all(k in _ENVELOPE_ATTRIBUTES for k in others):
            break
        for k in others:
            if k not in _ENVELOPE_ATTRIBUTES and k not in outer:
                outer[k] = current[k]
        current = typing.cast(typing.Mapping[str, object], current[key])
    return dict(current) if current is start or not outer else {**outer, **current}


def shown_value(value: object) -> str:
    """A value as a message shows it: JSON, at most 80 characters."""
    try:
        text = js_json(value)
    except (TypeError, ValueError):
        text = str(value)
    return text[:77] + "..." if len(text) > 80 else text


def _report(event: str, issues: typing.Sequence[PayloadIssue], mode: ValidationMode, logger: logging.Logger | None) -> None:
    error = EventValidationError(event, issues)
    if mode == "strict":
        raise error
    (logger or _LOG).warning("%s (lenient)", error)


def report_alias_conflicts(event: str, raw: typing.Mapping[str, object], result: NormalizeResult, mode: ValidationMode = "strict", logger: logging.Logger | None = None) -> None:
    """Strict: raises EventValidationError when aliases disagree with their canonical fields; lenient: warns."""
    if not result.conflicts:
        return
    issues = [
        PayloadIssue(c.alias, shown_value(raw.get(c.alias)) + ' is an alias of "' + c.canonical + '", which is ' + shown_value(result.payload.get(c.canonical)) + ': they disagree; "' + c.canonical + '" is kept')
        for c in result.conflicts
    ]
    _report(event, issues, mode, logger)


def first_aliased(
    payload: typing.Mapping[str, object], names: typing.Sequence[str], usable: typing.Callable[[object], bool], mode: ValidationMode = "strict", logger: logging.Logger | None = None
) -> tuple[bool, object]:
    """(found, value) of the first of names (a canonical field, then its aliases) present with a usable value; strict raises, lenient warns, when another holds a different usable value."""
    present = [n for n in names if n in payload and usable(payload[n])]
    if not present:
        return False, None
    first, rest = present[0], present[1:]
    kept = payload[first]
    issues = [
        PayloadIssue(n, shown_value(payload[n]) + ' disagrees with "' + first + '", which is ' + shown_value(kept) + '; "' + first + '" is used')
        for n in rest
        if shown_value(payload[n]) != shown_value(kept)
    ]
    if issues:
        _report("event", issues, mode, logger)
    return True, kept


def rename_aliases(aliases: typing.Mapping[str, str], payload: typing.Mapping[str, object]) -> NormalizeResult:
    """Renames aliased fields to their canonical names, into a new dict; when both are present the canonical value wins, and the pair is a conflict unless equal."""
    out: dict[str, object] = {}
    renamed: list[AliasRename] = []
    conflicts: list[AliasRename] = []
    for key, value in payload.items():
        canonical = aliases.get(key)
        if canonical is None:
            out[key] = value
        elif canonical in payload:
            if not _same_json(payload[canonical], value):
                conflicts.append(AliasRename(key, canonical))
        elif canonical in out:
            if not _same_json(out[canonical], value):
                conflicts.append(AliasRename(key, canonical))
        else:
            out[canonical] = value
            renamed.append(AliasRename(key, canonical))
    return NormalizeResult(out, tuple(renamed), tuple(conflicts))`;

/** Finding a part's allowed value (only a catalog with composed keys has parts). */
const FIND = String.raw`def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _find(values: typing.Sequence[typing.Any], value: object) -> typing.Any:
    """The allowed value equal to value (2.0 finds 2), or None."""
    for v in values:
        if _same(v, value):
            return v
    return None`;

const NORMALIZE = String.raw`def normalize_payload(event: EventName, raw: typing.Mapping[str, object]) -> NormalizeResult:
    """Renames the aliased fields of a payload to their canonical names, into a new dict."""
    return rename_aliases(FIELD_ALIASES.get(event, {}), raw)`;

const PREPARE = String.raw`def prepare_payload(event: EventName, payload: typing.Mapping[str, object], mode: ValidationMode = "strict", logger: logging.Logger | None = None) -> dict[str, object]:
    """What the router does before publishing: aliases renamed (refused in strict mode), then the schema checked (strict: EventValidationError; lenient: a warning). Returns a new dict."""
    log = logger or _LOG
    normalized = normalize_payload(event, payload)
    if normalized.renamed or normalized.conflicts:
        issues = [PayloadIssue(r.alias, 'is an alias of "' + r.canonical + '"; use the canonical name') for r in normalized.renamed] + [
            PayloadIssue(c.alias, 'is an alias of "' + c.canonical + '", which is also present with another value; "' + c.canonical + '" was kept') for c in normalized.conflicts
        ]
        if mode == "strict":
            raise EventValidationError(event, issues)
        log.warning("%s: %s", event, "; ".join('field "' + i.field + '" ' + i.message for i in issues))
    data = normalized.payload
    result = validate_payload(event, data)
    if not result.ok:
        error = EventValidationError(event, result.issues)
        if mode == "strict":
            raise error
        log.warning("%s (delivered anyway: lenient mode)", error)
    return data`;

function valuesConst(field: string): string {
  return `${field.toUpperCase()}_VALUES`;
}

/** The type of a part of a composed key: its shared field's Literal alias, if it has one. */
function partType(model: CatalogModel, field: string): string {
  const shared = model.sharedFields.find((f) => f.name === field);
  return shared?.enum && literalOf(shared.enum) ? pascalCase(field) : 'object';
}

function partValueConstants(model: CatalogModel): string[] {
  const seen = new Map<string, readonly (string | number)[]>();
  for (const c of model.configKeys) for (const p of c.parts) if ('field' in p && !seen.has(p.field)) seen.set(p.field, p.values);
  return [...seen]
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([field, values]) => `${valuesConst(field)}: typing.Final[tuple[${partType(model, field)}, ...]] = ${tuple(values.map(literal))}\n${docstring(`The allowed values of ${field}.`, '').trimEnd()}`);
}

/** NamedTuple fields may not shadow tuple's own methods. */
const TUPLE_MEMBERS = ['count', 'index'];

function configKeyBlocks(c: ConfigKeyModel, model: CatalogModel): string[] {
  const T = pascalCase(c.field);
  const parts = c.parts.flatMap((p) => ('field' in p ? [p] : []));
  const shared = model.sharedFields.find((f) => f.name === c.field)!;
  const names = [c.field, ...shared.aliases];
  const CONST = c.field.toUpperCase();
  const param = (field: string) => ident(field, ['key', 'value', 'event', 'payload', 'name', 'parts', 'match', 'found', 'mode', 'logger', 'first_aliased', 'normalize_event_payload', `is_${c.field}`, `make_${c.field}`, ...TUPLE_MEMBERS]);
  const expected = parts.map((p) => `${p.field} one of ${p.values.map(String).join(', ')}`).join(' and ');
  const build = c.parts.map((p) => ('literal' in p ? str(p.literal) : `str(${param(p.field)})`)).join(' + ') || '""';
  return [
    `${CONST}_PATTERN: typing.Final = re.compile(${str(pythonPattern(composedPattern(c)))})\n${docstring(`The grammar of ${c.field}: \`${c.template}\`.`, '').trimEnd()}`,
    [`class ${T}Error(ValueError):`, docstring(`A malformed ${c.field}, or parts that cannot form one.`, '    ').trimEnd()].join('\n'),
    [
      `class ${T}Parts(typing.NamedTuple):`,
      docstring(`The parts of a ${c.field}, in the order of \`${c.template}\`.`, '    ').trimEnd(),
      ...(parts.length ? ['', ...indent(parts.map((p) => `${param(p.field)}: ${partType(model, p.field)}`))] : []),
    ].join('\n'),
    [
      `def is_${c.field}(value: object) -> typing.TypeGuard[${T}]:`,
      docstring(`Whether a value is a well-formed ${c.field}.`, '    ').trimEnd(),
      `    return isinstance(value, str) and ${CONST}_PATTERN.search(value) is not None`,
    ].join('\n'),
    [
      `def try_parse_${c.field}(key: object) -> ${T}Parts | None:`,
      docstring(`Splits a ${c.field} into its parts, or returns None when it is malformed.`, '    ').trimEnd(),
      '    if not isinstance(key, str):',
      '        return None',
      `    match = ${CONST}_PATTERN.search(key)`,
      '    if match is None:',
      '        return None',
      `    return ${T}Parts(${parts.map((p, i) => `next(v for v in ${valuesConst(p.field)} if str(v) == match.group(${i + 1}))`).join(', ')})`,
    ].join('\n'),
    [
      `def parse_${c.field}(key: object) -> ${T}Parts:`,
      docstring(`Splits a ${c.field} (\`${c.template}\`) into its parts (${parts.map((p) => p.field).join(', ')}); raises ${T}Error naming the bad input.`, '    ').trimEnd(),
      `    parts = try_parse_${c.field}(key)`,
      '    if parts is not None:',
      '        return parts',
      `    raise ${T}Error(${str(`invalid ${c.field} `)} + js_json(key) + ${str(`: expected ${c.template} with ${expected}`)})`,
    ].join('\n'),
    [
      `def make_${c.field}(${parts.map((p) => `${param(p.field)}: ${partType(model, p.field)}`).join(', ')}) -> ${T}:`,
      docstring(`Builds a ${c.field} from its parts; raises ${T}Error when a part is not allowed (for callers without type checking).`, '    ').trimEnd(),
      ...parts.flatMap((p) => [
        `    if _find(${valuesConst(p.field)}, ${param(p.field)}) is None:`,
        `        raise ${T}Error(${str(`invalid ${p.field} `)} + js_json(${param(p.field)}) + ${str(`: expected one of ${p.values.map(String).join(', ')}`)})`,
      ]),
      `    return ${build}`,
    ].join('\n'),
    [
      `def extract_${c.field}(event: object, mode: ValidationMode = "strict", logger: logging.Logger | None = None) -> ${T} | None:`,
      docstring(
        `The ${c.field} of a payload (or event object): ${names.map((n) => `\`${n}\``).join(', then ')}, else built from ${parts.map((p) => `\`${p.field}\``).join(' and ')}. None when absent or malformed. When they disagree: strict (default) raises EventValidationError naming both values, lenient warns.`,
        '    ',
      ).trimEnd(),
      '    payload = normalize_event_payload(event)',
      `    found, value = first_aliased(payload, ${tuple(names.map(str))}, lambda _: True, mode, logger)`,
      '    if found:',
      `        return value if is_${c.field}(value) else None`,
      ...parts.map((p) => `    ${param(p.field)} = _find(${valuesConst(p.field)}, payload.get(${str(p.field)}))`),
      ...(parts.length ? [`    if ${parts.map((p) => `${param(p.field)} is None`).join(' or ')}:`, '        return None'] : []),
      `    return make_${c.field}(${parts.map((p) => param(p.field)).join(', ')})`,
    ].join('\n'),
  ];
}

function modelPathBlocks(model: CatalogModel): string[] {
  const shared = model.sharedFields.find((f) => f.name === 'model_path');
  if (!shared) return [];
  const names = [shared.name, ...shared.aliases];
  return [
    [
      'def extract_model_path(event: object, mode: ValidationMode = "strict", logger: logging.Logger | None = None) -> str | None:',
      docstring(`The model path of a payload (or event object): ${names.map((n) => `\`${n}\``).join(', then ')}. None when absent or not a non-empty string. When they disagree: strict (default) raises EventValidationError naming both values, lenient warns.`, '    ').trimEnd(),
      '    payload = normalize_event_payload(event)',
      `    _, value = first_aliased(payload, ${tuple(names.map(str))}, lambda v: isinstance(v, str) and v != "", mode, logger)`,
      '    return value if isinstance(value, str) else None',
    ].join('\n'),
  ];
}

function extractorBlock(x: ExtractorModel, event: EventModel, model: CatalogModel): string {
  const has = (f: string) => event.fields.some((e) => e.name === f);
  const lines: string[] = [];
  for (const c of model.configKeys) {
    if (!has(c.field)) continue;
    const parts = c.parts.flatMap((p) => ('field' in p ? [p.field] : []));
    lines.push(
      `    if ${str(c.field)} not in payload:`,
      `        composed = extract_${c.field}(payload)`,
      '        if composed is not None:',
      `            payload[${str(c.field)}] = composed`,
    );
    if (parts.some(has)) lines.push(`    ${c.field}_parts = try_parse_${c.field}(payload.get(${str(c.field)}))`);
    parts.forEach((p, i) => {
      if (has(p)) lines.push(`    if ${c.field}_parts is not None and ${str(p)} not in payload:`, `        payload[${str(p)}] = ${c.field}_parts[${i}]`);
    });
  }
  const T = payloadTypeName(event.name);
  return [
    `def ${x.name}(event: object, mode: ValidationMode = "strict", logger: logging.Logger | None = None) -> ${T}:`,
    docstring(
      `${x.description}\n\nRaises EventValidationError naming the event and each bad field; an alias that disagrees with its canonical field is one in strict mode (default), a warning naming both values in lenient mode.`,
      '    ',
    ).trimEnd(),
    '    raw = normalize_event_payload(event)',
    `    normalized = normalize_payload(${str(event.name)}, raw)`,
    `    report_alias_conflicts(${str(event.name)}, raw, normalized, mode, logger)`,
    '    payload = dict(normalized.payload)',
    ...lines,
    `    assert_payload(${str(event.name)}, payload)`,
    `    return typing.cast(${str(T)}, payload)`,
  ].join('\n');
}
