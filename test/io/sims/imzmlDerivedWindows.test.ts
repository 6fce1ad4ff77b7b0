import { describe, expect, it } from 'vitest';
import { bytesSource } from '../../../core/io/byteSource.js';
import type { ByteSource } from '../../../core/io/byteSource.js';
import { imzmlIndexOf, openImzml, readImzmlSpectrum } from '../../../core/io/sims/imzml.js';
import { BATTERY_MARKER_IONS } from '../../../core/io/sims/nominalIons.js';
import { FormatError } from '../../../core/model/errors.js';
import type { IonStack } from '../../../core/model/ionStack.js';
import { describeShared, readSharedData } from '../../helpers/sharedData.js';
import { makeImzml } from '../../../samples/gen/imzml.js';
import type { TestSpectrum } from '../../../samples/gen/imzml.js';

// Where none of the default (battery) windows lies within the spectra, the windows come from the
// strongest peaks of the summed spectrum: they must find peaks put at known m/z and hold their counts.

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Peak {
  mz: number;
  /** Counts of the peak in each pixel, row-major over a 4 × 3 image. */
  counts: number[];
}

const W = 4;
const H = 3;
const pixels = Array.from({ length: W * H }, (_, i) => ({ x: (i % W) + 1, y: Math.floor(i / W) + 1 }));

/** A continuous axis of m/z from..to in steps, with Gaussian peaks (σ in Da, cut at ±2σ) and optional noise of 0..noise per sample. */
function continuous(peaks: Peak[], opts: { from: number; to: number; step: number; sigma: number; noise?: number; seed?: number }): { spectra: TestSpectrum[]; axis: number[]; planted: number[][][] } {
  const n = Math.round((opts.to - opts.from) / opts.step) + 1;
  const axis = Array.from({ length: n }, (_, i) => opts.from + i * opts.step);
  const random = rng(opts.seed ?? 1);
  // planted[peak][pixel][sample]: what each peak put in each sample of each pixel.
  const planted = peaks.map(() => pixels.map(() => new Array<number>(n).fill(0)));
  const spectra = pixels.map((px, p) => {
    const intensity = axis.map(() => (opts.noise ? opts.noise * random() : 0));
    peaks.forEach((peak, k) => {
      // Shape normalised over the samples it covers, so the pixel's counts are exactly peak.counts[p].
      const idx = axis.map((m, i) => [i, m] as const).filter(([, m]) => Math.abs(m - peak.mz) <= 2 * opts.sigma);
      const shape = idx.map(([, m]) => Math.exp(-(((m - peak.mz) / opts.sigma) ** 2) / 2));
      const total = shape.reduce((a, b) => a + b, 0);
      idx.forEach(([i], j) => {
        const v = (peak.counts[p] * shape[j]) / total;
        planted[k][p][i] = v;
        intensity[i] += v;
      });
    });
    return { x: px.x, y: px.y, mz: axis, intensity };
  });
  return { spectra, axis, planted };
}

async function open(spectra: TestSpectrum[], opts: Parameters<typeof makeImzml>[1] = {}, name = 'gen.imzML'): Promise<IonStack> {
  const { xml, ibd } = makeImzml(spectra, { mzType: 'f64', intensityType: 'f64', ...opts });
  return openImzml(xml, bytesSource('gen.ibd', ibd), name);
}

/** m/z bounds of each window, from the stack's metadata (label → [low, high]). */
function windowBounds(stack: IonStack): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const part of stack.metadata.peakWindowsDa.split('; ')) {
    const m = /^(.*) ([\d.]+)–([\d.]+)$/.exec(part)!;
    out.set(m[1], [Number(m[2]), Number(m[3])]);
  }
  return out;
}

/** The window whose centre lies nearest `mz`. */
function nearest(stack: IonStack, mz: number): { index: number; label: string; mz: number } {
  let best = 0;
  stack.ions.forEach((ion, i) => {
    if (Math.abs(ion.mz! - mz) < Math.abs(stack.ions[best].mz! - mz)) best = i;
  });
  return { index: best, label: stack.ions[best].label, mz: stack.ions[best].mz! };
}

async function image(stack: IonStack, ion: number): Promise<number[]> {
  return Array.from((await stack.readPlane(ion, 0)).data);
}

