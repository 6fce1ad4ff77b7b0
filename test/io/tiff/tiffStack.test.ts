import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { openTiffStack, ionLabelFromFileName } from '../../../core/io/sims/tiffStack.js';
import { classifyTiff } from '../../../core/io/tiff/classify.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import type { TiffPage, TiffPixels } from '../../../core/io/tiff/writeTiff.js';
import { FormatError } from '../../../core/model/errors.js';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';
import { entryOffset, ifdOffsets, patchTag, recordingSource } from './tiffTestUtil.js';

const W = 40;
const H = 30;

/** Plane values that differ per ion, scan and pixel, so a wrong page or orientation shows. */
function planeValues(ion: number, scan: number): number[] {
  return Array.from({ length: W * H }, (_, i) => ion * 1000 + scan * 100 + (i % 97) + (i >> 5));
}

function pages(planes: Array<[number, number]>, make: (v: number[]) => TiffPixels, description?: string): TiffPage[] {
  return planes.map(([ion, scan], k) => ({
    width: W,
    height: H,
    data: make(planeValues(ion, scan)),
    ...(k === 0 && description !== undefined ? { description } : {}),
  }));
}

const scansOf = (n: number, ion = 0): Array<[number, number]> => Array.from({ length: n }, (_, s) => [ion, s]);

async function expectFormatError(p: Promise<unknown>, message: RegExp): Promise<FormatError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  expect((err as FormatError).message).toMatch(message);
  return err as FormatError;
}

