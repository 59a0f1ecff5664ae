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

/** Writes warnings and errors to stderr and info (the event trace) to stdout; drops debug. */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: (message, meta) => console.log(message, ...(meta ? [meta] : [])),
  warn: (message, meta) => console.warn(message, ...(meta ? [meta] : [])),
  error: (message, meta) => console.error(message, ...(meta ? [meta] : [])),
};

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
