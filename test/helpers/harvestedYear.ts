/**
 * The data end-to-end dashboard tests run on: FY2564 harvested from nothing by the real
 * collector pipeline from the simulator (the year-from-nothing steps: the office's hashtag rule,
 * Facebook counted, the clock stepped to each report date with discovery and harvest), so the
 * dashboard shows what the collector stored, not an import. The collector stays open so a test
 * can move the simulator's clock and harvest again (live updates).
 */
import { loadFy2564 } from '@reachline/shared/data';
import { startTestCollector, type TestCollector } from './collector';
import type { TestDatabase } from './services';

/** Noon in Bangkok on a YYYY-MM-DD date. */
export const bangkokNoon = (date: string) => new Date(`${date}T12:00:00+07:00`);

/** The FY2564 report dates (one per monthly entry with posts), in order. */
export function fy2564ReportDates(): string[] {
  return [...new Set(loadFy2564().posts.map((p) => p.reportDate))].sort();
}

/**
 * Harvests FY2564 into `db` up to and including the report date `until` (default: the last).
 * About a minute for the whole year on the development machine.
 */
export async function harvestFy2564(
  db: TestDatabase,
  opts: { until?: string; onStep?: (date: string) => void } = {},
): Promise<TestCollector> {
  const c = await startTestCollector(db, { start: new Date('2020-10-01T00:00:00+07:00') });
  await c.models.KpiSettings.create({
    fiscalYear: 2564,
    infographicRule: { hashtags: ['อินโฟกราฟิกกทม'], keywords: [] },
    countedPlatforms: ['facebook'],
  });
  for (const date of fy2564ReportDates()) {
    if (opts.until !== undefined && date > opts.until) break;
    await c.setTime(bangkokNoon(date));
    await c.step();
    opts.onStep?.(date);
  }
  return c;
}
