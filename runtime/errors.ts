/** Errors the router throws at publishers and subscribers. */
import type { PayloadIssue } from './registry.js';

/** No event of the catalog has this spelling (design rule 1: never a silent miss). */
export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
  constructor(readonly spelling: string) {
    super(`unknown event ${JSON.stringify(spelling)}: no event of the catalog has this spelling`);
  }
}

/** A payload failed validation in strict mode; names the event and every field at fault. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly eventType: string,
    readonly issues: readonly PayloadIssue[],
  ) {
    super(`invalid ${eventType} payload: ${issues.map((i) => (i.field ? `field "${i.field}" ${i.message}` : i.message)).join('; ')}`);
  }
}

/** The router was closed. */
export class RouterClosedError extends Error {
  override readonly name = 'RouterClosedError';
  constructor(action: string) {
    super(`cannot ${action}: the router is closed`);
  }
}

/** A subscription or history pattern written as a regular expression: patterns are globs (runtime/README.md "Patterns"). */
export class PatternSyntaxError extends TypeError {
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
