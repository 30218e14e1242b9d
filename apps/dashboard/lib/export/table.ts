/**
 * A table to export: typed columns and rows, written to CSV or XLSX by the writers beside this
 * file. Text comes from the internet (post titles), so both writers defuse formulas the same way.
 */
export type CellValue = string | number | Date | null;

export interface ExportColumn {
  header: string;
  kind: 'text' | 'number' | 'date';
  /** Column width in characters (XLSX only). */
  width?: number;
}

export interface ExportTable {
  columns: ExportColumn[];
  rows: CellValue[][];
}

/**
 * A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (and, in some, a leading tab or
 * carriage return) as a formula: `=HYPERLINK(...)` in a title would become a live link, or worse
 * a DDE command. OWASP's guidance: prefix such text with a single quote so it stays text. Numbers
 * are written as numbers and are never prefixed.
 */
export function inertText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
