import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { createTiffStream, writeTiff, type TiffPage } from '../../core/io/tiff/writeTiff.js';

async function open(bytes: Uint8Array) {
  return fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** geotiff 3 hands ASCII tags back with the NUL terminator the TIFF spec requires. */
const ascii = (v: unknown): string => String(v).replace(/\0+$/, '');

function ramp<T extends Uint8Array | Uint16Array | Float32Array>(make: new (n: number) => T, w: number, h: number, f: (i: number) => number): T {
  const a = new make(w * h);
  for (let i = 0; i < a.length; i++) a[i] = f(i);
  return a;
}

describe('writeTiff', () => {
  for (const compression of ['none', 'deflate'] as const) {
    it(`round-trips 8/16-bit and float pages through geotiff (${compression})`, async () => {
      const w = 37;
      const h = 23; // odd sizes: padding and strip ends must still line up
      const pages: TiffPage[] = [
        { width: w, height: h, data: ramp(Uint8Array, w, h, (i) => (i * 7) % 256), description: 'first page' },
        { width: w, height: h, data: ramp(Uint16Array, w, h, (i) => (i * 977) % 65536) },
        { width: w, height: h, data: ramp(Float32Array, w, h, (i) => Math.sin(i) * 1e3) },
      ];
      const bytes = writeTiff(pages, { compression, stripBytes: 200 });
      const tiff = await open(bytes);
      expect(await tiff.getImageCount()).toBe(3);
      for (let p = 0; p < pages.length; p++) {
        const image = await tiff.getImage(p);
        expect(image.getWidth()).toBe(w);
        expect(image.getHeight()).toBe(h);
        const [band] = (await image.readRasters()) as unknown as ArrayLike<number>[];
        expect(Array.from(band)).toEqual(Array.from(pages[p].data));
      }
      const first = await tiff.getImage(0);
      const description = await first.fileDirectory.loadValue('ImageDescription');
      expect(description).toBe('first page\0'); // NUL-terminated, as the spec wants
      expect(ascii(description)).toBe('first page');
      expect(await first.fileDirectory.loadValue('Compression')).toBe(compression === 'deflate' ? 8 : 1);
      const float = await tiff.getImage(2);
      expect(float.getSampleFormat()).toBe(3);
      expect(float.getBitsPerSample()).toBe(32);
    });
  }

  it('writes extra ASCII, SHORT, LONG and DOUBLE tags, UTF-8 text included', async () => {
    const text = 'PixelWidth=4.0e-09 µm ✓';
    const bytes = writeTiff([
      {
        width: 4,
        height: 2,
        data: new Uint16Array(8).fill(3),
        extraTags: [
          { tag: 34682, type: 'ascii', value: text },
          { tag: 65000, type: 'short', value: [1, 2, 65535] },
          { tag: 65001, type: 'long', value: 4_000_000_000 },
          { tag: 65002, type: 'double', value: [Math.PI, -1.5e-9] },
        ],
      },
    ]);
    const image = await (await open(bytes)).getImage(0);
    const dir = image.fileDirectory;
    expect(ascii(await dir.loadValue(34682))).toBe(text);
    expect(Array.from((await dir.loadValue(65000)) as ArrayLike<number>)).toEqual([1, 2, 65535]);
    expect(await dir.loadValue(65001)).toBe(4_000_000_000);
    expect(Array.from((await dir.loadValue(65002)) as ArrayLike<number>)).toEqual([Math.PI, -1.5e-9]);
  });

  it('is little-endian baseline TIFF with IFDs on word boundaries and a terminated chain', () => {
    const bytes = writeTiff([
      { width: 3, height: 3, data: new Uint8Array(9).fill(1), description: 'odd' },
      { width: 3, height: 3, data: new Uint8Array(9).fill(2) },
    ]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([bytes[0], bytes[1], view.getUint16(2, true)]).toEqual([0x49, 0x49, 42]);
    let ifd = view.getUint32(4, true);
    const seen: number[] = [];
    while (ifd !== 0) {
      expect(ifd % 2).toBe(0);
      seen.push(ifd);
      const n = view.getUint16(ifd, true);
      const tags = Array.from({ length: n }, (_, i) => view.getUint16(ifd + 2 + i * 12, true));
      expect(tags).toEqual([...tags].sort((a, b) => a - b));
      ifd = view.getUint32(ifd + 2 + n * 12, true);
    }
    expect(seen.length).toBe(2);
  });

  it('streams the same bytes page by page as it writes at once', () => {
    const pages = [0, 1, 2].map((k) => ({ width: 5, height: 4, data: new Uint16Array(20).fill(k * 1000) }));
    const stream = createTiffStream({ compression: 'deflate' });
    const chunks = [stream.header, ...pages.map((p, i) => stream.page(p, i === 2))];
    const joined = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    expect(joined).toEqual(writeTiff(pages, { compression: 'deflate' }));
    expect(() => stream.page(pages[0], true)).toThrow(/ended/);
  });

  it('refuses bad input instead of writing a broken file', () => {
    expect(() => writeTiff([])).toThrow();
    expect(() => writeTiff([{ width: 3, height: 3, data: new Uint8Array(8) }])).toThrow(/pixels/);
    expect(() =>
      writeTiff([{ width: 1, height: 1, data: new Uint8Array(1), extraTags: [{ tag: 256, type: 'long', value: 9 }] }]),
    ).toThrow(/twice/);
    expect(() =>
      writeTiff([{ width: 1, height: 1, data: new Uint8Array(1), extraTags: [{ tag: 65000, type: 'short', value: 70000 }] }]),
    ).toThrow(/short/);
  });
});
