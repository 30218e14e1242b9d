import { type CellValue, type ExportTable, inertText } from './table';

const BOM = '\uFEFF';

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function cell(value: CellValue, dateText: (d: Date) => string): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (value instanceof Date) return field(dateText(value));
  return field(inertText(value));
}

/**
 * The table as CSV: UTF-8 with a byte-order mark (without it Excel reads Thai as mojibake), CRLF
 * line ends, RFC 4180 quoting, formula-looking text defused. Dates are written by `dateText`
 * (the caller decides the calendar and zone).
 */
export function toCsv(table: ExportTable, dateText: (d: Date) => string): string {
  const lines = [table.columns.map((c) => field(inertText(c.header))).join(',')];
  for (const row of table.rows) lines.push(row.map((v) => cell(v, dateText)).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
