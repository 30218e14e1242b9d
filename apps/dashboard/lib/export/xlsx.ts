import ExcelJS from 'exceljs';
import { type ExportTable, inertText } from './table';

/**
 * The table as an XLSX workbook of one sheet. Numbers are numeric cells, dates are date cells
 * (`dateOf` maps an instant to the wall-clock time it should show, since a spreadsheet date has
 * no zone; shown in the Buddhist Era through Excel's Thai-calendar format code `[$-1070000]`), and text is always a string cell: exceljs only writes a formula for a `{ formula }`
 * value, and formula-looking text gets the same leading quote as in the CSV, so it stays inert if
 * someone re-saves the sheet as CSV.
 */
export async function toXlsx(
  table: ExportTable,
  sheetName: string,
  dateOf: (d: Date) => Date,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Reachline';
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c) => ({
    header: inertText(c.header),
    width: c.width ?? (c.kind === 'text' ? 30 : 14),
    style:
      c.kind === 'date'
        ? { numFmt: '[$-1070000]dd/mm/yyyy hh:mm' }
        : c.kind === 'number'
          ? { numFmt: '#,##0' }
          : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) {
    sheet.addRow(
      row.map((value, i) => {
        if (value === null) return null;
        const kind = table.columns[i]?.kind ?? 'text';
        if (value instanceof Date) return kind === 'date' ? dateOf(value) : value.toISOString();
        if (typeof value === 'number') return kind === 'text' ? String(value) : value;
        return inertText(value);
      }),
    );
  }
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}
