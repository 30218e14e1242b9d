/**
 * The distribution of story reach as a histogram whose bins always have the threshold as an
 * edge, so every bin is wholly below or wholly at/above the line. Edges are fixed fractions and
 * multiples of the threshold (for 3,000: 0, 1k, 2k, 3k, 5k, 10k, 20k, 50k, 100k and more), which
 * keeps the chart readable from ten stories to ten thousand. Pure; browser-safe.
 */

export interface ReachBin {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge; null for the last, open bin. */
  to: number | null;
  count: number;
  /** True when the whole bin is at or above the threshold. */
  passes: boolean;
}

const EDGE_FACTORS = [0, 1 / 3, 2 / 3, 1, 5 / 3, 10 / 3, 20 / 3, 50 / 3, 100 / 3];

export function reachEdges(threshold: number): number[] {
  const base = Math.max(1, Math.round(threshold));
  const edges = EDGE_FACTORS.map((f) => Math.round(f * base));
  return [...new Set(edges)]; // a tiny threshold may round two edges together
}

export function reachHistogram(reaches: Iterable<number>, threshold: number): ReachBin[] {
  const edges = reachEdges(threshold);
  const bins: ReachBin[] = edges.map((from, i) => ({
    from,
    to: edges[i + 1] ?? null,
    count: 0,
    passes: from >= threshold,
  }));
  for (const reach of reaches) {
    // Last edge not above the reach (edges are ascending and start at 0).
    let i = edges.length - 1;
    while (i > 0 && reach < edges[i]!) i--;
    bins[i]!.count++;
  }
  return bins;
}