describe('imzML windows from the data, where no known ion lies within the spectra', () => {
  const peaks: Peak[] = [
    { mz: 123.456, counts: pixels.map((_, p) => 500 + 40 * p) },
    { mz: 188.88, counts: pixels.map((_, p) => 2000 - 100 * p) },
    { mz: 255.23, counts: pixels.map((_, p) => (p % 3 === 0 ? 0 : 800)) },
    { mz: 301.07, counts: pixels.map((_, p) => 300 + 10 * p) },
    { mz: 377.5, counts: pixels.map(() => 150) },
  ];

  it('continuous: one window per peak, centred within 0.005 Da (half a sample), each image the counts put in its peak', async () => {
    const { spectra } = continuous(peaks, { from: 100, to: 400, step: 0.01, sigma: 0.02 });
    const stack = await open(spectra, { mode: 'continuous' });
    expect(stack.ions.length).toBe(peaks.length);
    expect(stack.metadata['strata.derivedWindows']).toMatch(/^5 windows about the strongest peaks .* shared m\/z axis \(30001 samples\)/);
    expect(stack.metadata['strata.windowsOutsideSpectra']).toMatch(
      new RegExp(`^${BATTERY_MARKER_IONS.length} of ${BATTERY_MARKER_IONS.length} ion windows lie outside the spectra's m/z 100–400 \\(no known ion lies within it\\): 5 windows taken instead from the strongest peaks of the summed spectrum`),
    );
    const bounds = windowBounds(stack);
    for (const peak of peaks) {
      const w = nearest(stack, peak.mz);
      expect(Math.abs(w.mz - peak.mz), `${w.label} for the peak at ${peak.mz}`).toBeLessThan(0.005);
      expect(w.label).toBe(`m/z ${peak.mz.toFixed(2)}`);
      // The window holds the whole peak (±2σ = ±0.04 Da) and stays narrow (±1 FWHM ≈ ±0.047 Da, to the sample).
      const [lo, hi] = bounds.get(w.label)!;
      expect(lo).toBeLessThan(peak.mz - 0.04);
      expect(hi).toBeGreaterThan(peak.mz + 0.04);
      expect(hi - lo).toBeLessThan(0.12);
      const img = await image(stack, w.index);
      img.forEach((v, p) => expect(v).toBeCloseTo(peak.counts[p], 2));
    }
  });

  it('on noise: the 20 strongest of 30 peaks, each found within 0.005 Da, its image the counts put there within the noise in its window', async () => {
    const random = rng(7);
    // Amplitudes 60…350 counts per pixel, all different, shuffled along the m/z axis.
    const amplitudes = Array.from({ length: 30 }, (_, k) => 60 + 10 * k).sort(() => random() - 0.5);
    const many: Peak[] = amplitudes.map((a, k) => ({ mz: 110 + k * 9.7 + random() * 3, counts: pixels.map((_, p) => a * (1 + 0.02 * p)) }));
    const noise = 2;
    const { spectra } = continuous(many, { from: 100, to: 420, step: 0.01, sigma: 0.02, noise, seed: 3 });
    const stack = await open(spectra, { mode: 'continuous' });
    expect(stack.ions.length).toBe(20);
    const strongest = [...many].sort((a, b) => b.counts[0] - a.counts[0]).slice(0, 20);
    const bounds = windowBounds(stack);
    const found = new Set<string>();
    for (const peak of strongest) {
      const w = nearest(stack, peak.mz);
      expect(Math.abs(w.mz - peak.mz), `${w.label} for the peak at ${peak.mz}`).toBeLessThan(0.005);
      found.add(w.label);
      const [lo, hi] = bounds.get(w.label)!;
      const samples = Math.floor((hi - lo) / 0.01) + 1;
      const img = await image(stack, w.index);
      img.forEach((v, p) => {
        expect(v).toBeGreaterThanOrEqual(peak.counts[p] - 1e-3);
        expect(v).toBeLessThanOrEqual(peak.counts[p] + noise * samples);
      });
    }
    expect(found.size).toBe(20);
    // Windows in order of m/z, none overlapping.
    const sorted = [...bounds.values()];
    for (let i = 1; i < sorted.length; i++) expect(sorted[i][0]).toBeGreaterThanOrEqual(sorted[i - 1][1]);
  });

  it('processed centroids: each peak a cluster of centroids scattered by a few ppm, found within 10 ppm; its window holds every centroid of it', async () => {
    const random = rng(11);
    const planted = [
      { mz: 150.1234, counts: pixels.map((_, p) => 100 + 5 * p) },
      { mz: 233.3333, counts: pixels.map((_, p) => 60 + (p % 4) * 20) },
      { mz: 345.6789, counts: pixels.map(() => 80) },
    ];
    const positions: number[][] = planted.map(() => []);
    const spectra: TestSpectrum[] = pixels.map((px, p) => {
      const points: Array<[number, number]> = [];
      planted.forEach((peak, k) => {
        const at = peak.mz * (1 + (random() - 0.5) * 6e-6);
        positions[k].push(at);
        points.push([at, peak.counts[p]]);
      });
      // 40 noise centroids of 1–3 counts anywhere in 100–400.
      for (let j = 0; j < 40; j++) points.push([100 + 300 * random(), 1 + Math.floor(3 * random())]);
      points.sort((a, b) => a[0] - b[0]);
      return { x: px.x, y: px.y, mz: points.map((q) => q[0]), intensity: points.map((q) => q[1]) };
    });
    const stack = await open(spectra, { mode: 'processed' });
    expect(stack.metadata['strata.derivedWindows']).toMatch(/summed over 12 spectra \(centroid\) into bins of [\d.]+ ppm/);
    expect(stack.ions.length).toBeLessThanOrEqual(20);
    const bounds = windowBounds(stack);
    for (const [k, peak] of planted.entries()) {
      const w = nearest(stack, peak.mz);
      expect(Math.abs(w.mz - peak.mz) / peak.mz, `${w.label} for the peak at ${peak.mz}`).toBeLessThan(10e-6);
      const [lo, hi] = bounds.get(w.label)!;
      for (const at of positions[k]) expect(at >= lo && at <= hi, `centroid ${at} in ${lo}–${hi}`).toBe(true);
      const img = await image(stack, w.index);
      img.forEach((v, p) => {
        // The peak's counts, and at most the noise centroids of that pixel inside the window.
        const noiseInside = spectra[p].mz.reduce((s, m, i) => s + (m >= lo && m <= hi && !positions.some((ps) => ps[p] === m) ? spectra[p].intensity[i] : 0), 0);
        expect(v).toBeCloseTo(peak.counts[p] + noiseInside, 6);
      });
    }
    // The three planted peaks are the three strongest windows.
    const totals = await Promise.all(stack.ions.map(async (_, i) => (await image(stack, i)).reduce((a, b) => a + b, 0)));
    const top3 = totals
      .map((t, i) => [t, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3)
      .map(([, i]) => i)
      .sort((a, b) => a - b);
    expect(top3).toEqual(planted.map((p) => nearest(stack, p.mz).index));
  });

  it('points at an m/z no ion has (a corrupted array: 1e-95, 1e30, -3) are left out of the sum and the range, and counted: the same windows as without them', async () => {
    const random = rng(5);
    const planted = [150.1234, 233.3333, 345.6789];
    const clean: TestSpectrum[] = pixels.map((px, p) => {
      const points: Array<[number, number]> = planted.map((mz, k) => [mz * (1 + (random() - 0.5) * 6e-6), 50 + 10 * k + p]);
      for (let j = 0; j < 30; j++) points.push([100 + 300 * random(), 1 + Math.floor(3 * random())]);
      points.sort((a, b) => a[0] - b[0]);
      return { x: px.x, y: px.y, mz: points.map((q) => q[0]), intensity: points.map((q) => q[1]) };
    });
    // Pixel 5's array corrupted at both ends (kept in order, as a writer's would be).
    const dirty = clean.map((s, p) => (p === 5 ? { ...s, mz: [-3, 1e-95, ...s.mz, 1e30], intensity: [2, 7, ...s.intensity, 9] } : s));
    const c = await open(clean, { mode: 'processed' });
    const d = await open(dirty, { mode: 'processed' });
    expect(d.ions).toEqual(c.ions);
    expect(d.metadata.peakWindowsDa).toBe(c.metadata.peakWindowsDa);
    expect(d.metadata['strata.windowsOutsideSpectra']).toBe(c.metadata['strata.windowsOutsideSpectra']);
    expect(d.metadata['strata.windowsOutsideSpectra']).toMatch(/the spectra's m\/z 10\d\.?\d*–39\d\.?\d* /);
    expect(c.metadata['strata.derivedWindows']).not.toMatch(/left out/);
    expect(d.metadata['strata.derivedWindows']).toBe(c.metadata['strata.derivedWindows'].replace(/( \(centroid\) into bins of [\d.]+ ppm)/, '$1 (3 points outside m/z 0.5–1,000,000 left out)'));
    for (const i of d.ions.keys()) expect(await image(d, i)).toEqual(await image(c, i));
  });

  it('processed spectra that all share one axis are summed on it, as continuous ones: the same windows', async () => {
    const { spectra } = continuous(peaks, { from: 100, to: 400, step: 0.01, sigma: 0.02, noise: 1 });
    const c = await open(spectra, { mode: 'continuous' });
    const p = await open(spectra, { mode: 'processed' });
    expect(p.ions).toEqual(c.ions);
    expect(p.metadata.peakWindowsDa).toBe(c.metadata.peakWindowsDa);
  });

  it('the few known ions within the range are kept first; windows from the data beside them, none overlapping them', async () => {
    // m/z 70–300 holds FeO- (71.93), NiO- (73.93), PO3- (78.959): 3 of 17, under a quarter.
    const { spectra } = continuous(
      [
        { mz: 71.93, counts: pixels.map(() => 900) },
        { mz: 150.5, counts: pixels.map(() => 400) },
        { mz: 250.25, counts: pixels.map(() => 300) },
      ],
      { from: 70, to: 300, step: 0.01, sigma: 0.02 },
    );
    const stack = await open(spectra, { mode: 'continuous' });
    expect(stack.ions.slice(0, 3).map((i) => i.label)).toEqual(['FeO-', 'NiO-', 'PO3-']);
    expect(stack.ions.slice(3).map((i) => i.label)).toEqual(['m/z 150.50', 'm/z 250.25']);
    expect(await image(stack, 0)).toEqual(pixels.map(() => 900));
    expect(await image(stack, 3)).toEqual(pixels.map(() => 400));
    expect(stack.metadata['strata.windowsOutsideSpectra']).toMatch(/^14 of 17 ion windows lie outside the spectra's m\/z 70–300 \(6Li-, .*\): 3 known ions kept \(FeO-, NiO-, PO3-\), and 2 windows taken from the strongest peaks/);
    expect(stack.metadata['strata.derivedWindows']).toMatch(/known ions kept before them: FeO-, NiO-, PO3-$/);
  });

  it('keeps the default windows where a quarter or more of them lie within the spectra (m/z 50–300: 9 of 17)', async () => {
    const { spectra } = continuous([{ mz: 150.5, counts: pixels.map(() => 400) }], { from: 50, to: 300, step: 0.01, sigma: 0.02 });
    const stack = await open(spectra, { mode: 'continuous' });
    expect(stack.ions.map((i) => i.label)).toEqual(BATTERY_MARKER_IONS.map((i) => i.label));
    expect(stack.metadata['strata.derivedWindows']).toBeUndefined();
    expect(stack.metadata['strata.windowsOutsideSpectra']).toMatch(/^8 of 17 ion windows lie outside .*\(their images are empty\)/);
  });

  it('windows the caller gives are used as given, even where they miss the spectra', async () => {
    const { spectra } = continuous(peaks, { from: 100, to: 400, step: 0.01, sigma: 0.02 });
    const { xml, ibd } = makeImzml(spectra, { mode: 'continuous' });
    const stack = await openImzml(xml, bytesSource('g.ibd', ibd), 'g.imzML', { peakWindows: [{ label: 'Li-', mz: 7.016, toleranceDa: 0.1 }] });
    expect(stack.ions).toEqual([{ label: 'Li-', mz: 7.016 }]);
    expect(stack.metadata['strata.derivedWindows']).toBeUndefined();
    expect(stack.metadata['strata.windowsOutsideSpectra']).toBe("1 of 1 ion windows lie outside the spectra's m/z 100–400 (their images are empty): Li-");
  });

  it('a summed spectrum without peaks leaves the default windows, and says so', async () => {
    const spectra = pixels.map((px) => ({ x: px.x, y: px.y, mz: [200, 300, 400], intensity: [0, 0, 0] }));
    const stack = await open(spectra, { mode: 'continuous' });
    expect(stack.ions.length).toBe(BATTERY_MARKER_IONS.length);
    expect(stack.metadata['strata.windowsOutsideSpectra']).toMatch(/\(their images are empty\): .*; the summed spectrum shows no peak to take windows from$/);
  });

  it('stops when its signal is aborted, in the pass over the derived windows too, with the signal\'s reason', async () => {
    const { spectra } = continuous(peaks, { from: 100, to: 400, step: 0.01, sigma: 0.02 });
    const { xml, ibd } = makeImzml(spectra, { mode: 'continuous' });
    const before = new AbortController();
    before.abort(new Error('cancelled by the user'));
    await expect(openImzml(xml, bytesSource('g.ibd', ibd), 'g.imzML', { signal: before.signal })).rejects.toThrow(/^cancelled by the user$/);
    // 1 + 12 reads in the first pass (the shared m/z array once, then intensities), as many in
    // the second: abort after the 20th read, in the second.
    const during = new AbortController();
    const inner = bytesSource('g.ibd', ibd);
    let reads = 0;
    const counting: ByteSource = {
      name: inner.name,
      size: inner.size,
      read(offset, length) {
        if (++reads === 20) during.abort(new Error('cancelled'));
        return inner.read(offset, length);
      },
    };
    const err = await openImzml(xml, counting, 'g.imzML', { signal: during.signal }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeInstanceOf(FormatError);
    expect((err as Error).message).toBe('cancelled');
    // The UUID read, then the first pass (13 reads), then part of the second.
    expect(reads).toBeGreaterThan(14);
    expect(reads).toBeLessThan(28);
  });
});

// The pyimzML example pair (MALDI, m/z 100–800): the battery ions all miss it.
describeShared('imzML windows from the data: the real example files', () => {
  const load = (mode: 'Continuous' | 'Processed') => openImzml(readSharedData('imzml', `Example_${mode}.imzML`), bytesSource(`${mode}.ibd`, readSharedData('imzml', `Example_${mode}.ibd`)), `Example_${mode}.imzML`);

  it.each(['Continuous', 'Processed'] as const)('%s: 20 windows within the spectra, each image non-empty, holding the strongest point of the summed spectrum', async (mode) => {
    const stack = await load(mode);
    const index = imzmlIndexOf(stack)!;
    expect(stack.ions.length).toBe(20);
    expect(stack.ions.every((i) => /^m\/z \d+\.\d+$/.test(i.label))).toBe(true);
    // Each label is its ion's m/z (the mean of the counts in its window) to the label's decimals:
    // a label kept from the summed spectrum's centre once said another m/z than the ion's.
    for (const ion of stack.ions) {
      const decimals = ion.label.split('.')[1].length;
      expect(ion.label, `m/z ${ion.mz}`).toBe(`m/z ${ion.mz!.toFixed(decimals)}`);
    }
    const bounds = [...windowBounds(stack).values()];
    // The spectra's m/z range: 100.0833–799.9167.
    for (const [lo, hi] of bounds) {
      expect(lo).toBeGreaterThan(100);
      expect(hi).toBeLessThan(800);
    }
    let all = 0;
    for (let i = 0; i < stack.ions.length; i++) {
      const total = (await image(stack, i)).reduce((a, b) => a + b, 0);
      expect(total, stack.ions[i].label).toBeGreaterThan(0);
      all += total;
    }
    // The summed spectrum, read independently: its strongest point is in a window, and the windows hold a part of it, not more.
    let tic = 0;
    const sum = new Map<number, number>();
    for (let s = 0; s < index.spectra.length; s++) {
      const sp = await readImzmlSpectrum(index, s);
      sp.mz.forEach((m, j) => {
        sum.set(m, (sum.get(m) ?? 0) + sp.intensity[j]);
        tic += sp.intensity[j];
      });
    }
    const [top] = [...sum.entries()].sort((a, b) => b[1] - a[1]);
    expect(bounds.some(([lo, hi]) => top[0] >= lo && top[0] <= hi)).toBe(true);
    expect(all).toBeLessThanOrEqual(tic * (1 + 1e-6));
    expect(stack.metadata['strata.windowsOutsideSpectra']).toMatch(/^17 of 17 ion windows lie outside the spectra's m\/z 100\.1–799\.9 \(no known ion lies within it\): 20 windows taken instead from the strongest peaks of the summed spectrum, labelled by their m\/z$/);
    expect(stack.metadata['strata.derivedWindows']).toMatch(/summed over 9 spectra on their shared m\/z axis \(8399 samples\)/);
  });

  it('both modes give the same windows and images (the same spectra)', async () => {
    const c = await load('Continuous');
    const p = await load('Processed');
    expect(p.ions).toEqual(c.ions);
    for (let i = 0; i < c.ions.length; i++) expect(await image(p, i)).toEqual(await image(c, i));
  });
});
