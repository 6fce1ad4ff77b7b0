import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import { openImzml, PIXELS_PER_SPECTRUM, SPARSE_MIN_PX } from '../../../core/io/sims/imzml.js';
import { MAX_SUM_BINS } from '../../../core/io/sims/imzmlPeaks.js';
import { readSurfaceLabProfile } from '../../../core/io/sims/surfacelab.js';
import { MAX_EXPANSION, openTiffStack, SMALL_PLANE_BYTES } from '../../../core/io/sims/tiffStack.js';
import { ionPlanes } from '../../../core/sims/planeRuns.js';
import { writeSurfaceLabProfile } from '../../../core/io/sims/writeSurfaceLab.js';
import { classifyTiff } from '../../../core/io/tiff/classify.js';
import { writeTiff } from '../../../core/io/tiff/writeTiff.js';
import type { DepthProfile } from '../../../core/model/depthProfile.js';
import type { IonStack } from '../../../core/model/ionStack.js';
import { hasSharedData, readSharedData } from '../../helpers/sharedData.js';
import { allocBound, applyMutation, FUZZ_RUNS, FuzzTally, mutationArb } from './fuzzUtil.js';
import { makeImzml } from '../../../samples/gen/imzml.js';
import { lzwEncode, packBitsEncode, recompressed } from '../tiff/tiffTestUtil.js';

// Hostile input (issue 7): each reader gets valid files edited in the ways broken and crafted
// files are broken, and must return a valid dataset or a FormatError naming the file, quickly.

function checkProfile(p: DepthProfile): void {
  const n = p.timeS.length;
  expect(n).toBeGreaterThan(0);
  for (let i = 1; i < n; i++) expect(p.timeS[i]).toBeGreaterThan(p.timeS[i - 1]);
  for (const ion of p.ions) {
    expect(ion.counts.length).toBe(n);
    expect(ion.counts.every(Number.isFinite)).toBe(true);
  }
  if (p.totalCounts) expect(p.totalCounts.length).toBe(n);
}

async function checkStack(s: IonStack): Promise<void> {
  expect(s.ions.length).toBeGreaterThan(0);
  expect(s.timeS.length).toBe(s.scans);
  // A few planes: first, last; enough to exercise decoding without reading a huge claimed stack.
  const planes: Array<[number, number]> = [[0, 0], [s.ions.length - 1, s.scans - 1]];
  for (const [ion, scan] of planes) {
    const plane = await s.readPlane(ion, scan);
    expect(plane.shape).toEqual([s.height, s.width]);
    expect(plane.data).toBeInstanceOf(Float32Array);
  }
  // Small stacks: every plane of the last ion as runs too (the path reductions take).
  if (s.scans <= 64) {
    let planesRead = 0;
    for await (const p of ionPlanes(s, s.ions.length - 1, Array.from({ length: s.scans }, (_, k) => k))) {
      expect(p.base + s.width * s.height).toBeLessThanOrEqual(p.raw.length);
      planesRead++;
    }
    expect(planesRead).toBe(s.scans);
  }
}

/**
 * What an imzML pair may have allocated at once: an ion image (Float32) of the raster its spectra
 * may claim (imzml.ts: PIXELS_PER_SPECTRUM a spectrum, or SPARSE_MIN_PX), there being fewer
 * spectra than bytes, beside 4 MiB of headroom. Two spectra that claimed a 3500² raster (17
 * images of 49 MB from 3.5 kB) are far over it.
 */
const imagesBound = (inputBytes: number): number => 4 * 1024 ** 2 + 4 * Math.max(SPARSE_MIN_PX, PIXELS_PER_SPECTRUM * inputBytes);
/**
 * Or the summed spectrum's bins (imzmlPeaks.ts), made whatever the windows: at most MAX_SUM_BINS
 * float64s (an m/z edited to 1e-95 spreads the spectrum that far), the old bins beside the new
 * while they grow, the copy and the two arrays the peak search makes of them, and the bins of
 * earlier growth not yet collected (the watch counts the growth of the process's array buffers
 * too; a 4.9 kB pair took 53 MB so): six times that.
 */
const imzmlAllocBound = (inputBytes: number): number => Math.max(imagesBound(inputBytes), 6 * 8 * MAX_SUM_BINS);

