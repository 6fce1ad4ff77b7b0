import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { findImzmlSpectrum, imzmlIndexOf, openImzml, openImzmlIndex, readImzmlSpectrum } from '../../../core/io/sims/imzml.js';
import { BATTERY_MARKER_IONS } from '../../../core/io/sims/nominalIons.js';
import { readMzmlSpectra } from '../../../core/io/sims/mzmlParams.js';
import { FormatError } from '../../../core/model/errors.js';
import { watchAllocations } from '../../helpers/fuzz.js';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';
import { makeImzml } from '../../../samples/gen/imzml.js';

async function formatError(p: Promise<unknown>): Promise<FormatError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  return err as FormatError;
}

describe('openImzml on generated files', () => {
  const spectra = [
    { x: 1, y: 1, z: 1, mz: [6.9, 7.01, 7.02, 62.96, 80], intensity: [100, 3, 4, 5, 7] },
    { x: 2, y: 1, z: 1, mz: [7.016, 62.9], intensity: [10, 20] },
    { x: 1, y: 2, z: 2, mz: [7.0], intensity: [9] },
    { x: 2, y: 2, z: 2, mz: [62.964, 78.959], intensity: [11, 13] },
  ];

  it.each([
    ['f64', 'f32'],
    ['f32', 'i32'],
    ['f64', 'i64'],
  ] as const)('3-D (position z → scans), m/z %s, intensity %s: windows sum the right peaks', async (mzType, intensityType) => {
    const { xml, ibd } = makeImzml(spectra, { mzType, intensityType, pixelSizeUm: 2.5 });
    const stack = await openImzml(xml, bytesSource('a.ibd', ibd), 'a.imzML', {
      peakWindows: [
        { label: 'Li-', mz: 7.016, toleranceDa: 0.05 },
        { label: 'PO2-', mzLow: 62.9, mzHigh: 63.0 },
      ],
    });
    expect({ w: stack.width, h: stack.height, scans: stack.scans, px: stack.pixelSizeNm }).toEqual({ w: 2, h: 2, scans: 2, px: 2500 });
    expect(stack.ions).toEqual([{ label: 'Li-', mz: 7.016 }, { label: 'PO2-', mz: 62.95 }]);
    // scan 0 holds z = 1: pixel (x1,y1) Li = 3 + 4, pixel (x2,y1) Li = 10; row y2 has no spectra.
    expect(Array.from((await stack.readPlane(0, 0)).data)).toEqual([7, 10, 0, 0]);
    expect(Array.from((await stack.readPlane(1, 0)).data)).toEqual([5, 20, 0, 0]);
    expect(Array.from((await stack.readPlane(1, 1)).data)).toEqual([0, 0, 0, 11]);
    expect(stack.metadata.pixelsWithoutSpectrum).toBe('4');
    const index = imzmlIndexOf(stack)!;
    const s = await readImzmlSpectrum(index, findImzmlSpectrum(index, 2, 2, 2));
    expect(Array.from(s.intensity)).toEqual([11, 13]);
    expect(s.mz[0]).toBeCloseTo(62.964, mzType === 'f32' ? 4 : 12);
  });

  it('continuous mode reads the shared m/z array; default windows are the DOMAIN marker ions', async () => {
    const mz = [7.016, 27.977, 62.964];
    const { xml, ibd } = makeImzml(
      [
        { x: 1, y: 1, mz, intensity: [1, 2, 3] },
        { x: 2, y: 1, mz, intensity: [4, 5, 6] },
      ],
      { mode: 'continuous' },
    );
    const stack = await openImzml(xml, bytesSource('c.ibd', ibd), 'c.imzML');
    expect(stack.ions.map((i) => i.label)).toEqual(BATTERY_MARKER_IONS.map((i) => i.label));
    const li = stack.ions.findIndex((i) => i.label === 'Li-');
    const si = stack.ions.findIndex((i) => i.label === 'Si-');
    expect(Array.from((await stack.readPlane(li, 0)).data)).toEqual([1, 4]);
    expect(Array.from((await stack.readPlane(si, 0)).data)).toEqual([2, 5]);
    expect(stack.metadata.mode).toBe('continuous');
  });

  it('refuses an .ibd whose UUID differs', async () => {
    const { xml, ibd } = makeImzml(spectra);
    ibd[3] ^= 0xff;
    expect((await formatError(openImzml(xml, bytesSource('a.ibd', ibd), 'a.imzML'))).message).toMatch(/do not belong together/);
  });

  it('refuses arrays beyond the end of a truncated .ibd, naming it and the offset', async () => {
    const { xml, ibd } = makeImzml(spectra);
    const err = await formatError(openImzml(xml, bytesSource('a.ibd', ibd.subarray(0, ibd.length - 5)), 'a.imzML'));
    expect(err.fileName).toBe('a.ibd');
    expect(err.where.offset).toBeGreaterThan(0);
  });

  it('refuses absurd positions and a claimed array length the file cannot hold', async () => {
    const big = makeImzml([{ x: 60000, y: 60000, mz: [1], intensity: [1] }, { x: 1, y: 1, mz: [1], intensity: [1] }]);
    expect((await formatError(openImzml(big.xml, bytesSource('b.ibd', big.ibd), 'b.imzML'))).message).toMatch(/refused/);
    const { xml, ibd } = makeImzml(spectra);
    const text = new TextDecoder().decode(xml).replace('name="external array length" value="5"', 'name="external array length" value="500000000"');
    expect((await formatError(openImzml(new TextEncoder().encode(text), bytesSource('a.ibd', ibd), 'a.imzML'))).message).toMatch(/encoded length|passes the end/);
  });

  it('refuses a raster its spectra cannot be the image of, before it is allocated; a sparse acquisition still reads', async () => {
    const at = (x: number, y: number) => ({ x, y, mz: [7.016, 55.93], intensity: [10, 20] });
    // Two spectra at the corners of 3500 × 3500 px: 17 ion images of 49 MB each, under the 1 GiB cap.
    const corners = makeImzml([at(1, 1), at(3500, 3500)]);
    const { error, largestBytes } = await watchAllocations(() => openImzml(corners.xml, bytesSource('c.ibd', corners.ibd), 'c.imzML'));
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe('c.imzML: 2 spectra spread over a raster of 3500 × 3500 × 1 pixels (x 1–3500, y 1–3500, z 1–1): fewer than one in 1024 pixels has a spectrum, not an image; refused');
    expect(largestBytes).toBeLessThan(1024 ** 2);
    // Two 10 × 10 px regions 400 px apart (one spectrum in ~40 pixels of the raster): read.
    const regions = [0, 400].flatMap((x0) => Array.from({ length: 100 }, (_, i) => at(x0 + 1 + (i % 10), 1 + Math.floor(i / 10))));
    const sparse = makeImzml(regions);
    const stack = await openImzml(sparse.xml, bytesSource('s.ibd', sparse.ibd), 's.imzML');
    expect([stack.width, stack.height]).toEqual([410, 10]);
    const li = (await stack.readPlane(stack.ions.findIndex((i) => i.label === 'Li-'), 0)).data;
    expect(li[0]).toBe(10);
    expect(li[200]).toBe(0);
    expect(li[409 + 9 * 410]).toBe(10);
  });
});

