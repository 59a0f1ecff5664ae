/**
 * `validation.py`: payload validation with the standard library only. Each
 * event's rules are a table made from the same JSON Schema ajv compiles for
 * the TypeScript validators (../json-schema.ts), and a small interpreter
 * checks them in ajv's order (required fields, then each property: type,
 * enum, then the keywords of its type), so a payload gets the same verdict and
 * the same issues (field, message) in both languages.
 */
import type { CatalogModel } from '../../catalog/model.js';
import { payloadSchema, type JsonSchema } from '../json-schema.js';
import { pythonModule } from './module.js';
import { pythonPattern } from './pattern.js';
import { literal, str, tuple } from './syntax.js';

export function validationModule(model: CatalogModel): string {
  const specs = new Map<string, string>();
  const specName = (text: string): string => {
    if (!specs.has(text)) specs.set(text, `_F${specs.size}`);
    return specs.get(text)!;
  };
  const schemas = model.events.map((event) => {
    const schema = payloadSchema(model, event);
    const properties = Object.entries(schema.properties as Record<string, JsonSchema | false>).map(([name, s]) => `(${str(name)}, ${specName(fieldSpec(s))})`);
    const required = (schema.required as string[] | undefined) ?? [];
    return `    ${str(event.name)}: _Schema(\n        required=${tuple(required.map(str))},\n        properties=(\n${properties.map((p) => `            ${p},`).join('\n')}\n        ),\n    ),`;
  });
  // One line when it fits, else one argument a line.
  const specLines = [...specs].map(([key, name]) => {
    const args = JSON.parse(key) as string[];
    const line = `${name} = _Field(${args.join(', ')})`;
    return line.length <= 120 ? line : `${name} = _Field(\n${args.map((a) => `    ${a},`).join('\n')}\n)`;
  });
  return pythonModule(
    `Payload validation for the ${model.name} catalog, with the standard library only: the same verdicts and messages as the TypeScript validators.`,
    ['import dataclasses', 'import math', 'import re', 'import typing', '', 'from .event_types import EventName'],
    [RUNTIME, specLines.join('\n'), `_SCHEMAS: typing.Final[typing.Mapping[str, _Schema]] = {\n${schemas.join('\n')}\n}`, API],
  );
}

/** The arguments of the _Field of one property schema, as JSON (the key that shares equal specs). */
function fieldSpec(s: JsonSchema | false): string {
  return JSON.stringify(s === false ? ['alias=True'] : fieldArgs(s));
}

/** The keyword arguments of a property's _Field. */
function fieldArgs(s: JsonSchema): string[] {
  const args: string[] = [];
  const type = s.type as string | string[] | undefined;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    args.push(`types=${tuple(types.map(str))}`, `type_message=${str(`must be ${types.join(',')}`)}`);
    // A field with only a type: values of these exact Python types need no further look (floats do: NaN is no number).
    const fast = types.flatMap((t) => FAST[t] ?? []);
    const plain = !['pattern', 'minimum', 'maximum', 'items', 'additionalProperties'].some((k) => k in s);
    const enumValues = Array.isArray(s.enum) ? (s.enum as unknown[]) : undefined;
    // An enum of strings and integers: a value of an exact type that is a member is valid (2.0 and True take the long way).
    const members = enumValues?.every((v) => v === null || typeof v === 'string' || Number.isInteger(v)) ? enumValues : undefined;
    if (plain && fast.length && (enumValues === undefined || members !== undefined)) {
      args.push(`fast=${tuple([...new Set(fast)])}`);
      if (members) args.push(`members=frozenset(${tuple(members.map((v) => literal(v as string | number | null)))})`);
    }
  }
  if (Array.isArray(s.enum)) {
    const values = s.enum as (string | number | boolean | null)[];
    args.push(`enum=${tuple(values.map(literal))}`, `enum_message=${str(`must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`)}`);
  }
  if (typeof s.pattern === 'string') args.push(`pattern=re.compile(${str(pythonPattern(s.pattern))})`, `pattern_message=${str(`must match pattern "${s.pattern}"`)}`);
  if (typeof s.maximum === 'number') args.push(`maximum=${literal(s.maximum)}`, `maximum_message=${str(`must be <= ${s.maximum}`)}`);
  if (typeof s.minimum === 'number') args.push(`minimum=${literal(s.minimum)}`, `minimum_message=${str(`must be >= ${s.minimum}`)}`);
  for (const [k, arg] of [['items', 'items'], ['additionalProperties', 'values']] as const) {
    const inner = s[k] as JsonSchema | undefined;
    if (inner && typeof inner.type === 'string') args.push(`${arg}=${str(inner.type)}`, `${arg}_message=${str(`must be ${inner.type}`)}`);
  }
  return args;
}

/** Python types whose values are of a JSON type, exactly (`bool` is not an `int` here: `type(v)` is compared). */
const FAST: Readonly<Record<string, readonly string[]>> = { string: ['str'], integer: ['int'], number: ['int'], boolean: ['bool'], null: ['type(None)'] };