describe('hostile input', () => {
  it(`SurfaceLab reader: ${FUZZ_RUNS} mutated exports`, async () => {
    const profile: DepthProfile = {
      kind: 'depthProfile',
      source: { fileName: 'seed', format: 'iontof-ascii' },
      polarity: 'negative',
      timeS: Float64Array.from({ length: 6 }, (_, i) => 1.25 * i),
      ions: [
        { label: 'Li-', mz: 7.016, counts: Float64Array.from([5, 6, 7, 8, 9, 10]), poissonCorrected: false },
        { label: 'PO_2-', mz: 62.964, counts: Float64Array.from([1.5, 2, 3, 4, 5, 6]), poissonCorrected: true },
      ],
      totalCounts: Float64Array.from([10, 11, 12, 13, 14, 15]),
      metadata: {},
    };
    const seeds = [writeSurfaceLabProfile(profile)];
    if (hasSharedData) {
      seeds.push(readSharedData('sims', 'uhasselt_psc_pos_roi.txt'));
      seeds.push(readSharedData('sims', 'grapa_cigs_sample_d.txt').subarray(0, 6000));
    }
    // Every array the reader makes holds a number per cell of a row (two bytes of text at least,
    // eight as a float64): beside 4 MiB of headroom, at most 8 bytes an input byte at once.
    const tally = new FuzzTally('surfacelab', { maxAllocBytes: allocBound(8) });
    const textEdits = fc.constantFrom('\t', '\n', '\r', ',', '.', '#', 'inf', 'nan', 'N/A', '1e308', '-', '\u0000', '\u00b5', 'Intensity');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: seeds.length - 1 }),
        fc.oneof(
          mutationArb(2048).map((m) => ({ m })),
          fc.record({ at: fc.nat({ max: 3000 }), text: textEdits }),
        ),
        async (seedIndex, edit) => {
          const seed = seeds[seedIndex];
          let bytes: Uint8Array;
          if ('m' in edit) bytes = applyMutation(seed, edit.m);
          else {
            const at = Math.min(edit.at, seed.length);
            const ins = new TextEncoder().encode(edit.text);
            bytes = new Uint8Array(seed.length + ins.length);
            bytes.set(seed.subarray(0, at));
            bytes.set(ins, at);
            bytes.set(seed.subarray(at), at + ins.length);
          }
          await tally.run(['fuzz.txt'], async () => checkProfile(readSurfaceLabProfile(bytes, 'fuzz.txt')), bytes.length);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });

  it(`TIFF stack reader and classifier: ${FUZZ_RUNS} mutated stacks`, async () => {
    const page = (k: number, make: (v: number[]) => Uint8Array | Uint16Array | Float32Array) => ({
      width: 12,
      height: 7,
      data: make(Array.from({ length: 84 }, (_, i) => i * 3 + k)),
    });
    const ome = `<?xml version="1.0"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="XYZCT" Type="uint16" SizeX="12" SizeY="7" SizeZ="2" SizeC="2" SizeT="1" PhysicalSizeX="1"><Channel ID="Channel:0:0" Name="Li-"/><Channel ID="Channel:0:1" Name="Fe-"/><TiffData/></Pixels></Image></OME>`;
    const seeds = [
      writeTiff([0, 1, 2].map((k) => page(k, (v) => Uint16Array.from(v)))),
      writeTiff([0, 1, 2, 3].map((k) => ({ ...page(k, (v) => Uint16Array.from(v)), ...(k === 0 ? { description: ome } : {}) })), { compression: 'deflate' }),
      // LZW and PackBits pages (core/io/tiff/compressedPages.ts).
      recompressed(writeTiff([0, 1, 2].map((k) => page(k, (v) => Uint16Array.from(v)))), lzwEncode, 5),
      recompressed(writeTiff([0, 1, 2].map((k) => page(k, (v) => Uint16Array.from(v)))), packBitsEncode, 32773),
      // Deflated in strips of two rows, with the horizontal predictor (core/io/tiff/compressedPages.ts).
      writeTiff(
        [0, 1, 2, 3].map((k) => ({ ...page(k, (v) => Uint16Array.from(v)), extraTags: [{ tag: 317, type: 'short' as const, value: 2 }], ...(k === 0 ? { description: ome } : {}) })),
        { compression: 'deflate', stripBytes: 48 },
      ),
      writeTiff([0, 1].map((k) => page(k, (v) => Float32Array.from(v, (x) => x / 3))), { stripBytes: 100 }),
      // Uncompressed, one strip a page, 2 × 4 planes: opened from predicted IFDs (regularChain.ts).
      writeTiff(
        [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ({ ...page(k, (v) => Uint16Array.from(v)), ...(k === 0 ? { description: ome.replace('SizeZ="2"', 'SizeZ="4"') } : {}) })),
        { compression: 'none' },
      ),
      writeTiff([0, 1].map((k) => ({ ...page(k, (v) => Uint8Array.from(v, (x) => x % 256)), ...(k === 0 ? { description: 'ImageJ=1.54\nimages=2\nchannels=1\nslices=2\n' } : {}) }))),
    ];
    // What a page may claim (tiffStack.ts: its strips' bytes in the file × MAX_EXPANSION, or a
    // small plane), as Float32 from 8-bit samples at most (×4), beside 4 MiB of headroom: a
    // header claiming more than its file could hold must be refused before anything is allocated.
    const stackAllocBound = (inputBytes: number): number => 4 * 1024 ** 2 + 4 * Math.max(MAX_EXPANSION * inputBytes, SMALL_PLANE_BYTES);
    const tally = new FuzzTally('tiff-stack', { maxAllocBytes: stackAllocBound });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), mutationArb(1200), async (seedIndex, m) => {
        const bytes = applyMutation(seeds[seedIndex], m);
        await tally.run(['fuzz_Li-.tif'], async () => {
          const source = bytesSource('fuzz_Li-.tif', bytes);
          await classifyTiff(source);
          await checkStack(await openTiffStack(source));
        }, bytes.length);
      }),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });

  it(`imzML reader: ${FUZZ_RUNS} mutated imzML/ibd pairs`, async () => {
    const pair = makeImzml(
      [
        { x: 1, y: 1, mz: [7.016, 62.964], intensity: [3, 4] },
        { x: 2, y: 1, mz: [7.01, 27.977], intensity: [5, 6] },
        { x: 1, y: 2, z: 2, mz: [55.935], intensity: [7] },
      ],
      { mzType: 'f64', intensityType: 'i32' },
    );
    const xmlText = new TextDecoder().decode(pair.xml);
    const numberEdits = fc.constantFrom('-1', '0', '1e9', '4294967296', '9007199254740993', 'NaN', '', '2.5', '65536');
    const tally = new FuzzTally('imzml', { maxAllocBytes: imzmlAllocBound });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Edit one attribute value of the XML (offsets, lengths, positions, UUID…).
          fc.record({ target: fc.constant('value' as const), which: fc.nat({ max: 200 }), value: numberEdits }),
          fc.record({ target: fc.constant('xml' as const), m: mutationArb(pair.xml.length) }),
          fc.record({ target: fc.constant('ibd' as const), m: mutationArb(pair.ibd.length) }),
        ),
        async (edit) => {
          let xml = pair.xml;
          let ibd = pair.ibd;
          if (edit.target === 'value') {
            let k = 0;
            xml = new TextEncoder().encode(xmlText.replace(/value="[^"]*"/g, (all) => (k++ === edit.which % 40 ? `value="${edit.value}"` : all)));
          } else if (edit.target === 'xml') xml = applyMutation(pair.xml, edit.m);
          else ibd = applyMutation(pair.ibd, edit.m);
          await tally.run(['fuzz.imzML', 'fuzz.ibd'], async () => checkStack(await openImzml(xml, bytesSource('fuzz.ibd', ibd), 'fuzz.imzML')), xml.length + ibd.length);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });

  // Spectra where no battery ion lies (m/z 150–300): the windows come from the summed spectrum,
  // so the m/z and intensities edited reach the histogram and the peak picking.
  it(`imzML reader, windows from the data: ${FUZZ_RUNS} mutated imzML/ibd pairs`, async () => {
    const axis = Array.from({ length: 64 }, (_, i) => 150 + i * 2.3);
    const bump = (centre: number, height: number) => axis.map((m) => height * Math.exp(-(((m - centre) / 3) ** 2)));
    const seeds = (['continuous', 'processed'] as const).map((mode) =>
      makeImzml(
        [
          { x: 1, y: 1, mz: axis, intensity: bump(180, 50) },
          { x: 2, y: 1, mz: mode === 'processed' ? axis.map((m) => m * (1 + 3e-6)) : axis, intensity: bump(250, 80) },
          { x: 1, y: 2, mz: axis, intensity: bump(200, 30).map((v, i) => v + (i % 7)) },
        ],
        { mode, mzType: 'f64', intensityType: 'f32' },
      ),
    );
    const tally = new FuzzTally('imzml-derived', { maxAllocBytes: imzmlAllocBound });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1 }),
        fc.oneof(fc.record({ target: fc.constant('xml' as const), m: mutationArb(seeds[0].xml.length) }), fc.record({ target: fc.constant('ibd' as const), m: mutationArb(seeds[0].ibd.length) })),
        async (which, edit) => {
          const seed = seeds[which];
          const xml = edit.target === 'xml' ? applyMutation(seed.xml, edit.m) : seed.xml;
          const ibd = edit.target === 'ibd' ? applyMutation(seed.ibd, edit.m) : seed.ibd;
          await tally.run(['fuzz.imzML', 'fuzz.ibd'], async () => {
            const stack = await openImzml(xml, bytesSource('fuzz.ibd', ibd), 'fuzz.imzML');
            await checkStack(stack);
            if (stack.metadata['strata.derivedWindows']) {
              const bounds = stack.metadata.peakWindowsDa.split('; ').map((w) => /([-\d.e+]+)–([-\d.e+]+)$/.exec(w)!.slice(1).map(Number));
              for (const [lo, hi] of bounds) expect(lo).toBeLessThan(hi);
              for (const ion of stack.ions) expect(Number.isFinite(ion.mz)).toBe(true);
            }
          }, xml.length + ibd.length);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    tally.report();
    expect(tally.tried).toBe(FUZZ_RUNS);
  });
});
