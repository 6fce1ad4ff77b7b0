import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { openTiffStack } from '../../../core/io/sims/tiffStack.js';
import { readRegularChain } from '../../../core/io/tiff/regularChain.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import { FormatError } from '../../../core/model/errors.js';
import type { IonStack } from '../../../core/model/ionStack.js';
import { ionPlanes } from '../../../core/sims/planeRuns.js';
import { FUZZ_RUNS } from '../../helpers/fuzz.js';
import { entryOffset, ifdOffsets, readIntoSource, recordingSource } from './tiffTestUtil.js';

// An OME-TIFF written page after page is opened from its first and last IFDs; the others are
// checked as their planes are read, and any page that is not what the first ones predict sends
// every read to the careful reader (which walks the whole chain). These tests make the reader
// take both ways and compare them.

const W = 40;
const H = 30;
const Z = 6;
const C = 2;

function planeValues(ion: number, scan: number): number[] {
  return Array.from({ length: W * H }, (_, i) => ion * 1000 + scan * 100 + (i % 97) + (i >> 5));
}

function omeStack(padXmlBytes = 0): Uint8Array {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06">
  <Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint16" SizeX="${W}" SizeY="${H}" SizeZ="${Z}" SizeC="${C}" SizeT="1">
    <Channel ID="Channel:0:0" Name="Li-" SamplesPerPixel="1"/><Channel ID="Channel:0:1" Name="Co-" SamplesPerPixel="1"/><TiffData/>
  </Pixels></Image>${padXmlBytes ? `<!--${'x'.repeat(padXmlBytes)}-->` : ''}
</OME>`;
  // XYZCT: Z fastest, so pages are (c0 z0..5) then (c1 z0..5).
  const pages = Array.from({ length: C * Z }, (_, k) => ({
    width: W,
    height: H,
    data: Uint16Array.from(planeValues(Math.floor(k / Z), k % Z)),
    ...(k === 0 ? { description: xml } : {}),
  }));
  return writeTiff(pages, { compression: 'none', stripBytes: W * H * 2 });
}

async function allPlanes(stack: IonStack, order: 'plane' | 'run', ions = [0, 1]): Promise<number[][][]> {
  const out: number[][][] = [];
  for (const ion of ions) {
    const planes: number[][] = [];
    if (order === 'plane') {
      for (let s = 0; s < stack.scans; s++) planes.push(Array.from((await stack.readPlane(ion, s)).data));
    } else {
      for await (const { raw, base } of ionPlanes(stack, ion, [0, 1, 2, 3, 4, 5])) planes.push(Array.from(raw.subarray(base, base + W * H)));
    }
    out[ion] = planes;
  }
  return out;
}

const expected = (ion: number): number[][] => Array.from({ length: Z }, (_, s) => planeValues(ion, s));

describe('regular OME-TIFF: IFDs predicted at open, checked as read', () => {
  it('opens from a handful of reads and reads every plane right, plane by plane and in runs', async () => {
    const bytes = omeStack();
    expect(ifdOffsets(bytes)).toHaveLength(C * Z);
    const chain = await readRegularChain(bytesSource('s.ome.tif', bytes));
    expect(chain?.count).toBe(C * Z);
    expect(chain?.offsetOf(9)).toBe(ifdOffsets(bytes)[9]);

    const predicted = recordingSource('s.ome.tif', bytes);
    const walked = recordingSource('s.ome.tif', bytes);
    const a = await openTiffStack(predicted);
    const b = await openTiffStack(walked, { predictPages: false });
    // The walk reads every IFD; prediction reads pages 0–3 and the last (plus header and XML).
    expect(walked.reads.length).toBeGreaterThanOrEqual(C * Z);
    expect(predicted.reads.length).toBeLessThan(C * Z - 3);
    for (const stack of [a, b]) {
      expect(stack.ions.map((i) => i.label)).toEqual(['Li-', 'Co-']);
      expect(await allPlanes(stack, 'run')).toEqual([expected(0), expected(1)]);
      expect(await allPlanes(stack, 'plane')).toEqual([expected(0), expected(1)]);
    }
  });

  it('reading the second ion first checks the pages before it too', async () => {
    const stack = await openTiffStack(bytesSource('s.ome.tif', omeStack()));
    expect((await allPlanes(stack, 'run', [1]))[1]).toEqual(expected(1));
    expect((await allPlanes(stack, 'plane', [0]))[0]).toEqual(expected(0));
  });

  it('the pages before a run, outside its bytes, are checked by small reads into one buffer where the source can', async () => {
    const bytes = omeStack();
    const offsets = ifdOffsets(bytes);
    const source = readIntoSource('s.ome.tif', bytes);
    const stack = await openTiffStack(source);
    const readsAtOpen = source.reads.length;
    expect((await allPlanes(stack, 'run', [1]))[1]).toEqual(expected(1));
    // Pages 4 and 5 (ion 0; 0–3 were read at open) lie before ion 1's run: each read alone, its
    // IFD only, and not through \`read\` (which a file source serves from 64 KiB blocks).
    const ifdReads = source.readIntos.filter(([from, to]) => to - from < W * H * 2);
    expect(ifdReads.map(([from]) => from)).toEqual([offsets[4], offsets[5]]);
    for (const [from, to] of ifdReads) expect(to - from).toBeLessThan(offsets[5] - offsets[4]);
    expect(source.reads.slice(readsAtOpen)).toEqual([]);
  });

  it('a page that differs from the prediction sends reads to the careful reader, which gives what a full walk gives', async () => {
    // Page 7 (ion 1, scan 1) points its pixels at page 8's: legal, but not the pattern.
    const bytes = omeStack();
    const offsets = ifdOffsets(bytes);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const stripOf = (k: number): number => entryOffset(bytes, 273, offsets[k]) + 8;
    dv.setUint32(stripOf(7), dv.getUint32(stripOf(8), true), true);
    expect(await readRegularChain(bytesSource('odd.ome.tif', bytes))).not.toBeNull();
    const careful = await openTiffStack(bytesSource('odd.ome.tif', bytes), { predictPages: false });
    const want = await allPlanes(careful, 'plane');
    expect(want[1][1]).toEqual(planeValues(1, 2));
    for (const order of ['run', 'plane'] as const) {
      const stack = await openTiffStack(bytesSource('odd.ome.tif', bytes));
      expect(await allPlanes(stack, order)).toEqual(want);
    }
  });

  it('a chain that leaves the pattern half way fails as the careful reader fails', async () => {
    // Page 4's next offset skips page 5: the chain has 11 pages, the OME-XML needs 12.
    const bytes = omeStack();
    const offsets = ifdOffsets(bytes);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    dv.setUint32(offsets[4] + 2 + dv.getUint16(offsets[4], true) * 12, offsets[6], true);
    await expect(openTiffStack(bytesSource('cut.ome.tif', bytes), { predictPages: false })).rejects.toThrow(FormatError);
    const stack = await openTiffStack(bytesSource('cut.ome.tif', bytes));
    expect(Array.from((await stack.readPlane(0, 3)).data)).toEqual(planeValues(0, 3));
    await expect(stack.readPlane(0, 5)).rejects.toThrow(FormatError);
    await expect(allPlanes(await openTiffStack(bytesSource('cut.ome.tif', bytes)), 'run')).rejects.toThrow(FormatError);
  });

  it('bytes after the last page: a few are no matter, many make the file walked; both read right', async () => {
    const bytes = omeStack();
    const stride = ifdOffsets(bytes)[2] - ifdOffsets(bytes)[1];
    for (const [extra, predicted] of [[100, true], [3 * stride, false]] as const) {
      const longer = new Uint8Array(bytes.length + extra);
      longer.set(bytes);
      const chain = await readRegularChain(bytesSource('tail.ome.tif', longer));
      expect(chain === null ? null : chain.count).toBe(predicted ? C * Z : null);
      const stack = await openTiffStack(bytesSource('tail.ome.tif', longer));
      expect(await allPlanes(stack, 'run')).toEqual([expected(0), expected(1)]);
    }
  });

  it('runs from page 0 start at its pixels, not at the OME-XML before them', async () => {
    const bytes = omeStack(200_000);
    const source = recordingSource('xml.ome.tif', bytes);
    const stack = await openTiffStack(source);
    expect(stack.source.format).toBe('ome-tiff');
    const atOpen = source.reads.length;
    expect((await allPlanes(stack, 'run', [0]))[0]).toEqual(expected(0));
    const xmlEnd = 150_000; // well inside the 200 kB comment
    expect(source.reads.slice(atOpen).filter(([from]) => from < xmlEnd)).toEqual([]);
  });
});

describe('predicted and walked opening agree on damaged files', () => {
  // Any one byte of any page's IFD (past page 0) changed: opening with predicted IFDs and
  // walking the whole chain first must end alike: both fail, or both give the same planes.
  const outcome = async (bytes: Uint8Array, predictPages: boolean, readInto = false): Promise<string | number[][][]> => {
    try {
      const stack = await openTiffStack(readInto ? readIntoSource('f.ome.tif', bytes) : bytesSource('f.ome.tif', bytes), { predictPages });
      const runs = await allPlanes(stack, 'run');
      const planes = await allPlanes(stack, 'plane');
      expect(planes).toEqual(runs);
      return runs;
    } catch (err) {
      expect(err).toBeInstanceOf(FormatError);
      return 'FormatError';
    }
  };

  it('a strip offset of a fractional field type (RATIONAL) is refused, by plane and by run, predicted and walked', async () => {
    // Found by the property below in a CI run: page 6's StripOffsets typed RATIONAL read as a
    // fraction, and runs of planes (from its offset) and single planes rounded it differently.
    for (const page of [1, 6, 11]) {
      const bytes = omeStack();
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const at = entryOffset(bytes, 273, ifdOffsets(bytes)[page]);
      dv.setUint16(at + 2, 5, true);
      for (const [predictPages, readInto] of [[true, false], [false, false], [true, true]]) {
        expect(await outcome(bytes, predictPages, readInto)).toBe('FormatError');
      }
      const error = await openTiffStack(bytesSource('f.ome.tif', bytes), { predictPages: false }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/tag 273 is of field type 5: a pixel size, offset or byte count is a whole number/);
    }
  });

  it('every byte of an IFD\'s entries and next offset is checked, wherever the IFD lies against 4-byte words', async () => {
    const clean = omeStack();
    const offsets = ifdOffsets(clean);
    const page = 6;
    const dv = new DataView(clean.buffer, clean.byteOffset, clean.byteLength);
    const ifdBytes = 2 + dv.getUint16(offsets[page], true) * 12 + 4;
    // The file's bytes handed over from 0–3 bytes into a buffer: the words compared fall on every alignment.
    const verify = async (bytes: Uint8Array, shift: number): Promise<string> => {
      const chain = (await readRegularChain(bytesSource('s.ome.tif', bytes)))!;
      const shifted = new Uint8Array(bytes.length + shift);
      shifted.set(bytes, shift);
      return chain.verifyThrough(page, shifted.subarray(shift), 0).then(
        () => 'as predicted',
        (err: Error) => err.constructor.name,
      );
    };
    for (let shift = 0; shift < 4; shift++) {
      expect(await verify(clean, shift)).toBe('as predicted');
      const seen = new Set<string>();
      for (let at = 0; at < ifdBytes; at++) {
        const bytes = clean.slice();
        bytes[offsets[page] + at] ^= 0x5a;
        seen.add(await verify(bytes, shift));
      }
      expect([...seen]).toEqual(['ChainMismatch']);
    }
  });

  it(`${FUZZ_RUNS} one-byte changes in the IFDs of pages 1–11`, async () => {
    const clean = omeStack();
    const offsets = ifdOffsets(clean);
    let differentFromClean = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: offsets.length - 1 }), fc.nat({ max: 2 + 12 * 12 + 4 - 1 }), fc.nat({ max: 255 }), async (page, at, value) => {
        const bytes = clean.slice();
        bytes[offsets[page] + at] = value;
        const predicted = await outcome(bytes, true);
        expect(predicted).toEqual(await outcome(bytes, false));
        // The same with pages checked by reads into a buffer (file sources), runs read into one.
        expect(await outcome(bytes, true, true)).toEqual(predicted);
        if (typeof predicted === 'string' || JSON.stringify(predicted) !== JSON.stringify([expected(0), expected(1)])) differentFromClean++;
      }),
      { numRuns: FUZZ_RUNS },
    );
    // The changes do matter: many of them make the file fail or read differently.
    expect(differentFromClean).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});
