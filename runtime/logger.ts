/**
 * The runtime logs through this small interface so an application can route
 * router messages into its own logging (the Python system wrote them to the
 * coordination log). `meta` carries structured fields.
 */
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

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}
