/** Closing what a test opened, whether the test passed or not. */
import { afterEach } from 'vitest';

/**
 * Registers one afterEach hook in the calling file and returns `keep`:
 * whatever is passed to `keep(x)` during a test is closed after it.
 */
export function closeAfterEach<T extends { close(): Promise<void> }>(): (resource: T) => T {
  const open: T[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((resource) => resource.close()));
  });
  return (resource) => {
    open.push(resource);
    return resource;
  };
}
