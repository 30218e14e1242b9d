import { describe, expect, it } from 'vitest';
import { reachEdges, reachHistogram } from './overviewDistribution';

describe('reachHistogram', () => {
  it('has the threshold as an edge', () => {
    expect(reachEdges(3000)).toEqual([0, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 100000]);
    expect(reachEdges(4500)).toContain(4500);
  });

  it('puts a reach exactly at the threshold in the first passing bin', () => {
    const bins = reachHistogram([2999, 3000, 0, 999, 1000, 64630, 250000], 3000);
    const counts = Object.fromEntries(bins.map((b) => [b.from, b.count]));
    expect(counts).toEqual({
      0: 2,
      1000: 1,
      2000: 1,
      3000: 1,
      5000: 0,
      10000: 0,
      20000: 0,
      50000: 1,
      100000: 1,
    });
    expect(bins.filter((b) => b.passes).map((b) => b.from)).toEqual([
      3000, 5000, 10000, 20000, 50000, 100000,
    ]);
    expect(bins.at(-1)?.to).toBeNull();
  });

  it('counts every story once', () => {
    const reaches = Array.from({ length: 500 }, (_, i) => i * 397);
    const bins = reachHistogram(reaches, 3000);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(500);
  });

  it('survives a tiny threshold', () => {
    const bins = reachHistogram([0, 1, 2], 1);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(3);
    expect(new Set(bins.map((b) => b.from)).size).toBe(bins.length);
  });
});
