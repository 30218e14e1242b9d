import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import type { ExportTable } from './table';

const table = (rows: ExportTable['rows']): ExportTable => ({
  columns: [
    { header: 'title', kind: 'text' },
    { header: 'reach', kind: 'number' },
    { header: 'published', kind: 'date' },
  ],
  rows,
});
const iso = (d: Date) => d.toISOString();

/** A minimal RFC 4180 reader, to check the writer's output the way a spreadsheet reads it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV writer', () => {
  it('starts with a BOM and ends every line with CRLF', () => {
    const csv = toCsv(table([['กทม.', 23156, new Date('2021-04-05T03:00:00Z')]]), iso);
    expect(csv.startsWith('\uFEFFtitle,reach,published\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(parseCsv(csv.slice(1))).toEqual([
      ['title', 'reach', 'published'],
      ['กทม.', '23156', '2021-04-05T03:00:00.000Z'],
    ]);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and reads back the same', () => {
    const title = 'ฝุ่น, "PM2.5"\nวันนี้';
    const csv = toCsv(table([[title, 1, null]]), iso);
    expect(csv).toContain('"ฝุ่น, ""PM2.5""\nวันนี้"');
    expect(parseCsv(csv.slice(1))[1]).toEqual([title, '1', '']);
  });

  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['ok = fine', 'ok = fine'],
  ])('makes %j inert text', (title, expected) => {
    const csv = toCsv(table([[title, -5, null]]), iso);
    const [, row] = parseCsv(csv.slice(1));
    expect(row).toEqual([expected, '-5', '']); // a number stays a number, even a negative one
  });
});
