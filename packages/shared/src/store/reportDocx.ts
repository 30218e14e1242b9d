/**
 * A report text as a Word document (.docx), for offices that file entries by attaching a file:
 * one paragraph per line of the text (blank lines kept), in a font with Thai glyphs (TH Sarabun
 * New, the Thai government's standard font; Word falls back to another Thai font if it is missing).
 */
export async function reportDocx(text: string, title: string): Promise<Buffer> {
  // Loaded on first use, not with the store: docx's bundled util.deprecate reads
  // globalThis.localStorage when it loads, which on Node 25+ prints an ExperimentalWarning to
  // the stderr of every process that imports the store (the collector, the dashboard).
  const { Document, Packer, Paragraph, TextRun } = await import('docx');
  const font = { ascii: 'TH Sarabun New', hAnsi: 'TH Sarabun New', cs: 'TH Sarabun New' };
  const doc = new Document({
    title,
    creator: 'Reachline',
    sections: [
      {
        children: text.split('\n').map(
          (line) =>
            new Paragraph({
              children: [new TextRun({ text: line, font, size: 32, sizeComplexScript: 32 })],
            }),
        ),
      },
    ],
  });
  return Packer.toBuffer(doc);
}
