/**
 * Numbers and dates as the office writes them: Thai digit grouping, Buddhist-Era years, times in
 * Asia/Bangkok. Browser-safe (used by client components too).
 */
import {
  bangkokDateOf,
  BANGKOK_UTC_OFFSET_MS,
  THAI_MONTH_ABBREVIATIONS,
  toBuddhistYear,
} from '@reachline/shared';
import type { Lang } from './catalog';

const numberTh = new Intl.NumberFormat('th-TH');
const numberEn = new Intl.NumberFormat('en-US');

export function formatNumber(value: number, lang: Lang): string {
  return (lang === 'th' ? numberTh : numberEn).format(value);
}

const MONTHS_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** "5 เม.ย. 2564" / "5 Apr 2564 BE": the date in Bangkok with its Buddhist-Era year. */
export function formatDateBE(instant: Date, lang: Lang): string {
  const d = bangkokDateOf(instant);
  const be = toBuddhistYear(d.year);
  return lang === 'th'
    ? `${d.day} ${THAI_MONTH_ABBREVIATIONS[d.month - 1]} ${be}`
    : `${d.day} ${MONTHS_EN[d.month - 1]} ${be} BE`;
}

/** The date as above, with the Bangkok time: "5 เม.ย. 2564 14:05". */
export function formatDateTimeBE(instant: Date, lang: Lang): string {
  const local = new Date(instant.getTime() + BANGKOK_UTC_OFFSET_MS);
  const hh = String(local.getUTCHours()).padStart(2, '0');
  const mm = String(local.getUTCMinutes()).padStart(2, '0');
  return `${formatDateBE(instant, lang)} ${hh}:${mm}`;
}

/** "เม.ย. 2564" / "Apr 2564" for a month key "2021-04". */
export function formatMonthBE(monthKey: string, lang: Lang): string {
  const [y, m] = monthKey.split('-').map(Number) as [number, number];
  return `${(lang === 'th' ? THAI_MONTH_ABBREVIATIONS : MONTHS_EN)[m - 1]} ${toBuddhistYear(y)}`;
}

/** "4 min" / "4 นาที": a duration in the largest sensible unit. */
export function formatDuration(ms: number, lang: Lang): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return lang === 'th' ? `${minutes} นาที` : `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return lang === 'th' ? `${hours} ชั่วโมง` : `${hours} h`;
  const days = Math.round(hours / 24);
  return lang === 'th' ? `${days} วัน` : `${days} days`;
}
