import { afterAll, describe, expect, it } from 'vitest';
import { encodeFigureSvg } from '../../core/node/figureFiles.js';
import { figureFonts } from '../../core/node/fonts.js';
import { StackPool } from '../../core/node/stackPool.js';

/** A small figure: text (the embedded font), a line and a translucent band. */
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="20mm" viewBox="0 0 113.39 56.69">
<rect x="10" y="10" width="60" height="30" fill="#1f77b4" fill-opacity="0.4"/>
<path d="M5 50 L100 8" stroke="#d62728" stroke-width="1.2" fill="none"/>
<text x="8" y="30" font-family="DejaVu Sans" font-size="9">Li⁺ 7.016 µm</text>
</svg>`;

/** A PDF without what records when it was made (its dates, and the ID made from them). */
const undated = (pdf: Uint8Array): string =>
  Buffer.from(pdf)
    .toString('latin1')
    .replace(/\(D:\d{14}Z\)/g, '(D)')
    .replace(/<xmp:CreateDate>[^<]*</g, '<xmp:CreateDate><')
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/g, '/ID []');

// `strata figure` makes its PDFs on a lane worker (figureFileTask.ts): the file must be the one
// made in this thread.
describe('a figure file made on a worker', () => {
  const pool = new StackPool(1);
  afterAll(() => pool.close());

  it('is the PDF and the PNG this thread makes of the same SVG', async () => {
    const fonts = figureFonts();
    for (const format of ['pdf', 'png'] as const) {
      const r = await pool.run({ kind: 'figure-file', name: 'test-figure', svg: SVG, format, dpi: 300 });
      expect(r.kind).toBe('figure-file');
      const onWorker = (r as { content: Uint8Array }).content;
      const here = await encodeFigureSvg('test-figure', SVG, format, { dpi: 300, fonts });
      if (format === 'pdf') {
        expect(Buffer.from(onWorker.subarray(0, 8)).toString('latin1')).toBe('%PDF-1.4');
        expect(undated(onWorker)).toBe(undated(here));
      } else expect(Buffer.from(onWorker).equals(Buffer.from(here))).toBe(true);
    }
  });
});
