import { describe, expect, it } from 'vitest';
import { InFlight } from '../../renderer/src/inFlight.js';

/** A request held open until the test settles it, counting how often it was started. */
function held<T>() {
  let starts = 0;
  let resolve: (v: T) => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const start = () => {
    starts++;
    return new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  };
  return { start, starts: () => starts, resolve: (v: T) => resolve(v), reject: (e: Error) => reject(e) };
}

describe('InFlight: asking again for what is being fetched joins the request under way', () => {
  it('starts one request for two asks of the same key, and both get its answer', async () => {
    const inFlight = new InFlight<string>();
    const req = held<string>();
    const first = inFlight.run('Li-|true|[]', req.start);
    const second = inFlight.run('Li-|true|[]', req.start);
    expect(req.starts()).toBe(1);
    expect(second).toBe(first);
    req.resolve('maps');
    expect(await Promise.all([first, second])).toEqual(['maps', 'maps']);
  });

  it('starts another request for another key, side by side', async () => {
    const inFlight = new InFlight<string>();
    const li = held<string>();
    const fe = held<string>();
    const a = inFlight.run('Li-', li.start);
    const b = inFlight.run('Fe-', fe.start);
    expect([li.starts(), fe.starts()]).toEqual([1, 1]);
    fe.resolve('fe');
    li.resolve('li');
    expect(await Promise.all([a, b])).toEqual(['li', 'fe']);
  });

  it('a cancelled request rejects every asker, and the next ask starts anew', async () => {
    const inFlight = new InFlight<string>();
    const req = held<string>();
    const first = inFlight.run('k', req.start);
    const second = inFlight.run('k', req.start);
    req.reject(new Error('Li⁻ maps: cancelled'));
    await expect(first).rejects.toThrow(/cancelled/);
    await expect(second).rejects.toThrow(/cancelled/);
    expect(inFlight.has('k')).toBe(false);
    const again = inFlight.run('k', req.start);
    expect(req.starts()).toBe(2);
    req.resolve('maps');
    expect(await again).toBe('maps');
  });

  it('forgets a request once answered: the answer is the caller’s to keep, not handed out again', async () => {
    const inFlight = new InFlight<number>();
    let n = 0;
    expect(await inFlight.run('k', async () => ++n)).toBe(1);
    expect(inFlight.has('k')).toBe(false);
    expect(await inFlight.run('k', async () => ++n)).toBe(2);
  });

  it('a start that throws rejects that ask and leaves nothing in flight', async () => {
    const inFlight = new InFlight<number>();
    await expect(
      inFlight.run('k', () => {
        throw new Error('no study');
      }),
    ).rejects.toThrow('no study');
    expect(inFlight.has('k')).toBe(false);
  });
});
