import { describe, expect, it } from 'vitest';
import { cachedFor, forgetCached } from './smallCache';

/** Like a mongoose Query: a thenable that runs its work on each `then`, and refuses a second run. */
function queryLike<T>(value: T): PromiseLike<T> & { runs: number } {
  const q = {
    runs: 0,
    then<R1, R2>(ok?: (v: T) => R1 | PromiseLike<R1>, bad?: (e: unknown) => R2 | PromiseLike<R2>) {
      q.runs++;
      const p =
        q.runs > 1
          ? Promise.reject(new Error('Query was already executed'))
          : Promise.resolve(value);
      return p.then(ok, bad);
    },
  };
  return q;
}

describe('cachedFor', () => {
  it('runs the load once within the time to live, and every caller gets the value', async () => {
    forgetCached();
    const q = queryLike({ threshold: 3000 });
    const load = () => q as unknown as Promise<{ threshold: number }>;
    const [a, b] = await Promise.all([cachedFor('k', 5_000, load), cachedFor('k', 5_000, load)]);
    expect(a).toEqual({ threshold: 3000 });
    expect(b).toEqual({ threshold: 3000 });
    expect(await cachedFor('k', 5_000, load)).toEqual({ threshold: 3000 });
    expect(q.runs).toBe(1);
  });

  it('loads again after forgetCached, and never keeps a failure', async () => {
    forgetCached();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('store down'));
    };
    await expect(cachedFor('f', 5_000, failing)).rejects.toThrow('store down');
    await expect(cachedFor('f', 5_000, failing)).rejects.toThrow('store down');
    expect(calls).toBe(2);
    expect(await cachedFor('g', 5_000, () => Promise.resolve(1))).toBe(1);
    forgetCached('g');
    expect(await cachedFor('g', 5_000, () => Promise.resolve(2))).toBe(2);
  });
});
