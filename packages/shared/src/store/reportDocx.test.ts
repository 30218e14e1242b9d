import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { reportDocx } from './reportDocx';

describe('reportDocx', () => {
  it('writes each line of the entry as a paragraph of a real .docx, Thai text intact', async () => {
    const text = '(5) ความคืบหน้าโครงการฯ ร้อยละ 50.00 (2021-04-29)\n\n50.00\n\n<b>&"ไม่มี"';
    const buffer = await reportDocx(text, 'รายงานเดือนเมษายน 2564');
    const zip = await JSZip.loadAsync(buffer);
    const xml = await zip.file('word/document.xml')!.async('string');
    const paragraphs = [...xml.matchAll(/<w:p>(.*?)<\/w:p>|<w:p\/>/g)].map((m) =>
      [...(m[1] ?? '').matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
    );
    expect(paragraphs).toEqual([
      '(5) ความคืบหน้าโครงการฯ ร้อยละ 50.00 (2021-04-29)',
      '',
      '50.00',
      '',
      '&lt;b&gt;&amp;&quot;ไม่มี&quot;',
    ]);
    expect(xml).toContain('TH Sarabun New');
    const core = await zip.file('docProps/core.xml')!.async('string');
    expect(core).toContain('รายงานเดือนเมษายน 2564');
  });
});
