/**
 * Patterns are globs (runtime/README.md "Patterns"): a regular expression is
 * refused with PatternSyntaxError, which names the glob meaning the same when
 * there is one; and `since` is epoch milliseconds, a Date or an ISO string,
 * never seconds read as milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { PatternSyntaxError } from '../../runtime/errors.js';
import { testRouters, trainingPayload } from './helpers.js';

const router = testRouters();

/** The error subscribing to `pattern` throws. */
function refusal(pattern: string): PatternSyntaxError {
  try {
    router().subscribe(pattern, () => undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(PatternSyntaxError);
    return error as PatternSyntaxError;
  }
  throw new Error(`subscribe(${JSON.stringify(pattern)}) was accepted`);
}

describe('a regular expression where a glob is expected', () => {
  it.each([
    ['training\\..*', 'training.*'],
    ['^training\\..*$', 'training.*'],
    ['^TRAINING_.*', 'TRAINING_*'],
    ['training.+', 'training*'],
    ['.*_COMPLETED$', '*_COMPLETED'],
    ['^.*.*$', '*'],
    ['data\\.new_games', 'data.new_games'],
    ['cost\\$', 'cost$'],
    ['a.b\\-c', 'a.b-c'],
  ])('%s is refused, naming the glob %s', (pattern, glob) => {
    const error = refusal(pattern);
    expect(error.pattern).toBe(pattern);
    expect(error.glob).toBe(glob);
    expect(error.message).toContain(`use ${JSON.stringify(glob)}`);
  });

  it.each(['training\\.(completed|failed)', '[a-z]+_COMPLETED', 'node\\d', 'x?', 'a{2}', 'trailing\\', '^$|x', 'a*+'])(
    '%s is refused, and the message says no glob means the same',
    (pattern) => {
      const error = refusal(pattern);
      expect(error.glob).toBeUndefined();
      expect(error.message).toContain('has no glob equivalent');
    },
  );

  it('a glob is taken as it is: the subscriber gets the events it matches', async () => {
    const r = router();
    const seen: string[] = [];
    r.subscribe('training.*', (e) => void seen.push(e.type));
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    expect(seen).toEqual(['TRAINING_COMPLETED']);
  });
});

describe('replay({ since })', () => {
  it('takes epoch milliseconds, a Date and an ISO string alike, and replays only what is newer', async () => {
    const r = router();
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    const before = Date.now() - 60_000;
    const after = Date.now() + 60_000;
    const count = (since: number | Date | string) => r.replay({ handler: () => undefined, topic: 'training.completed', since });
    expect(await count(before)).toBe(1);
    expect(await count(new Date(before))).toBe(1);
    expect(await count(new Date(before).toISOString())).toBe(1);
    expect(await count(after)).toBe(0);
    expect(await count(new Date(after))).toBe(0);
    expect(await count(new Date(after).toISOString())).toBe(0);
  });

  it('refuses seconds since the epoch, naming the value and what to pass, and an unparsable time', async () => {
    const r = router();
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    const seconds = Math.floor(Date.now() / 1000) - 3600;
    await expect(r.replay({ handler: () => undefined, topic: 'training.completed', since: seconds })).rejects.toThrow(
      `replay({ since: ${seconds} }): since is epoch milliseconds (or a Date, or an ISO string); ${seconds} reads as seconds since the epoch, as Python's time.time() gives: pass ${seconds} * 1000`,
    );
    await expect(r.replay({ handler: () => undefined, topic: 'training.completed', since: 'yesterday' })).rejects.toThrow('not a time: yesterday');
  });

  it('takes 0 and small millisecond values (the start of the epoch) without reading them as seconds', async () => {
    const r = router();
    await r.publish('TRAINING_COMPLETED', trainingPayload());
    expect(await r.replay({ handler: () => undefined, topic: 'training.completed', since: 0 })).toBe(1);
    expect(await r.replay({ handler: () => undefined, topic: 'training.completed', since: 1000 })).toBe(1);
  });
});
