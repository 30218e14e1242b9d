/**
 * How a post's counters grow: a saturating curve final * (1 - e^(-t/tau)), rescaled so that it
 * reaches `final` exactly at `curveDays` (which may be fractional) and stays there. Integer-valued
 * and non-decreasing; strictly below `final` (when positive) at every instant before the end.
 */
import { DAY_MS } from './types';

export function grownValue(
  final: number,
  publishedAt: number,
  now: number,
  tauDays: number,
  curveDays: number,
): number {
  if (now < publishedAt) return 0;
  const days = (now - publishedAt) / DAY_MS;
  if (days >= curveDays) return final;
  const share = (1 - Math.exp(-days / tauDays)) / (1 - Math.exp(-curveDays / tauDays));
  return Math.max(0, Math.min(final - 1, Math.floor(final * share)));
}