function omeXml(opts: { sizeZ: number; sizeC: number; sizeT?: number; order?: string; channels: string[]; extra?: string; planes?: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Image ID="Image:0" Name="stack">
    <Pixels ID="Pixels:0" DimensionOrder="${opts.order ?? 'XYZCT'}" Type="uint16" SizeX="${W}" SizeY="${H}" SizeZ="${opts.sizeZ}" SizeC="${opts.sizeC}" SizeT="${opts.sizeT ?? 1}"
        PhysicalSizeX="0.5" PhysicalSizeXUnit="µm" PhysicalSizeY="500" PhysicalSizeYUnit="nm">
      ${opts.channels.map((c, i) => `<Channel ID="Channel:0:${i}" Name="${c}" SamplesPerPixel="1"/>`).join('\n      ')}
      <TiffData/>
      ${opts.planes ?? ''}
    </Pixels>
    ${opts.extra ?? ''}
  </Image>
  <StructuredAnnotations>
    <MapAnnotation ID="Annotation:0"><Value><M K="shotsPerPixel">50</M></Value></MapAnnotation>
  </StructuredAnnotations>
</OME>`;
}

describe('openTiffStack: plain multi-page TIFF (one ion per file, pages = scans)', () => {
  const cases: Array<[string, (v: number[]) => TiffPixels, 'none' | 'deflate']> = [
    ['8-bit', (v) => Uint8Array.from(v.map((x) => x % 256)), 'none'],
    ['16-bit', (v) => Uint16Array.from(v), 'none'],
    ['16-bit deflate', (v) => Uint16Array.from(v), 'deflate'],
    ['32-bit float', (v) => Float32Array.from(v.map((x) => x / 7)), 'none'],
    ['32-bit float deflate', (v) => Float32Array.from(v.map((x) => x / 7)), 'deflate'],
  ];
  it.each(cases)('%s: every plane reads back exactly as Float32 [height, width]', async (_name, make, compression) => {
    const bytes = writeTiff(pages(scansOf(4), make), { compression, stripBytes: 512 });
    const source = bytesSource('pristine_Li-.tif', bytes);
    expect(await classifyTiff(source)).toBe('sims-stack');
    const stack = await openTiffStack(source);
    expect(stack).toMatchObject({ scans: 4, width: W, height: H, ions: [{ label: 'Li-', mz: 7.016 }] });
    for (let s = 0; s < 4; s++) {
      const plane = await stack.readPlane(0, s);
      expect(plane.shape).toEqual([H, W]);
      expect(plane.data).toBeInstanceOf(Float32Array);
      expect(Array.from(plane.data)).toEqual(Array.from(Float32Array.from(make(planeValues(0, s)))));
      expect(plane.get(2, 5)).toBe(Float32Array.from(make(planeValues(0, s)))[2 * W + 5]);
    }
    await expect(stack.readPlane(0, 4)).rejects.toThrow(RangeError);
  });

  it('reads 32-bit signed integers (SampleFormat 2)', async () => {
    const floats = pages(scansOf(2), (v) => Float32Array.from(v.map((x) => x - 500)));
    const bytes = writeTiff(floats);
    const ints = ifdOffsets(bytes).reduce((b, at) => patchTag(b, 339, 2, at), bytes);
    const stack = await openTiffStack(bytesSource('Fe-.tif', ints));
    const plane = await stack.readPlane(0, 1);
    const d = floats[1].data as Float32Array;
    expect(Array.from(plane.data)).toEqual(Array.from(new Int32Array(d.buffer, d.byteOffset, d.length)));
  });

  it('decodes only the requested page: no read touches another scan\'s strips', async () => {
    const bytes = writeTiff(pages(scansOf(4), (v) => Uint16Array.from(v)), { stripBytes: 1 << 20 });
    const dv = new DataView(bytes.buffer);
    const strips = ifdOffsets(bytes).map((at) => {
      const off = dv.getUint32(entryOffset(bytes, 273, at) + 8, true);
      return [off, off + dv.getUint32(entryOffset(bytes, 279, at) + 8, true)];
    });
    const source = recordingSource('Li-.tif', bytes);
    const stack = await openTiffStack(source);
    source.reads.length = 0;
    await stack.readPlane(0, 2);
    const overlaps = (s: number[]): boolean => source.reads.some(([a, b]) => a < s[1] && b > s[0]);
    expect(overlaps(strips[2])).toBe(true);
    expect(overlaps(strips[1])).toBe(false);
    expect(overlaps(strips[3])).toBe(false);
  });

  it('names the ion after the file', () => {
    expect(ionLabelFromFileName('study/charged/charged_PO2-.ome.tif')).toEqual({ label: 'PO2-', mz: 62.964 });
    expect(ionLabelFromFileName('counts.tif')).toEqual({ label: 'counts', mz: null });
  });
});

describe('openTiffStack: OME-TIFF', () => {
  it('XYZCT: channels are ions, Z planes are scans; pixel size, DeltaT times, shots per pixel', async () => {
    const planesXml = [0, 1, 2].map((z) => `<Plane TheZ="${z}" TheC="0" TheT="0" DeltaT="${1.5 * z + 2}" DeltaTUnit="s"/>`).join('');
    const xml = omeXml({ sizeZ: 3, sizeC: 2, channels: ['Li-', 'PO_2- (62.964)'], planes: planesXml });
    // XYZCT: Z fastest, so pages are (c0 z0..2) then (c1 z0..2).
    const order: Array<[number, number]> = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]];
    const bytes = writeTiff(pages(order, (v) => Uint16Array.from(v), xml));
    const source = bytesSource('charged/stack.ome.tif', bytes);
    expect(await classifyTiff(source)).toBe('sims-stack');
    const stack = await openTiffStack(source);
    expect(stack.source.format).toBe('ome-tiff');
    expect(stack.ions).toEqual([{ label: 'Li-', mz: 7.016 }, { label: 'PO_2-', mz: 62.964 }]);
    expect(stack.scans).toBe(3);
    expect(stack.pixelSizeNm).toBe(500);
    expect(Array.from(stack.timeS)).toEqual([2, 3.5, 5]);
    expect(stack.shotsPerPixel).toBe(50);
    for (let c = 0; c < 2; c++) {
      for (let z = 0; z < 3; z++) expect(Array.from((await stack.readPlane(c, z)).data)).toEqual(planeValues(c, z));
    }
  });

  it('XYCZT with time along T (SizeZ = 1): page order channel-fastest', async () => {
    const xml = omeXml({ sizeZ: 1, sizeC: 2, sizeT: 3, order: 'XYCZT', channels: ['Cr-', 'Ni-'] });
    const order: Array<[number, number]> = [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2], [1, 2]];
    const stack = await openTiffStack(bytesSource('s.ome.tif', writeTiff(pages(order, (v) => Uint16Array.from(v), xml))));
    expect(stack.scans).toBe(3);
    expect(Array.from(stack.timeS)).toEqual([0, 1, 2]);
    expect(Array.from((await stack.readPlane(1, 2)).data)).toEqual(planeValues(1, 2));
    expect(Array.from((await stack.readPlane(0, 1)).data)).toEqual(planeValues(0, 1));
  });

  it('refuses an OME header that claims more planes than the file has, before reading pixels', async () => {
    const xml = omeXml({ sizeZ: 1_000_000, sizeC: 17, channels: ['Li-'] });
    await expectFormatError(openTiffStack(bytesSource('huge.ome.tif', writeTiff(pages(scansOf(2), (v) => Uint16Array.from(v), xml)))), /claims 1000000 × 17 × 1 planes; the file has 2 pages/);
  });

  it('refuses an OME size that disagrees with the pages', async () => {
    const xml = omeXml({ sizeZ: 2, sizeC: 1, channels: ['Li-'] }).replace(`SizeX="${W}"`, 'SizeX="41"');
    await expectFormatError(openTiffStack(bytesSource('x.ome.tif', writeTiff(pages(scansOf(2), (v) => Uint16Array.from(v), xml)))), /41 × 30/);
  });
});

describe('openTiffStack: ImageJ hyperstack', () => {
  it('channels are ions, slices are scans (channel fastest), pixel size from XResolution and unit', async () => {
    const desc = 'ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nunit=micron\n';
    const order: Array<[number, number]> = [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2], [1, 2]];
    const ps = pages(order, (v) => Uint16Array.from(v), desc);
    ps[0].extraTags = [{ tag: 282, type: 'double', value: 4 }, { tag: 283, type: 'double', value: 4 }];
    const stack = await openTiffStack(bytesSource('hyper.tif', writeTiff(ps)));
    expect(stack.source.format).toBe('imagej-tiff');
    expect(stack.ions.map((i) => i.label)).toEqual(['channel 1', 'channel 2']);
    expect(stack.scans).toBe(3);
    expect(stack.pixelSizeNm).toBe(250);
    expect(Array.from((await stack.readPlane(1, 1)).data)).toEqual(planeValues(1, 1));
  });
});

describe('classifyTiff', () => {
  const one = (extraTags: TiffPage['extraTags'] = []): TiffPage => ({ width: 8, height: 4, data: new Uint8Array(32), extraTags });
  it('a single page is an SEM image', async () => {
    expect(await classifyTiff(bytesSource('a.tif', writeTiff([one()])))).toBe('sem');
  });
  it('vendor SEM tags win over page count', async () => {
    const fei = { tag: 34682, type: 'ascii' as const, value: '[Scan]\nPixelWidth=1e-9\n' };
    expect(await classifyTiff(bytesSource('a.tif', writeTiff([one([fei]), one(), one()])))).toBe('sem');
  });
  it('pages of different sizes are not a stack', async () => {
    expect(await classifyTiff(bytesSource('a.tif', writeTiff([one(), { width: 4, height: 4, data: new Uint8Array(16) }])))).toBe('sem');
  });
  it('refuses what is not a TIFF with a FormatError', async () => {
    await expectFormatError(classifyTiff(bytesSource('a.tif', new Uint8Array(0))), /empty/);
    await expectFormatError(classifyTiff(bytesSource('a.tif', new TextEncoder().encode('GIF89a........'))), /not a TIFF/);
  });
});

describe('openTiffStack: hostile headers', () => {
  const good = (): Uint8Array => writeTiff(pages(scansOf(3), (v) => Uint16Array.from(v)));
  it('refuses an IFD chain that loops', async () => {
    const bytes = good();
    const offs = ifdOffsets(bytes);
    const dv = new DataView(bytes.buffer);
    dv.setUint32(offs[2] + 2 + dv.getUint16(offs[2], true) * 12, offs[0], true);
    await expectFormatError(openTiffStack(bytesSource('loop.tif', bytes)), /loops back/);
  });
  it('refuses a huge claimed width before allocating', async () => {
    await expectFormatError(openTiffStack(bytesSource('w.tif', patchTag(patchTag(good(), 256, 1 << 20), 257, 1 << 20))), /GiB\), more than the [\d.]+ GiB read: refused/);
    await expectFormatError(openTiffStack(bytesSource('w.tif', patchTag(good(), 256, 0xffffffff))), /claims 4294967295 × 30 pixels/);
  });
  it('refuses a page whose strips cannot hold its claimed size', async () => {
    const bytes = patchTag(patchTag(good(), 256, 8000), 257, 8000);
    const stack = await openTiffStack(bytesSource('big.tif', bytes)).catch((e: unknown) => e);
    // Either refused at open or at the first plane; never an allocation of 128 MB for a 7 kB file.
    if (stack instanceof FormatError) return;
    await expectFormatError((stack as Awaited<ReturnType<typeof openTiffStack>>).readPlane(0, 0), /stores/);
  });
  it('refuses a compressed page whose RowsPerStrip is of type DOUBLE (geotiff looped over 1e308 strips until memory ran out)', async () => {
    const bytes = writeTiff(pages(scansOf(3), (v) => Uint16Array.from(v)), { compression: 'deflate' });
    const dv = new DataView(bytes.buffer);
    for (const ifd of ifdOffsets(bytes)) dv.setUint16(entryOffset(bytes, 278, ifd) + 2, 12, true);
    // Refused where the IFD is read: RowsPerStrip is a whole number by the TIFF spec.
    await expectFormatError(openTiffStack(bytesSource('rows.tif', bytes)).then((s) => s.readPlane(0, 1)), /tag 278 is of field type 12: a pixel size, offset or byte count is a whole number/);
  });
  it('refuses a truncated file', async () => {
    const bytes = good();
    await expectFormatError(
      openTiffStack(bytesSource('cut.tif', bytes.subarray(0, ifdOffsets(bytes)[1] + 10))).then((s) => s.readPlane(0, 1)),
      /outside the file|truncated|decode/,
    );
  });
});

describeShared('classifyTiff on real SEM files', () => {
  it.each(['tfs_scios_example.tif', 'fei_helios_ebeam_8bits.tif', 'zeiss_crossbeam550_example.tif', 'zeiss_ultra55_512pix.tif', 'jeol_4700F_example.tif', 'tescan_mira3_example.tif'])(
    '%s → sem',
    async (file) => {
      expect(await classifyTiff(bytesSource(file, readSharedData('sem', file)))).toBe('sem');
    },
  );
});

describe('openTiffStack on the sample generator\'s OME-TIFF layout (samples/gen/omeTiff.ts)', () => {
  it('reads channels with their m/z, DeltaT times, shots per pixel and every plane', async () => {
    const { omePages, volumePlanes } = await import('../../../samples/gen/omeTiff.js');
    const meta = {
      name: 'pristine',
      width: 6,
      height: 4,
      scans: 5,
      channels: [{ label: 'Li-', mz: 7.016 }, { label: 'PO2-', mz: 62.964 }, { label: 'total', mz: null }],
      pixelSizeNm: 1171.875,
      pixelType: 'uint16' as const,
      scanPeriodS: 2.5,
      shotsPerPixel: 50,
    };
    const volumes = meta.channels.map((_, c) => Float32Array.from({ length: 5 * 24 }, (_, i) => (i * 7 + c * 13) % 60));
    const bytes = writeTiff([...omePages(meta, volumePlanes(meta, volumes))], { compression: 'deflate' });
    const stack = await openTiffStack(bytesSource('pristine/stack.ome.tif', bytes));
    expect(stack.ions).toEqual([{ label: 'Li-', mz: 7.016 }, { label: 'PO2-', mz: 62.964 }, { label: 'total', mz: null }]);
    expect({ scans: stack.scans, w: stack.width, h: stack.height, shots: stack.shotsPerPixel }).toEqual({ scans: 5, w: 6, h: 4, shots: 50 });
    expect(stack.pixelSizeNm).toBeCloseTo(1171.875, 6);
    expect(Array.from(stack.timeS)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(stack.metadata['ome:PixelValues']).toMatch(/raw counts/);
    for (let c = 0; c < 3; c++) {
      for (let z = 0; z < 5; z++) expect(Array.from((await stack.readPlane(c, z)).data)).toEqual(Array.from(volumes[c].subarray(z * 24, (z + 1) * 24)));
    }
  });
});
