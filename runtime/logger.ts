/**
 * The runtime logs through this small interface so an application can route
 * router messages into its own logging (the Python system wrote them to the
 * coordination log). `meta` carries structured fields.
 */
import { inspect } from 'node:util';

export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/**
 * Writes warnings and errors to stderr and info (the event trace) to stdout;
 * drops debug. One line per message: `meta` follows as `key=value` pairs
 * (undefined values left out), never as a multi-line object dump.
 */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: (message, meta) => console.log(withMeta(message, meta)),
  warn: (message, meta) => console.warn(withMeta(message, meta)),
  error: (message, meta) => console.error(withMeta(message, meta)),
};

/** `message key=value …` on one line; a value with spaces, quotes or control characters is JSON-quoted. */
export function withMeta(message: string, meta: Record<string, unknown> | undefined): string {
  if (meta === undefined) return message;
  let line = message;
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined) continue;
    let text: string;
    try {
      text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    } catch {
      text = String(value);
    }
    line += ` ${key}=${/^[\x21-\x7e]*$/.test(text) && !text.includes('"') && text !== '' ? text : JSON.stringify(text)}`;
  }
  return line;
}

/** Discards everything (tests and benchmarks). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Longest message errorMessage returns (a thrown object may be huge). */
const MAX_MESSAGE = 2_000;

/**
 * The message of anything thrown, without assuming it is an Error, and never
 * throwing itself: a handler may throw a bigint, a cyclic object, an object
 * whose `toJSON` throws, or a revoked proxy, and its failure must still be
 * retried, parked and reported like any other.
 */
export function errorMessage(error: unknown): string {
  return clip(describe(error));
}

function describe(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      if (typeof message === 'string' && message !== '') return message;
      return typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
    }
    if (typeof error === 'string') return error;
    const json = JSON.stringify(error);
    if (json !== undefined) return json;
  } catch {
    // not JSON (a bigint, a cycle, a toJSON that throws) or a hostile object: inspect it below
  }
  try {
    return inspect(error, { depth: 2, breakLength: Infinity });
  } catch {
    return `a thrown ${typeof error} that cannot be described`;
  }
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}… (${message.length} characters)`;
}
