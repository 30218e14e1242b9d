import { describe, expect, it } from 'vitest';
import { PLATFORMS, isPlatform, reachMetricOf } from './platforms';

describe('reachMetricOf: which metric stands for reach', () => {
  it.each([
    ['facebook', 'post_total_media_view_unique', true],
    ['instagram', 'reach', true],
    ['x', 'impression_count', false],
    ['youtube', 'viewCount', false],
    ['tiktok', 'view_count', false],
    ['line', 'uniqueImpression', true],
  ] as const)('%s -> %s (unique reach: %s)', (platform, metric, unique) => {
    expect(reachMetricOf(platform)).toMatchObject({ metric, isUniqueReach: unique });
  });

  it('never uses the retired Facebook metric', () => {
    expect(PLATFORMS.map((p) => reachMetricOf(p).metric)).not.toContain('post_impressions_unique');
  });

  it('labels substitutes so no one mistakes them for reach', () => {
    for (const p of PLATFORMS) {
      const { label, isUniqueReach } = reachMetricOf(p);
      if (!isUniqueReach) expect(label).toMatch(/has no reach/);
    }
  });
});

describe('isPlatform', () => {
  it.each([
    ['facebook', true],
    ['line', true],
    ['twitter', false],
    ['', false],
    [null, false],
    [42, false],
  ])('%j -> %s', (value, expected) => {
    expect(isPlatform(value)).toBe(expected);
  });
});
