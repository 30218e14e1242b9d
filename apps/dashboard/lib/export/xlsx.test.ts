import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ExportTable } from './table';
import { toXlsx } from './xlsx';

const published = new Date('2021-04-05T03:00:00Z');
const table: ExportTable = {
  columns: [
    { header: 'title', kind: 'text' },
    { header: 'reach', kind: 'number' },
    { header: 'published', kind: 'date' },
    { header: 'crossed', kind: 'date' },
  ],
  rows: [
    ['=HYPERLINK("http://x")', 23156, published, null],
    ['กทม. ชวนฉีดวัคซีน', -5, published, published],
    ['@cmd|" /C calc"!A0', 0, published, null],
  ],
};

async function readBack(buffer: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no sheet');
  return sheet;
}

describe('XLSX writer', () => {
  it('writes formula-looking titles as inert text cells, numbers as numbers, dates as dates', async () => {
    const buffer = await toXlsx(table, 'Stories', (d) => new Date(d.getTime() + 7 * 3_600_000));
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK'); // an XLSX is a zip
    const sheet = await readBack(buffer);
    expect(sheet.rowCount).toBe(4);
    expect(sheet.name).toBe('Stories');
    expect(sheet.getRow(1).values).toEqual([undefined, 'title', 'reach', 'published', 'crossed']);

    const title = sheet.getCell('A2');
    expect(title.type).toBe(ExcelJS.ValueType.String);
    expect(title.value).toBe(`'=HYPERLINK("http://x")`);
    expect(title.formula).toBeUndefined();
    expect(sheet.getCell('A4').value).toBe(`'@cmd|" /C calc"!A0`);
    expect(sheet.getCell('A4').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('A3').value).toBe('กทม. ชวนฉีดวัคซีน');

    expect(sheet.getCell('B2').type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell('B2').value).toBe(23156);
    expect(sheet.getCell('B3').value).toBe(-5);

    const date = sheet.getCell('C2');
    expect(date.type).toBe(ExcelJS.ValueType.Date);
    expect((date.value as Date).toISOString()).toBe('2021-04-05T10:00:00.000Z'); // Bangkok wall clock
    expect(date.numFmt).toContain('dd/mm/yyyy');
    expect(sheet.getCell('D2').type).toBe(ExcelJS.ValueType.Null);

    // and no cell anywhere in the sheet carries a formula
    sheet.eachRow((row) =>
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)),
    );
  });
});