/** The interpreter: catalog-independent. */
const RUNTIME = String.raw`class PayloadIssue(typing.NamedTuple):
    """One problem of a payload: the field (dotted path, empty for the payload itself) and what is wrong."""

    field: str
    message: str


class ValidationResult(typing.NamedTuple):
    """The verdict on a payload: ok, or the issues naming each field at fault."""

    ok: bool
    issues: tuple[PayloadIssue, ...]


class EventValidationError(ValueError):
    """A payload that does not match its event's schema, refused on publishing or by assert_payload / an extractor; the message names the event and every bad field (the TypeScript runtime's EventValidationError, with its message). The one validation error."""

    def __init__(self, event: str, issues: typing.Sequence[PayloadIssue]) -> None:
        self.event = event
        self.issues = tuple(issues)
        super().__init__("invalid " + event + " payload: " + "; ".join('field "' + i.field + '" ' + i.message if i.field else i.message for i in self.issues))


PayloadValidationError = EventValidationError
"""Deprecated: the one validation error is EventValidationError; this name is kept for code written against it."""


@dataclasses.dataclass(frozen=True)
class _Field:
    types: tuple[str, ...] | None = None
    type_message: str = ""
    enum: tuple[object, ...] | None = None
    enum_message: str = ""
    pattern: re.Pattern[str] | None = None
    pattern_message: str = ""
    maximum: float | None = None
    maximum_message: str = ""
    minimum: float | None = None
    minimum_message: str = ""
    items: str | None = None
    items_message: str = ""
    values: str | None = None
    values_message: str = ""
    alias: bool = False
    fast: tuple[type[object], ...] = ()
    members: frozenset[object] | None = None


@dataclasses.dataclass(frozen=True)
class _Schema:
    required: tuple[str, ...]
    properties: tuple[tuple[str, _Field], ...]
    by_name: dict[str, _Field] = dataclasses.field(default_factory=dict[str, _Field], compare=False)
    required_set: frozenset[str] = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update(self.properties)
        object.__setattr__(self, "required_set", frozenset(self.required))


_VALID: typing.Final = ValidationResult(True, ())


def _is_number(value: object) -> bool:
    """A JSON number: never a boolean; an int of any size, a finite float."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _is_type(value: object, json_type: str) -> bool:
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "number":
        return _is_number(value)
    if json_type == "integer":
        return _is_number(value) and (isinstance(value, int) or float(typing.cast(float, value)).is_integer())
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "null":
        return value is None
    if json_type == "object":
        return isinstance(value, typing.Mapping)
    if json_type == "array":
        return isinstance(value, (list, tuple))
    return True


def _same(a: object, b: object) -> bool:
    """JSON equality of scalars: a boolean is never a number, 2 and 2.0 are one number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is None and b is None


def _check_field(name: str, value: object, spec: _Field, issues: list[PayloadIssue]) -> None:
    if spec.alias:
        issues.append(PayloadIssue(name, "is an alias: send the canonical field name, or publish in lenient mode to normalize it"))
        return
    if spec.types is not None and not any(_is_type(value, t) for t in spec.types):
        issues.append(PayloadIssue(name, spec.type_message))
    if spec.enum is not None and not any(_same(value, v) for v in spec.enum):
        issues.append(PayloadIssue(name, spec.enum_message))
    if spec.pattern is not None and isinstance(value, str) and spec.pattern.search(value) is None:
        issues.append(PayloadIssue(name, spec.pattern_message))
    if _is_number(value):
        number = typing.cast(float, value)
        if spec.maximum is not None and number > spec.maximum:
            issues.append(PayloadIssue(name, spec.maximum_message))
        if spec.minimum is not None and number < spec.minimum:
            issues.append(PayloadIssue(name, spec.minimum_message))
    if spec.items is not None and isinstance(value, (list, tuple)):
        for i, item in enumerate(typing.cast(typing.Sequence[object], value)):
            if not _is_type(item, spec.items):
                issues.append(PayloadIssue(name + "." + str(i), spec.items_message))
    if spec.values is not None and isinstance(value, typing.Mapping):
        for key, item in typing.cast(typing.Mapping[str, object], value).items():
            if not _is_type(item, spec.values):
                issues.append(PayloadIssue(name + "." + str(key), spec.values_message))`;

const API = String.raw`def validate_payload(event: EventName, payload: object) -> ValidationResult:
    """Checks a payload (with aliases already normalized) against its event's schema."""
    schema = _SCHEMAS[event]
    if type(payload) is not dict and not isinstance(payload, typing.Mapping):
        return ValidationResult(False, (PayloadIssue("", "must be object"),))
    data = typing.cast(typing.Mapping[str, object], payload)
    # All required fields present (the usual case) in one set comparison.
    missing: list[str] = [] if data.keys() >= schema.required_set else [name for name in schema.required if name not in data]
    if not missing:
        # The usual case, a valid payload, looks at its own fields only.
        found: list[PayloadIssue] = []
        by_name = schema.by_name
        for name, value in data.items():
            spec = by_name.get(name)
            # Most fields: a value of an exact type (and an enum member) needs no further look.
            if spec is None or (type(value) in spec.fast and (spec.members is None or value in spec.members)):
                continue
            _check_field(name, value, spec, found)
        if not found:
            return _VALID
    # The issues in ajv's order: the required fields missing, then the properties in the schema's order.
    issues = [PayloadIssue(name, "is required") for name in missing]
    for name, spec in schema.properties:
        if name in data:
            _check_field(name, data[name], spec, issues)
    return ValidationResult(not issues, tuple(issues))


def assert_payload(event: EventName, payload: object) -> None:
    """Raises EventValidationError unless the payload is valid for the event."""
    result = validate_payload(event, payload)
    if not result.ok:
        raise EventValidationError(event, result.issues)`;
