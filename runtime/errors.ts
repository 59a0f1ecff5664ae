/**
 * The runtime's error base class, the one "closed" error, and the errors the
 * router throws at publishers and subscribers. Every error the runtime throws
 * is a RingRiftEventsError, so one `instanceof` tells the package's errors
 * from everything else.
 */
import type { PayloadIssue } from './registry.js';

/** The base class of every error the runtime throws. */
export class RingRiftEventsError extends Error {
  override readonly name: string = 'RingRiftEventsError';
}

/**
 * The router, queue or transport was closed: nothing more can be done through
 * this instance. `component` names it ("the router", "the event queue
 * /data/events.db", "nats transport"), `action` what was refused.
 */
export class ClosedError extends RingRiftEventsError {
  override readonly name: string = 'ClosedError';
  constructor(
    readonly component: string,
    readonly action: string,
    message = `cannot ${action}: ${component} is closed`,
  ) {
    super(message);
  }
}

/** No event of the catalog has this spelling (design rule 1: never a silent miss). */
export class UnknownEventError extends RingRiftEventsError {
  override readonly name = 'UnknownEventError';
  constructor(readonly spelling: string) {
    super(`unknown event ${JSON.stringify(spelling)}: no event of the catalog has this spelling`);
  }
}

/**
 * A payload failed validation: refused by the router or the queue in strict
 * mode, or by a generated `assertPayload` / extractor. Names the event and
 * every field at fault. The runtime's one validation error.
 */
export class EventValidationError extends RingRiftEventsError {
  override readonly name = 'EventValidationError';
  constructor(
    readonly eventType: string,
    readonly issues: readonly PayloadIssue[],
  ) {
    super(`invalid ${eventType} payload: ${issues.map((i) => (i.field ? `field "${i.field}" ${i.message}` : i.message)).join('; ')}`);
  }

  /** @deprecated The event's name, as `eventType` (the field of the former PayloadValidationError). */
  get event(): string {
    return this.eventType;
  }
}

/**
 * The API was called in a way it cannot honour (a second router with another
 * registry, a handler name already taken, a transport started twice); the
 * message says how to call it instead.
 */
export class UsageError extends RingRiftEventsError {
  override readonly name: string = 'UsageError';
}

/**
 * A call a transport cannot take in its present state: `start` of a started
 * transport, a replay that needs the router's `deliver` before `start` gave it.
 * `action` names the refused call.
 */
export class TransportStateError extends UsageError {
  override readonly name = 'TransportStateError';
  constructor(
    readonly transport: string,
    readonly action: string,
    message: string,
  ) {
    super(message);
  }
}

/** The router was closed (a ClosedError; the name is kept for existing `instanceof` checks). */
export class RouterClosedError extends ClosedError {
  override readonly name = 'RouterClosedError';
  constructor(action: string) {
    super('the router', action);
  }
}

/** A subscription or history pattern written as a regular expression: patterns are globs (runtime/README.md "Patterns"). */
export class PatternSyntaxError extends RingRiftEventsError {
  override readonly name = 'PatternSyntaxError';
  constructor(
    readonly pattern: string,
    /** The glob meaning the same, when there is one. */
    readonly glob: string | undefined,
  ) {
    super(
      `pattern ${JSON.stringify(pattern)} is a regular expression; patterns are globs (* matches any run of characters, dots included)` +
        (glob !== undefined ? `: use ${JSON.stringify(glob)}` : ', and this one has no glob equivalent: subscribe to each event, or to a wider glob and filter in the handler'),
    );
  }
}
