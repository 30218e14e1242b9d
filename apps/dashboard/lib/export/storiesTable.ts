import { BANGKOK_UTC_OFFSET_MS, bangkokDateOf, toBuddhistYear } from '@reachline/shared';
import type { Translate } from '../i18n/catalog';
import {
  METRIC_NAME_KEYS,
  PLATFORM_NAME_KEYS,
  STATUS_KEYS,
  type StoryListItem,
} from '../queries/stories';
import type { ExportTable } from './table';

/** The stories list as an export table: every matching story, in the list's order. */
export function storiesTable(items: readonly StoryListItem[], t: Translate): ExportTable {
  return {
    columns: [
      { header: t('storiesExportId'), kind: 'text', width: 26 },
      { header: t('storiesColTitle'), kind: 'text', width: 60 },
      { header: t('storiesColPlatforms'), kind: 'text', width: 20 },
      { header: t('storiesColPublished'), kind: 'date', width: 18 },
      { header: t('storiesExportMonth'), kind: 'text', width: 10 },
      { header: t('storiesColReach'), kind: 'number', width: 12 },
      { header: t('storiesColMetric'), kind: 'text', width: 30 },
      { header: t('storiesExportThreshold'), kind: 'number', width: 10 },
      { header: t('storiesExportPassed'), kind: 'text', width: 8 },
      { header: t('storiesColStatus'), kind: 'text', width: 16 },
      { header: t('storiesColCrossed'), kind: 'date', width: 18 },
    ],
    rows: items.map(({ row, status, countedPlatforms }) => [
      row.id,
      row.title,
      row.platforms.map((p) => t(PLATFORM_NAME_KEYS[p])).join(', '),
      row.publishedAt,
      row.monthKey,
      row.reach,
      countedPlatforms.map((p) => t(METRIC_NAME_KEYS[p])).join(', '),
      row.threshold,
      row.passed ? t('storiesExportYes') : t('storiesExportNo'),
      t(STATUS_KEYS[status]),
      row.crossedThresholdAt,
    ]),
  };
}

/** A CSV date as the office writes report dates: DD/MM/YYYY (Buddhist Era) HH:MM, Bangkok time. */
export function csvDateBE(instant: Date): string {
  const d = bangkokDateOf(instant);
  const local = new Date(instant.getTime() + BANGKOK_UTC_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.day)}/${two(d.month)}/${toBuddhistYear(d.year)} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`;
}

/** The Bangkok wall-clock time as a zone-less spreadsheet date. */
export function bangkokWallClock(instant: Date): Date {
  return new Date(instant.getTime() + BANGKOK_UTC_OFFSET_MS);
}

/** `reachline-stories-2564-2021-04.csv`: the year and filters that matter in the name. */
export function exportFileName(
  fiscalYear: number,
  month: string | null,
  format: 'csv' | 'xlsx',
): string {
  return `reachline-stories-${fiscalYear}${month ? `-${month}` : ''}.${format}`;
}
