import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { svgSizeMm, svgToPdf, svgToPng } from '../../core/figures/export.js';
import { figureFonts } from '../../core/node/fonts.js';
import { mapImage } from '../../core/figures/imagePanel.js';

const hasPoppler = spawnSync('pdftoppm', ['-v']).status === 0;

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="85mm" height="40mm" viewBox="0 0 240.9 113.4">
<rect x="10" y="10" width="100" height="50" fill="#0072B2"/><text x="120" y="40" font-size="8">Sputter time (s)</text></svg>`;

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The PNG's chunks in file order: type and data. */
function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    chunks.push({ type: String.fromCharCode(...png.subarray(at + 4, at + 8)), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

describe('figure export', () => {
  it('reads the figure size in mm from the SVG', () => {
    expect(svgSizeMm(svg)).toEqual({ widthMm: 85, heightMm: 40 });
    expect(() => svgSizeMm('<svg width="100" height="50"></svg>')).toThrow(/width in mm/);
  });

  it('writes a PNG whose width is width × dpi', async () => {
    const fonts = figureFonts();
    for (const dpi of [300, 600]) {
      const png = await svgToPng(svg, { dpi, fonts });
      expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const { width, height } = pngSize(png);
      expect(width).toBe(Math.round((85 / 25.4) * dpi));
      expect(Math.abs(height - (40 / 25.4) * dpi)).toBeLessThanOrEqual(1);
      // The dpi is in the file (pHYs, pixels per metre), as another PNG reader sees it: without
      // it every program took the figure for 72 dpi.
      // Every chunk's CRC checked by the reader's own CRC-32.
      const decoded = decode(png, { checkCrc: true });
      expect(decoded.resolution).toEqual({ x: Math.round((dpi * 1000) / 25.4), y: Math.round((dpi * 1000) / 25.4), unit: 1 });
      expect(decoded.width).toBe(width);
      // The colours are said to be sRGB (perceptual intent), with sRGB's gamma and chromaticities
      // for readers that do not know the chunk, all before the image data as PNG requires.
      const chunks = pngChunks(png);
      const types = chunks.map((c) => c.type);
      expect(types.slice(0, 5)).toEqual(['IHDR', 'pHYs', 'sRGB', 'gAMA', 'cHRM']);
      // Once each (a renderer that came to write one itself would make the file invalid).
      for (const t of ['pHYs', 'sRGB', 'gAMA', 'cHRM', 'iCCP']) expect(types.filter((x) => x === t).length, t).toBe(t === 'iCCP' ? 0 : 1);
      expect(types.indexOf('IDAT')).toBeGreaterThan(4);
      expect(types.at(-1)).toBe('IEND');
      const word = (data: Uint8Array, i: number): number => new DataView(data.buffer, data.byteOffset).getUint32(4 * i);
      expect([...chunks[2].data]).toEqual([0]);
      expect(word(chunks[3].data, 0)).toBe(45455);
      expect(Array.from({ length: 8 }, (_, i) => word(chunks[4].data, i))).toEqual([31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000]);
    }
  });

  it.skipIf(!hasPoppler)('writes a PDF that pdftoppm opens, with the font embedded', async () => {
    const pdf = await svgToPdf(svg, { fonts: figureFonts() });
    const dir = mkdtempSync(join(tmpdir(), 'strata-pdf-'));
    const file = join(dir, 'fig.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-r', '72', '-png', file, join(dir, 'page')]);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans/);
    // pdffonts' "emb" column: every font line must say yes.
    const rows = fonts.split('\n').slice(2).filter((l) => l.trim());
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/\byes\b/);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
    expect(Number(size[1])).toBeCloseTo((85 / 25.4) * 72, 0);
  });
});

describe('ion maps in the PNG export', () => {
  it('keep every map pixel a block of one colour (resvg smoothed them into blobs)', async () => {
    // A 4 × 4 checkerboard over 60 pt: each map pixel is 15 pt, 125 px at 600 dpi.
    const values = Float64Array.from({ length: 16 }, (_, i) => ((i % 4) + Math.floor(i / 4)) % 2);
    const map = mapImage({ values, width: 4, height: 4 }, { x: 0, y: 0, widthPt: 60, heightPt: 60, min: 0, max: 1, colormap: 'viridis', scaleId: 't', pixelSizeNm: null });
    const doc = `<svg xmlns="http://www.w3.org/2000/svg" width="${(60 / 72) * 25.4}mm" height="${(60 / 72) * 25.4}mm" viewBox="0 0 60 60">${map}</svg>`;
    const png = decode(await svgToPng(doc, { dpi: 600, fonts: figureFonts() }));
    const block = png.width / 4;
    const at = (x: number, y: number): number[] => {
      const i = (Math.floor(y) * png.width + Math.floor(x)) * png.channels;
      return [...png.data.slice(i, i + 3)];
    };
    const [low, high] = [at(0.5 * block, 0.5 * block), at(1.5 * block, 0.5 * block)];
    expect(low).not.toEqual(high);
    // 15 % of a block in from its edge (19 px) the colour is already the block's own.
    for (const f of [0.15, 0.5, 0.85]) {
      expect(at(f * block, 0.5 * block)).toEqual(low);
      expect(at((1 + f) * block, (1 + f) * block)).toEqual(low);
      expect(at((1 + f) * block, 0.5 * block)).toEqual(high);
    }
  });
});
