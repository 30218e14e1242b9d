/** Parsing of the story page's form fields: pure, so it is tested without a server. */
import { BANGKOK_UTC_OFFSET_MS } from '@reachline/shared';

/** A text field of a submitted form ('' when absent or a file), at most `max` characters. */
export function field(form: FormData, name: string, max = 200): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim().slice(0, max + 1) : '';
}

/**
 * A reach typed by a person: digits, optionally grouped with commas ("4321", "4,321"); a whole
 * number from 0 to 10^10. Anything else (a sign, a decimal point, an exponent, letters) is null.
 */
export function parseReach(text: string): number | null {
  if (!/^(\d{1,3}(,\d{3})+|\d{1,11})$/.test(text)) return null;
  const value = Number(text.replace(/,/g, ''));
  return Number.isSafeInteger(value) && value <= 1e10 ? value : null;
}

/**
 * A `datetime-local` value ("2021-04-29T10:00") read as Bangkok time; '' means `fallback`.
 * Null when malformed.
 */
export function parseBangkokLocal(text: string, fallback: Date): Date | null {
  if (text === '') return fallback;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi) - BANGKOK_UTC_OFFSET_MS;
  const at = new Date(utc);
  // Reject roll-overs such as 2021-02-31.
  const back = new Date(utc + BANGKOK_UTC_OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return null;
  if (h > 23 || mi > 59) return null;
  return at;
}