// The XML is parsed as the file is read (a big file's XML is hundreds of MB): cut anywhere, even
// inside a tag or a multi-byte character, the chunks must give what the whole does.
describe('openImzmlIndex: the XML read in chunks', () => {
  const spectra = [
    { x: 1, y: 1, mz: [6.9, 7.016], intensity: [1, 2] },
    { x: 2, y: 1, mz: [7.016], intensity: [3] },
    { x: 1, y: 2, mz: [62.964], intensity: [4] },
  ];
  async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  // A userParam with non-ASCII text before the spectra: 2-byte characters cut by odd chunk sizes.
  const withText = (xml: Uint8Array): Uint8Array =>
    new TextEncoder().encode(new TextDecoder().decode(xml).replace('<run', '<userParam name="operator" value="Müller, µ-probe ±2 µm"/><run'));

  it.each([1, 7, 4096, 1 << 20])('chunks of %i bytes give the index of the whole', async (size) => {
    const { xml, ibd } = makeImzml(spectra, { pixelSizeUm: 2 });
    const text = withText(xml);
    const whole = await openImzmlIndex(text, bytesSource('a.ibd', ibd), 'a.imzML');
    const chunked = await openImzmlIndex(inChunks(text, size), bytesSource('a.ibd', ibd), 'a.imzML');
    expect({ ...chunked, ibd: null }).toEqual({ ...whole, ibd: null });
    expect(whole.spectra.map((s) => [s.x, s.y, s.intensity.length])).toEqual([[1, 1, 2], [2, 1, 1], [1, 2, 1]]);
    expect(whole.pixelSizeNm).toBe(2000);
  });

  it('decodes characters cut between chunks (UTF-8 text of cvParams)', async () => {
    const { xml } = makeImzml(spectra);
    const text = new TextEncoder().encode(new TextDecoder().decode(xml).replace('<fileContent>', '<fileContent><cvParam cvRef="MS" accession="MS:1000000" name="comment" value="Müller, µ-probe ±2 µm"/>'));
    for (const size of [1, 3, 7]) {
      const { head, spectra: count } = await readMzmlSpectra(inChunks(text, size), 'a.imzML', () => undefined);
      expect(head.fileContent.get('MS:1000000')?.value).toBe('Müller, µ-probe ±2 µm');
      expect(count).toBe(3);
    }
  });

  it('reads an mzML wrapped in indexedmzML, and prefixed names', async () => {
    const { xml, ibd } = makeImzml(spectra);
    const text = new TextDecoder().decode(xml);
    const plain = await openImzmlIndex(xml, bytesSource('a.ibd', ibd), 'a.imzML');
    const body = text.slice(text.indexOf('<mzML'));
    const indexed = `<?xml version="1.0" encoding="UTF-8"?>\n<indexedmzML xmlns="http://psi.hupo.org/ms/mzml">${body}<indexList count="0"/></indexedmzML>`;
    const a = await openImzmlIndex(new TextEncoder().encode(indexed), bytesSource('a.ibd', ibd), 'a.imzML');
    expect(a.spectra).toEqual(plain.spectra);
    const prefixed = text.replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1ms:$2').replace('<ms:mzML', '<ms:mzML xmlns:ms="http://psi.hupo.org/ms/mzml"');
    const b = await openImzmlIndex(new TextEncoder().encode(prefixed), bytesSource('a.ibd', ibd), 'a.imzML');
    expect(b.spectra).toEqual(plain.spectra);
  });

  it('names the file and what is wrong: not mzML, broken XML, empty', async () => {
    const { xml, ibd } = makeImzml(spectra);
    const source = bytesSource('a.ibd', ibd);
    const notMzml = new TextEncoder().encode(`<?xml version="1.0"?><OME>${' '.repeat(5000)}<mzML/></OME>`);
    expect((await formatError(openImzmlIndex(inChunks(notMzml, 100), source, 'x.imzML'))).message).toMatch(/^x\.imzML @0: no <mzML> root element in the first 4 KiB/);
    const text = new TextDecoder().decode(xml);
    const broken = new TextEncoder().encode(text.replace('</spectrumList>', ''));
    expect((await formatError(openImzmlIndex(inChunks(broken, 333), source, 'b.imzML'))).message).toMatch(/^b\.imzML: XML does not parse/);
    expect((await formatError(openImzmlIndex(inChunks(new Uint8Array(0), 10), source, 'e.imzML'))).message).toMatch(/e\.imzML: empty file/);
  });
});

