/**
 * A catalog's view of the router, checked by the compiler: event names are the
 * union of the catalog's spellings, `publish` takes that event's payload type,
 * and a handler receives an envelope of that event's payload. A pattern
 * (`training.*`, `TRAINING_*`, `*`) gives the union of the envelopes of the
 * events it matches, by name or topic, as the router matches them at run time.
 *
 * The generated `getRouter()` returns `TypedRouter<…>` of its catalog; the
 * object is the ordinary runtime `Router`, so nothing changes at run time.
 */
import type { EventEnvelope } from './envelope.js';
import type { PublishOptions, PublishResult, Router, SubscribeOptions } from './router.js';

/** What the generated code tells the compiler about a catalog. */
export interface CatalogTypes {
  /** Canonical event name → payload type. */
  readonly payloads: object;
  /** Every spelling → its canonical event name. */
  readonly spellings: Readonly<Record<string, string>>;
  /** Canonical event name → topic. */
  readonly topics: Readonly<Record<string, string>>;
}

type EventNameOf<C extends CatalogTypes> = keyof C['payloads'] & string;
type PayloadOfEvent<C extends CatalogTypes, E> = E extends keyof C['payloads'] ? C['payloads'][E] : never;

/** The envelope of one event: `type` is its canonical name, `data` its payload. */
export type EnvelopeOf<C extends CatalogTypes, E extends EventNameOf<C>> = EventEnvelope<PayloadOfEvent<C, E>> & { readonly type: E };

/** A union of envelopes, discriminated by `type`: `if (e.type === 'X')` narrows `e.data`. */
export type EnvelopeUnion<C extends CatalogTypes, E extends EventNameOf<C>> = { [K in E]: EnvelopeOf<C, K> }[E];

/** `*` of a subscription pattern as a template literal type: `training.*` → `training.${string}`. */
type Glob<P extends string> = P extends `${infer Head}*${infer Tail}` ? `${Head}${string}${Glob<Tail>}` : P;

/** The events a pattern matches, by canonical name or by topic. */
export type EventsMatching<C extends CatalogTypes, P extends string> = {
  [E in EventNameOf<C>]: E extends Glob<P> ? E : E extends keyof C['topics'] ? (C['topics'][E] extends Glob<P> ? E : never) : never;
}[EventNameOf<C>];

/** A subscription pattern: a string with at least one `*`. */
export type SubscriptionPattern = `${string}*${string}`;

/** A pattern that matches no event is refused by the compiler, as it is by the router at run time. */
type CheckedPattern<C extends CatalogTypes, P extends string> = [EventsMatching<C, P>] extends [never] ? never : P;

export type TypedHandler<C extends CatalogTypes, E extends EventNameOf<C>> = (event: EnvelopeUnion<C, E>) => unknown;

export interface TypedRouter<C extends CatalogTypes> extends Omit<Router, 'publish' | 'subscribe' | 'unsubscribe'> {
  /** Publishes an event under any of its spellings, with its payload type. */
  publish<S extends keyof C['spellings'] & string>(
    event: S,
    payload: PayloadOfEvent<C, C['spellings'][S]>,
    options?: PublishOptions,
  ): Promise<PublishResult>;
  /** Subscribes to one event (any spelling); the handler gets that event's envelope. Returns the unsubscribe function. */
  subscribe<S extends keyof C['spellings'] & string>(
    event: S,
    handler: TypedHandler<C, C['spellings'][S] & EventNameOf<C>>,
    options?: SubscribeOptions,
  ): () => void;
  /** Subscribes to a pattern; the handler gets the envelope of any event it matches. */
  subscribe<P extends SubscriptionPattern>(pattern: CheckedPattern<C, P>, handler: TypedHandler<C, EventsMatching<C, P>>, options?: SubscribeOptions): () => void;
  /** Removes the subscription of `handler` to this event or pattern; true if there was one. */
  unsubscribe(eventOrPattern: (keyof C['spellings'] & string) | SubscriptionPattern, handler: (event: never) => unknown): boolean;
}

/** The typed view of a router (the same object). */
export function typedRouter<C extends CatalogTypes>(router: Router): TypedRouter<C> {
  return router as unknown as TypedRouter<C>;
}

/** The plain router behind a typed one (the same object), for APIs that take any event name. */
export function untypedRouter(router: Router | Omit<Router, 'publish' | 'subscribe' | 'unsubscribe'>): Router {
  return router as Router;
}
