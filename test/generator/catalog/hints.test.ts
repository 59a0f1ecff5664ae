/**
 * A typo in a key or a reference gets a "did you mean" hint (the nearest known
 * key or name), at its file:line:col; and one bad reference is one error: what
 * depends on the refused field or event is not reported again.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG_YAML, catalogSources, problemsOf } from './helpers.js';

const FIELDS = `fields:
  order_id:
    type: string
    description: Order.
  board_type:
    type: string
    enum: [hex8, square8]
    description: Board.
  config_key:
    type: string
    description: Config.
    composed_of: "{board_type}_x"
`;
const EVENTS = `category:
  name: orders
  title: Orders
  description: Orders.
events:
  ORDER_PLACED:
    value: order_placed
    topic: order.placed
    description: Placed.
    dedup:
      fields: [order_id]
    payload:
      order_id: { ref: order_id, required: true }
      amount:
        type: integer
        description: Amount.
        deprecated: { reason: Renamed., replaced_by: order_id }
  ORDER_PAID:
    value: order_paid
    topic: order.paid
    description: Paid.
    extends: ORDER_PLACED
    dedup:
      fields: [order_id]
`;
const EMITTERS = `emitters:
  emit_order:
    event: ORDER_PAID
    description: Emit.
extractors:
  extract_order:
    event: ORDER_PAID
    description: Extract.
flows:
  checkout:
    title: Checkout
    description: Checkout.
    events: [ORDER_PLACED, ORDER_PAID]
`;

function problems(edit: { fields?: (t: string) => string; events?: (t: string) => string; emitters?: (t: string) => string } = {}): string[] {
  return problemsOf(
    catalogSources({
      'c/catalog.yaml': CATALOG_YAML,
      'c/fields.yaml': (edit.fields ?? String)(FIELDS),
      'c/orders.yaml': (edit.events ?? String)(EVENTS),
      'c/emitters.yaml': (edit.emitters ?? String)(EMITTERS),
    }),
  );
}

describe('"did you mean" hints', () => {
  it('the base catalog is valid', () => {
    expect(problems()).toEqual([]);
  });

  it('an unknown key names the nearest key of its place: top level, event, field, emitter', () => {
    expect(problems({ events: (t) => t.replace('    dedup:\n      fields: [order_id]\n    payload', '    dedupe:\n      fields: [order_id]\n    payload').replace('        type: integer', '        typ: integer\n        type: integer') })).toEqual([
      'c/orders.yaml:10:5: event ORDER_PLACED: unknown key "dedupe" (did you mean "dedup"?)',
      'c/orders.yaml:15:9: event ORDER_PLACED, field amount: unknown key "typ" (did you mean "type"?)',
    ]);
    expect(problems({ emitters: (t) => t.replace('extractors:', 'extractor:').replace('    description: Emit.', '    descripton: Emit.') })).toEqual([
      'c/emitters.yaml:2:3: emitters.emit_order: missing required key "description"',
      'c/emitters.yaml:4:5: emitters.emit_order: unknown key "descripton" (did you mean "description"?)',
      'c/emitters.yaml:5:1: unknown key "extractor" (did you mean "extractors"?)',
    ]);
  });

  it('a dedup policy of one shape gets the errors of that shape only, not those of the shapes it is not', () => {
    const policy = (text: string) => (t: string) => t.replace('    dedup:\n      fields: [order_id]\n    payload', `    dedup:\n      ${text}\n    payload`);
    expect(problems({ events: policy('fields: [Order_Id]') })).toEqual(['c/orders.yaml:11:16: event ORDER_PLACED (dedup.fields.0): must be lower_snake_case']);
    expect(problems({ events: policy('kind: nonee') })).toEqual(['c/orders.yaml:11:7: event ORDER_PLACED (dedup.kind): must be one of "none", "payload" (did you mean "none"?)']);
  });

  it('a missing required key is reported beside an error deeper in the same event', () => {
    expect(problems({ events: (t) => t.replace('    topic: order.placed\n', '').replace('        type: integer', '        type: integr') })).toEqual([
      'c/orders.yaml:6:3: event ORDER_PLACED: missing required key "topic"',
      'c/orders.yaml:14:9: event ORDER_PLACED, field amount (type): must be one of "string", "integer", "number", "boolean", "object", "array", "map", "any" (did you mean "integer"?)',
    ]);
  });

  it('an unknown key far from every known key gets no hint', () => {
    expect(problems({ events: (t) => t.replace('    description: Paid.', '    description: Paid.\n    colour: red') })).toEqual([
      'c/orders.yaml:22:5: event ORDER_PAID: unknown key "colour"',
    ]);
  });

  it('a misspelt type names the type', () => {
    expect(problems({ events: (t) => t.replace('type: integer', 'type: integr') })).toEqual([
      'c/orders.yaml:15:9: event ORDER_PLACED, field amount (type): must be one of "string", "integer", "number", "boolean", "object", "array", "map", "any" (did you mean "integer"?)',
    ]);
  });

  it('references: a shared field, an event (extends, emitter, extractor, flow), a dedup field, a replacement, a template part', () => {
    expect(problems({ events: (t) => t.replace('{ ref: order_id, required: true }', '{ ref: ordr_id, required: true }') })).toEqual([
      'c/orders.yaml:13:19: event ORDER_PLACED, field order_id: ref "ordr_id" names no shared field (did you mean "order_id"?)',
    ]);
    expect(problems({ events: (t) => t.replace('extends: ORDER_PLACED', 'extends: ORDER_PLACD') })).toEqual([
      'c/orders.yaml:22:5: event ORDER_PAID: extends unknown event ORDER_PLACD (did you mean "ORDER_PLACED"?)',
    ]);
    expect(problems({ emitters: (t) => t.replaceAll('event: ORDER_PAID', 'event: ORDER_PAD').replace('[ORDER_PLACED, ORDER_PAID]', '[ORDER_PLACED, ORDR_PAID]') })).toEqual([
      'c/emitters.yaml:3:5: emitter emit_order: emits unknown event ORDER_PAD (did you mean "ORDER_PAID"?)',
      'c/emitters.yaml:7:5: extractor extract_order: unknown event ORDER_PAD (did you mean "ORDER_PAID"?)',
      'c/emitters.yaml:13:28: flow checkout: unknown event ORDR_PAID (did you mean "ORDER_PAID"?)',
    ]);
    expect(problems({ events: (t) => t.replace('fields: [order_id]\n    payload', 'fields: [orderid]\n    payload').replace('replaced_by: order_id', 'replaced_by: order_ids') })).toEqual([
      'c/orders.yaml:11:16: event ORDER_PLACED: dedup field "orderid" is not a field of its payload (did you mean "order_id"?)',
      'c/orders.yaml:17:41: event ORDER_PLACED, field amount: deprecated.replaced_by "order_ids" is not a field of ORDER_PLACED (did you mean "order_id"?)',
    ]);
    expect(problems({ fields: (t) => t.replace('{board_type}_x', '{board_typ}_x') })).toEqual([
      'c/fields.yaml:12:5: shared field config_key: template part {board_typ} must name a shared field with an enum (did you mean "board_type"?)',
    ]);
  });
});

describe('one bad reference, one error', () => {
  it('a bad ref of a field that dedup, a replacement and an extending event use is reported once', () => {
    expect(problems({ events: (t) => t.replace('{ ref: order_id, required: true }', '{ ref: order_key, required: true }') })).toEqual([
      'c/orders.yaml:13:19: event ORDER_PLACED, field order_id: ref "order_key" names no shared field',
    ]);
  });

  it('a bad extends is reported once, not again by the emitter, extractor and flow of the event', () => {
    expect(problems({ events: (t) => t.replace('extends: ORDER_PLACED', 'extends: ORDER_GONE') })).toEqual([
      'c/orders.yaml:22:5: event ORDER_PAID: extends unknown event ORDER_GONE',
    ]);
  });

  it('a refused shared field is reported once, not again by each ref to it and each template that uses it', () => {
    expect(problems({ fields: (t) => t.replace('  order_id:\n    type: string', '  order_id:\n    ref: board_type').replace('  board_type:\n    type: string', '  board_type:\n    ref: order_id') })).toEqual([
      'c/fields.yaml:3:5: shared field "order_id": a shared field cannot itself be a ref',
      'c/fields.yaml:6:5: shared field "board_type": a shared field cannot itself be a ref',
    ]);
  });

  it('a common field redeclared by an event is reported once, not again by its dedup', () => {
    const common = (t: string) => `${t}common_fields:\n  order_id:\n    type: string\n    description: Shared.\n`;
    const out = problems({ fields: (t) => common(t.replace(/  order_id:\n    type: string\n    description: Order.\n/, '')) });
    expect(out).toEqual([expect.stringMatching(/^c\/orders\.yaml:13:7: event ORDER_PLACED, field order_id: "order_id" is a common field of every event; do not redeclare it$/)]);
  });
});