// The pyimzML example pair: 3 × 3 pixels × 8399 m/z, the same spectra in both modes.
describeShared('openImzml on the real example files', () => {
  const load = (mode: 'Continuous' | 'Processed') => ({
    xml: readSharedData('imzml', `Example_${mode}.imzML`),
    ibd: readSharedData('imzml', `Example_${mode}.ibd`),
  });

  it('both modes: 3 × 3 pixels, 8399 m/z each, identical spectra, pixel size 100 µm', async () => {
    const c = load('Continuous');
    const p = load('Processed');
    const ic = await openImzmlIndex(c.xml, bytesSource('c.ibd', c.ibd), 'Example_Continuous.imzML');
    const ip = await openImzmlIndex(p.xml, bytesSource('p.ibd', p.ibd), 'Example_Processed.imzML');
    expect([ic.mode, ip.mode]).toEqual(['continuous', 'processed']);
    expect(ic.spectra.length).toBe(9);
    expect({ x: ic.x, y: ic.y, z: ic.z }).toEqual({ x: [1, 3], y: [1, 3], z: [1, 1] });
    expect(ic.pixelSizeNm).toBe(100_000);
    expect(ic.uuid).toBe('554a27fa79d247669a2c862e6d78b1f3');
    for (let i = 0; i < 9; i++) {
      const a = await readImzmlSpectrum(ic, i);
      const b = await readImzmlSpectrum(ip, i);
      expect(a.mz.length).toBe(8399);
      expect([a.x, a.y]).toEqual([b.x, b.y]);
      expect(Array.from(b.mz)).toEqual(Array.from(a.mz));
      expect(Array.from(b.intensity)).toEqual(Array.from(a.intensity));
    }
  });

  it('spot-checks values against an independent read of the binary', async () => {
    const { xml, ibd } = load('Continuous');
    const index = await openImzmlIndex(xml, bytesSource('c.ibd', ibd), 'Example_Continuous.imzML');
    const s0 = await readImzmlSpectrum(index, 0);
    // From the XML: m/z at offset 16, intensities of spectrum 0 at 33612, both 32-bit float LE.
    const dv = new DataView(ibd.buffer, ibd.byteOffset, ibd.byteLength);
    for (const k of [0, 1, 4200, 8398]) {
      expect(s0.mz[k]).toBe(dv.getFloat32(16 + 4 * k, true));
      expect(s0.intensity[k]).toBe(dv.getFloat32(33612 + 4 * k, true));
    }
    expect(s0.mz[0]).toBeCloseTo(100.0833, 4);
    expect(s0.mz[8398]).toBeCloseTo(799.9167, 4);
  });

  it('a full-range window gives each pixel its total ion current (MS:1000285 in the XML)', async () => {
    const { xml, ibd } = load('Processed');
    const tic = Array.from(new TextDecoder('latin1').decode(xml).matchAll(/name="total ion current" value="([^"]+)"/g), (m) => Number(m[1]));
    expect(tic.length).toBe(9);
    const stack = await openImzml(xml, bytesSource('p.ibd', ibd), 'Example_Processed.imzML', { peakWindows: [{ label: 'all', mzLow: 0, mzHigh: 1e4 }] });
    const index = imzmlIndexOf(stack)!;
    const plane = await stack.readPlane(0, 0);
    index.spectra.forEach((s, i) => expect(plane.get(s.y - 1, s.x - 1)).toBeCloseTo(tic[i], 3));
  });

  it('says which ion windows no spectrum reaches (the default battery ions on this MALDI file of m/z 100–800)', async () => {
    const { xml, ibd } = load('Continuous');
    const stack = await openImzml(xml, bytesSource('c.ibd', ibd), 'Example_Continuous.imzML');
    expect(stack.metadata['strata.windowsOutsideSpectra']).toMatch(new RegExp(`^${BATTERY_MARKER_IONS.length} of ${BATTERY_MARKER_IONS.length} ion windows lie outside the spectra's m/z 100\\.\\d–799\\.\\d`));
    const inside = await openImzml(xml, bytesSource('c.ibd', ibd), 'Example_Continuous.imzML', { peakWindows: [{ label: 'low', mzLow: 0, mzHigh: 50 }, { label: 'mid', mzLow: 300, mzHigh: 310 }] });
    expect(inside.metadata['strata.windowsOutsideSpectra']).toMatch(/^1 of 2 ion windows .*: low$/);
  });

  it('refuses the continuous XML paired with the processed .ibd (UUIDs differ)', async () => {
    const c = load('Continuous');
    const p = load('Processed');
    const pUuid = Array.from(p.ibd.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
    expect(pUuid).toBe('9d501bdc53444916b7e97e795b02c856');
    const err = await formatError(openImzml(c.xml, bytesSource('p.ibd', p.ibd), 'Example_Continuous.imzML'));
    expect(err.message).toMatch(/^Example_Continuous.imzML @0: .*do not belong together/);
  });
});
