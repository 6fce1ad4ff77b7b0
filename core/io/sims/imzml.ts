import { assertSaneAllocation, FormatError } from '../../model/errors.js';
import { ionStackFromArrays } from '../../model/ionStack.js';
import type { IonStack } from '../../model/ionStack.js';
import type { ByteSource } from '../byteSource.js';
import { asFormatError } from './formatErrors.js';
import { BATTERY_MARKER_IONS } from './nominalIons.js';
import { readMzmlSpectra } from './mzmlParams.js';
import { DERIVED_WINDOW_COUNT, isPhysicalMz, labelWindows, spectrumSummer, strongestPeakWindows } from './imzmlPeaks.js';
import type { SpectrumSummer } from './imzmlPeaks.js';
import type { CvParam, Params, SpectrumElement } from './mzmlParams.js';

/** A mass window that becomes one ion image: either bounds or a centre with a tolerance. */
export type PeakWindow = { label: string; mzLow: number; mzHigh: number } | { label: string; mz: number; toleranceDa: number };

export interface ImzmlOptions {
  /**
   * Mass windows that turn spectra into ion images; default: the DOMAIN.md marker ions ±
   * DEFAULT_TOLERANCE_DA, or, where almost none of those lie within the spectra's m/z range,
   * windows about the strongest peaks of the summed spectrum (imzmlPeaks.ts; the stack's
   * metadata `strata.derivedWindows` says how). Windows given here are always used as given.
   */
  peakWindows?: PeakWindow[];
  /** Stops the reading of spectra (checked before each): the open rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Half-width of the default windows, Da. Wide enough for nominal masses of an uncalibrated
 * spectrum, narrow enough that neighbouring marker ions (e.g. 6Li/7Li, FeO/NiO) never share one.
 */
export const DEFAULT_TOLERANCE_DA = 0.1;
const MAX_WINDOWS = 4096;
/** Ion images held in memory at once (ions × scans × pixels, Float32). */
const MAX_IMAGE_BYTES = 1024 ** 3;
/** Pixels on one axis; a header claiming more is not an image. */
const MAX_AXIS_PX = 1 << 16;
/**
 * A raster may hold this many pixels for each spectrum (an acquisition shaped to the sample, or
 * two regions apart, leaves pixels without one), or SPARSE_MIN_PX whatever its spectra. Fewer
 * spectra than that are a header's claim, not an image: two spectra at the corners of a 3500²
 * raster had 17 ion images of 49 MB each allocated for a 3.5 kB file.
 */
export const PIXELS_PER_SPECTRUM = 1024;
export const SPARSE_MIN_PX = 1 << 16;

/** Where one binary array of a spectrum sits in the .ibd. */
interface ArrayRef {
  offset: number;
  length: number;
  encodedLength: number;
  type: NumberType;
}

type NumberType = 'f32' | 'f64' | 'i32' | 'i64' | 'i8' | 'i16';
const TYPE_BYTES: Record<NumberType, number> = { f32: 4, f64: 8, i32: 4, i64: 8, i8: 1, i16: 2 };
const TYPE_BY_ACCESSION: Record<string, NumberType> = {
  'MS:1000521': 'f32',
  'MS:1000523': 'f64',
  'MS:1000519': 'i32',
  'MS:1000522': 'i64',
  'IMS:1100000': 'i8',
  'IMS:1100001': 'i16',
};

export interface ImzmlSpectrumRef {
  /** 1-based pixel coordinates as the file writes them (z = 1 when the file has no position z). */
  x: number;
  y: number;
  z: number;
  mz: ArrayRef;
  intensity: ArrayRef;
}

/** The parsed XML: everything needed to read any spectrum later, without the spectra themselves. */
export interface ImzmlIndex {
  fileName: string;
  ibd: ByteSource;
  mode: 'continuous' | 'processed' | 'unknown';
  uuid: string | null;
  spectra: ImzmlSpectrumRef[];
  /** Ranges of the pixel coordinates (inclusive). */
  x: [number, number];
  y: [number, number];
  z: [number, number];
  pixelSizeNm: number | null;
  polarity: 'positive' | 'negative' | 'unknown';
  /** Profile or centroid spectra, as the file content (or the first spectrum) says (MS:1000128 / MS:1000127). */
  representation: 'profile' | 'centroid' | 'unknown';
  metadata: Record<string, string>;
}

export interface ImzmlSpectrum {
  x: number;
  y: number;
  z: number;
  mz: Float64Array;
  intensity: Float64Array;
}

/**
 * imzML + ibd → IonStack. The XML is parsed once into an index; every spectrum is read once and
 * summed inside each peak window into per-(z, y, x) ion images (z → scans). The stack keeps its
 * index (see `imzmlIndexOf`) so a spectrum view can read single spectra with `readImzmlSpectrum`.
 */
export async function openImzml(xml: Uint8Array | AsyncIterable<Uint8Array>, ibd: ByteSource, fileName: string, opts: ImzmlOptions = {}): Promise<IonStack> {
  try {
    const index = await openImzmlIndex(xml, ibd, fileName);
    return await buildStack(index, resolveWindows(opts.peakWindows, fileName), { derive: opts.peakWindows === undefined, signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted && err === opts.signal.reason) throw err;
    throw asFormatError(fileName, err, 'not a readable imzML');
  }
}

/**
 * Reads the XML (whole, or as chunks of a file read piece by piece) in one streaming pass and
 * checks it against the .ibd (UUID, array bounds). Only each spectrum's position and arrays
 * are kept.
 */
export async function openImzmlIndex(xml: Uint8Array | AsyncIterable<Uint8Array>, ibd: ByteSource, fileName: string): Promise<ImzmlIndex> {
  const spectra: ImzmlSpectrumRef[] = [];
  let polarity: ImzmlIndex['polarity'] = 'unknown';
  let firstRepresentation: ImzmlIndex['representation'] = 'unknown';
  // The first bad spectrum is reported once the whole file is read, after the UUID check (a
  // wrong .ibd explains bad arrays), and the spectra after it are not looked at.
  let firstError: unknown = null;
  const { head, spectra: count } = await readMzmlSpectra(xml, fileName, (element, i) => {
    if (firstError !== null) return;
    try {
      if (i === 0) {
        polarity = element.own.has('MS:1000129') ? 'negative' : element.own.has('MS:1000130') ? 'positive' : 'unknown';
        firstRepresentation = representationOf(element.own);
      }
      spectra.push(spectrumRef(element, i, ibd, fileName));
    } catch (err) {
      firstError = err;
    }
  });
  const uuid = normaliseUuid(head.fileContent.get('IMS:1000080')?.value ?? null);
  const mode = head.fileContent.has('IMS:1000030') ? 'continuous' : head.fileContent.has('IMS:1000031') ? 'processed' : 'unknown';
  const fileRepresentation = representationOf(head.fileContent);
  const representation = fileRepresentation !== 'unknown' ? fileRepresentation : firstRepresentation;
  await checkUuid(ibd, uuid, fileName);
  const settings = head.scanSettings ?? new Map();
  const pixelSizeNm = lengthNm(settings.get('IMS:1000046')) ?? lengthNm(settings.get('IMS:1000047'));
  if (count === 0) throw new FormatError(fileName, 'no spectra in <spectrumList>');
  if (firstError !== null) throw firstError;

  const range = (key: 'x' | 'y' | 'z'): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of spectra) {
      lo = Math.min(lo, s[key]);
      hi = Math.max(hi, s[key]);
    }
    return [lo, hi];
  };
  const metadata: Record<string, string> = { mode };
  if (uuid === null) metadata.uuidCheck = 'the imzML gives no UUID: the .ibd pairing was not checked';
  return { fileName, ibd, mode, uuid, spectra, x: range('x'), y: range('y'), z: range('z'), pixelSizeNm, polarity, representation, metadata };
}

function representationOf(params: Params): ImzmlIndex['representation'] {
  return params.has('MS:1000127') ? 'centroid' : params.has('MS:1000128') ? 'profile' : 'unknown';
}

/** A spectrum's pixel position (from its own cvParams or its first scan's) and its two arrays. */
function spectrumRef(element: SpectrumElement, i: number, ibd: ByteSource, fileName: string): ImzmlSpectrumRef {
  const coord = (acc: string, name: string, required: boolean): number => {
    // The scan's param where both have one (as a map of the spectrum's, then the scan's, would).
    const p = element.scan.get(acc) ?? element.own.get(acc);
    if (!p) {
      if (required) throw new FormatError(fileName, `spectrum ${i}: no ${name} (${acc})`);
      return 1;
    }
    const v = Number(p.value);
    if (!Number.isInteger(v) || v < 0 || v > MAX_AXIS_PX) throw new FormatError(fileName, `spectrum ${i}: ${name} "${String(p.value)}" is not a pixel coordinate`);
    return v;
  };
  const x = coord('IMS:1000050', 'position x', true);
  const y = coord('IMS:1000051', 'position y', true);
  const z = coord('IMS:1000052', 'position z', false);
  let mz: ArrayRef | null = null;
  let intensity: ArrayRef | null = null;
  for (const { params, attributes } of element.arrays) {
    const ref = arrayRef(params, attributes, ibd, fileName, i);
    if (params.has('MS:1000514')) mz = ref;
    else if (params.has('MS:1000515')) intensity = ref;
  }
  if (!mz || !intensity) throw new FormatError(fileName, `spectrum ${i}: needs an m/z array and an intensity array`);
  if (mz.length !== intensity.length) throw new FormatError(fileName, `spectrum ${i}: m/z array has ${mz.length} values, intensity ${intensity.length}`);
  return { x, y, z, mz, intensity };
}

/** One spectrum (by its position in the file) with its m/z and intensity arrays as Float64. */
export async function readImzmlSpectrum(index: ImzmlIndex, spectrumIndex: number): Promise<ImzmlSpectrum> {
  const s = index.spectra[spectrumIndex];
  if (!s) throw new RangeError(`${index.fileName}: spectrum ${spectrumIndex} outside 0..${index.spectra.length - 1}`);
  const [mz, intensity] = await Promise.all([readArray(index, s.mz), readArray(index, s.intensity)]);
  return { x: s.x, y: s.y, z: s.z, mz, intensity };
}

/** Index of the spectrum at pixel (x, y[, z]) in file coordinates (1-based), or -1. */
export function findImzmlSpectrum(index: ImzmlIndex, x: number, y: number, z = index.z[0]): number {
  return index.spectra.findIndex((s) => s.x === x && s.y === y && s.z === z);
}

/** The imzML index behind a stack that `openImzml` made; null for other stacks. */
export function imzmlIndexOf(stack: IonStack): ImzmlIndex | null {
  return (stack as IonStack & { imzml?: ImzmlIndex }).imzml ?? null;
}

interface Window {
  label: string;
  mzLow: number;
  mzHigh: number;
  mz: number;
}

function resolveWindows(windows: PeakWindow[] | undefined, fileName: string): Window[] {
  const list: PeakWindow[] = windows ?? BATTERY_MARKER_IONS.map((ion) => ({ label: ion.label, mz: ion.mz!, toleranceDa: DEFAULT_TOLERANCE_DA }));
  if (list.length === 0 || list.length > MAX_WINDOWS) throw new FormatError(fileName, `${list.length} peak windows: give 1..${MAX_WINDOWS}`);
  return list.map((w) => {
    const [lo, hi] = 'mz' in w ? [w.mz - w.toleranceDa, w.mz + w.toleranceDa] : [w.mzLow, w.mzHigh];
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`peak window ${w.label}: [${lo}, ${hi}] is not a mass range`);
    return { label: w.label, mzLow: lo, mzHigh: hi, mz: 'mz' in w ? w.mz : (lo + hi) / 2 };
  });
}

/**
 * Fewer of the default windows than this share within the spectra's m/z range, and the data
 * give the windows instead: a quarter, i.e. at most 4 of the 17 battery ions. A file measured
 * over the battery's negative ions holds most of them (m/z 6–79); one that holds a few at the
 * edge of its range (m/z 70–1000: FeO⁻, NiO⁻, PO₃⁻) was measured for something else, and those
 * few are kept beside the peaks of its own spectrum.
 */
const DERIVE_BELOW_SHARE = 0.25;

interface BuildOptions {
  /** Whether windows may be taken from the data (not when the caller gave windows). */
  derive: boolean;
  signal?: AbortSignal;
}

/** One spectrum of a pass: its place in the volumes, its m/z (shared arrays read once) and intensities. */
type SpectrumVisit = (at: number, mz: Float64Array, sorted: boolean, intensity: Float64Array) => void;

/**
 * Reads every spectrum once, one at a time (two arrays in memory; a continuous file's shared
 * m/z array read once), checking `signal` before each. `onMz` sees each m/z array read.
 */
async function eachSpectrum(index: ImzmlIndex, signal: AbortSignal | undefined, visit: SpectrumVisit, onMz?: (values: Float64Array) => void): Promise<void> {
  const width = index.x[1] - index.x[0] + 1;
  const planeSize = width * (index.y[1] - index.y[0] + 1);
  let mzCache: { ref: ArrayRef; values: Float64Array; sorted: boolean } | null = null;
  for (let i = 0; i < index.spectra.length; i++) {
    signal?.throwIfAborted();
    const s = index.spectra[i];
    const at = (s.z - index.z[0]) * planeSize + (s.y - index.y[0]) * width + (s.x - index.x[0]);
    if (!mzCache || mzCache.ref.offset !== s.mz.offset || mzCache.ref.length !== s.mz.length || mzCache.ref.type !== s.mz.type) {
      const values = await readArray(index, s.mz);
      mzCache = { ref: s.mz, values, sorted: isSorted(values) };
      onMz?.(values);
    }
    visit(at, mzCache.values, mzCache.sorted, await readArray(index, s.intensity));
  }
}

/** Windows lying (at least in part) within [mzMin, mzMax]. */
function windowsWithin(windows: Window[], mzMin: number, mzMax: number): Window[] {
  return windows.filter((w) => !(w.mzHigh < mzMin || w.mzLow > mzMax));
}

function tooFewWithin(windows: Window[], mzMin: number, mzMax: number): boolean {
  return mzMin <= mzMax && windowsWithin(windows, mzMin, mzMax).length < Math.ceil(windows.length * DERIVE_BELOW_SHARE);
}

/**
 * Every spectrum is read once and summed in each window. Where the windows are the defaults and
 * almost none lies within the spectra's m/z range, the windows come from the data: the summed
 * spectrum is built in the same pass (begun when the first m/z array read shows the defaults
 * missing it; where that array holds enough of them, so does the file, whose range holds it),
 * its strongest peaks become windows (imzmlPeaks.ts), and one more pass sums the spectra in
 * them. The known windows within the range are kept, first.
 */
async function buildStack(index: ImzmlIndex, windows: Window[], opts: BuildOptions): Promise<IonStack> {
  const { fileName } = index;
  const width = index.x[1] - index.x[0] + 1;
  const height = index.y[1] - index.y[0] + 1;
  const scans = index.z[1] - index.z[0] + 1;
  const spectra = index.spectra.length;
  if (scans * height * width > Math.max(SPARSE_MIN_PX, PIXELS_PER_SPECTRUM * spectra)) {
    throw new FormatError(fileName, `${spectra} spectra spread over a raster of ${width} × ${height} × ${scans} pixels (x ${index.x[0]}–${index.x[1]}, y ${index.y[0]}–${index.y[1]}, z ${index.z[0]}–${index.z[1]}): fewer than one in ${PIXELS_PER_SPECTRUM} pixels has a spectrum, not an image; refused`);
  }
  assertSaneAllocation(fileName, `${windows.length} ion images of ${scans} × ${height} × ${width}`, windows.length * scans * height * width, 4, MAX_IMAGE_BYTES);
  const planeSize = width * height;
  // Let: where windows are taken from the data, the images of the default windows outside the
  // spectra are let go before the new ones are made (both at once held twice the bound).
  let volumes = windows.map(() => new Float32Array(scans * planeSize));
  const filled = new Uint8Array(scans * planeSize);
  // The spectra's m/z range, to say which windows lie outside it (the default battery windows
  // on a MALDI file of m/z 100–800: 17 ion images of nothing, named as if measured).
  let mzMin = Infinity;
  let mzMax = -Infinity;
  // Begun at the first m/z array with values, when the defaults miss it (the file's range holds
  // that array's: where the defaults do not miss it, they do not miss the file). A holder, as a
  // closure's assignments are lost on the type checker.
  const sum: { summer: SpectrumSummer | null; decided: boolean } = { summer: null, decided: false };
  let spectrum = 0;
  await eachSpectrum(
    index,
    opts.signal,
    (at, mz, sorted, intensity) => {
      const s = index.spectra[spectrum];
      if (filled[at]) throw new FormatError(fileName, `spectra overlap at pixel x=${s.x} y=${s.y} z=${s.z} (spectrum ${spectrum})`);
      filled[at] = 1;
      spectrum++;
      windows.forEach((w, k) => {
        volumes[k][at] = windowSum(mz, intensity, w, sorted);
      });
      sum.summer?.add(mz, intensity);
    },
    (values) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = 0; j < values.length; j++) {
        const v = values[j];
        if (!isPhysicalMz(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      mzMin = Math.min(mzMin, lo);
      mzMax = Math.max(mzMax, hi);
      if (!sum.decided && lo <= hi) {
        sum.decided = true;
        if (opts.derive && tooFewWithin(windows, lo, hi)) sum.summer = spectrumSummer(index.representation);
      }
    },
  );

  let final = windows;
  let finalVolumes = volumes;
  let derivedNote: Record<string, string> = {};
  let derivedCount: number | null = null;
  if (opts.derive && tooFewWithin(windows, mzMin, mzMax)) {
    const kept = windowsWithin(windows, mzMin, mzMax);
    const summed = sum.summer?.result() ?? null;
    const peaks = summed ? strongestPeakWindows(summed, DERIVED_WINDOW_COUNT, kept) : [];
    derivedCount = peaks.length;
    if (peaks.length > 0) {
      assertSaneAllocation(fileName, `${kept.length + peaks.length} ion images of ${scans} × ${height} × ${width}`, (kept.length + peaks.length) * scans * height * width, 4, MAX_IMAGE_BYTES);
      const keptVolumes = kept.map((w) => volumes[windows.indexOf(w)]);
      volumes = keptVolumes;
      finalVolumes = keptVolumes;
      const derivedVolumes = peaks.map(() => new Float32Array(scans * planeSize));
      // Each window's centre, finally, is the mean m/z of the counts in it (the summed
      // spectrum's is that of its points or bins).
      const counts = new Float64Array(peaks.length);
      const moments = new Float64Array(peaks.length);
      const moment: [number, number] = [0, 0];
      await eachSpectrum(index, opts.signal, (at, mz, sorted, intensity) => {
        peaks.forEach((w, k) => {
          windowMoments(mz, intensity, w, sorted, moment);
          derivedVolumes[k][at] = moment[0];
          counts[k] += moment[0];
          moments[k] += moment[1];
        });
      });
      const centred = peaks.map((w, k) => {
        const mean = moments[k] / counts[k];
        return { ...w, mz: counts[k] > 0 && mean >= w.mzLow && mean <= w.mzHigh ? mean : w.mz };
      });
      const derived = labelWindows(centred);
      final = [...kept, ...derived];
      finalVolumes = [...keptVolumes, ...derivedVolumes];
      derivedNote = {
        'strata.derivedWindows':
          `${plural(derived.length, 'window')} about the strongest peaks (by prominence, above 5 σ of the noise) of the spectrum ${summed!.how}; ` +
          `each ±1 FWHM of its peak about the peak's centroid, at least the peak's point and those beside it, split at the lowest point between neighbours; labelled by the mean m/z of the counts in it` +
          (kept.length > 0 ? `; known ions kept before them: ${kept.map((w) => w.label).join(', ')}` : ''),
      };
    }
  }

  const stack = ionStackFromArrays({
    source: { fileName, format: 'imzml', sizeBytes: index.ibd.size },
    ions: final.map((w) => ({ label: w.label, mz: w.mz })),
    scans,
    height,
    width,
    volumes: finalVolumes,
    pixelSizeNm: index.pixelSizeNm,
    metadata: {
      ...index.metadata,
      polarity: index.polarity,
      spectra: String(index.spectra.length),
      origin: `x=${index.x[0]} y=${index.y[0]} z=${index.z[0]} (file pixel coordinates of [0,0,0])`,
      peakWindowsDa: final.map((w) => `${w.label} ${w.mzLow.toFixed(4)}–${w.mzHigh.toFixed(4)}`).join('; '),
      pixelsWithoutSpectrum: String(filled.length - index.spectra.length),
      ...outsideSpectra(windows, mzMin, mzMax, derivedCount),
      ...derivedNote,
    },
  });
  Object.defineProperty(stack, 'imzml', { value: index, enumerable: false });
  return stack;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The windows no spectrum reaches, as metadata (`strata.windowsOutsideSpectra`), none when all
 * are reached; and, when windows were taken from the data instead (`derived`: how many; null
 * when none was looked for), that they were.
 */
function outsideSpectra(windows: Window[], mzMin: number, mzMax: number, derived: number | null): Record<string, string> {
  if (!(mzMin <= mzMax)) return {};
  const outside = windows.filter((w) => w.mzHigh < mzMin || w.mzLow > mzMax);
  if (outside.length === 0) return {};
  const range = `m/z ${+mzMin.toPrecision(4)}–${+mzMax.toPrecision(4)}`;
  const head = `${outside.length} of ${windows.length} ion windows lie outside the spectra's ${range}`;
  const labels = outside.map((w) => w.label).join(', ');
  if (derived === null) return { 'strata.windowsOutsideSpectra': `${head} (their images are empty): ${labels}` };
  const kept = windows.filter((w) => !outside.includes(w));
  if (derived === 0) return { 'strata.windowsOutsideSpectra': `${head} (their images are empty): ${labels}; the summed spectrum shows no peak ${kept.length > 0 ? 'outside the windows within it ' : ''}to take windows from` };
  const taken = `${plural(derived, 'window')} taken from the strongest peaks of the summed spectrum, labelled by their m/z`;
  if (kept.length === 0) return { 'strata.windowsOutsideSpectra': `${head} (no known ion lies within it): ${taken.replace(' taken ', ' taken instead ')}` };
  return { 'strata.windowsOutsideSpectra': `${head} (${labels}): ${plural(kept.length, 'known ion')} kept (${kept.map((w) => w.label).join(', ')}), and ${taken}` };
}

function isSorted(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i] >= values[i - 1])) return false;
  return true;
}

/** Sum of intensities with mzLow ≤ m/z ≤ mzHigh, and of intensity × m/z, into `out`. */
function windowMoments(mz: Float64Array, intensity: Float64Array, w: { mzLow: number; mzHigh: number }, sorted: boolean, out: [number, number]): void {
  let sum = 0;
  let sumMz = 0;
  let i = sorted ? firstAtLeast(mz, w.mzLow) : 0;
  for (; i < mz.length; i++) {
    const m = mz[i];
    if (sorted && m > w.mzHigh) break;
    if (m >= w.mzLow && m <= w.mzHigh) {
      sum += intensity[i];
      sumMz += intensity[i] * m;
    }
  }
  out[0] = sum;
  out[1] = sumMz;
}

function firstAtLeast(mz: Float64Array, value: number): number {
  let lo = 0;
  let hi = mz.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mz[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sum of intensities with mzLow ≤ m/z ≤ mzHigh; binary search on sorted m/z arrays. */
function windowSum(mz: Float64Array, intensity: Float64Array, w: Window, sorted: boolean): number {
  let sum = 0;
  if (!sorted) {
    for (let i = 0; i < mz.length; i++) if (mz[i] >= w.mzLow && mz[i] <= w.mzHigh) sum += intensity[i];
    return sum;
  }
  for (let i = firstAtLeast(mz, w.mzLow); i < mz.length && mz[i] <= w.mzHigh; i++) sum += intensity[i];
  return sum;
}

async function readArray(index: ImzmlIndex, ref: ArrayRef): Promise<Float64Array> {
  const bytes = await index.ibd.read(ref.offset, ref.encodedLength);
  if (bytes.byteLength < ref.encodedLength) throw new FormatError(index.ibd.name, `array of ${ref.encodedLength} bytes at ${ref.offset}: file truncated`, { offset: ref.offset });
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(ref.length);
  for (let i = 0; i < ref.length; i++) {
    switch (ref.type) {
      case 'f32': out[i] = dv.getFloat32(i * 4, true); break;
      case 'f64': out[i] = dv.getFloat64(i * 8, true); break;
      case 'i32': out[i] = dv.getInt32(i * 4, true); break;
      case 'i64': out[i] = Number(dv.getBigInt64(i * 8, true)); break;
      case 'i16': out[i] = dv.getInt16(i * 2, true); break;
      case 'i8': out[i] = dv.getInt8(i); break;
    }
  }
  return out;
}

function arrayRef(bp: Params, bda: Record<string, string>, ibd: ByteSource, fileName: string, spectrum: number): ArrayRef {
  const int = (acc: string, name: string): number => {
    const raw = bp.get(acc)?.value;
    const v = Number(raw);
    if (raw === undefined || !Number.isSafeInteger(v) || v < 0) throw new FormatError(fileName, `spectrum ${spectrum}: ${name} (${acc}) "${String(raw)}" is missing or invalid`);
    return v;
  };
  const compressed = [...bp.values()].some((p) => /compression/i.test(p.name ?? '') && !/^no compression$/i.test(p.name ?? ''));
  if (bp.has('MS:1000574') || compressed) {
    throw new FormatError(fileName, `spectrum ${spectrum}: compressed binary arrays are not supported`);
  }
  const typeAcc = [...bp.keys()].find((k) => TYPE_BY_ACCESSION[k] !== undefined);
  if (!typeAcc) throw new FormatError(fileName, `spectrum ${spectrum}: binary array has no supported data type (32/64-bit float or integer)`);
  const type = TYPE_BY_ACCESSION[typeAcc];
  const offset = int('IMS:1000102', 'external offset');
  const length = int('IMS:1000103', 'external array length');
  const declared = bp.has('IMS:1000104') ? int('IMS:1000104', 'external encoded length') : Number(bda.encodedLength ?? 0);
  const encodedLength = length * TYPE_BYTES[type];
  if (declared > 0 && declared !== encodedLength) {
    throw new FormatError(fileName, `spectrum ${spectrum}: encoded length ${declared} ≠ ${length} values × ${TYPE_BYTES[type]} bytes`);
  }
  if (offset + encodedLength > ibd.size) {
    throw new FormatError(ibd.name, `spectrum ${spectrum}: array of ${encodedLength} bytes at ${offset} passes the end of the file (${ibd.size} bytes)`, { offset });
  }
  return { offset, length, encodedLength, type };
}

function lengthNm(p: CvParam | undefined): number | null {
  if (!p) return null;
  const v = Number(p.value);
  if (!(Number.isFinite(v) && v > 0)) return null;
  const unit = `${p.unitAccession ?? ''} ${p.unitName ?? ''}`.toLowerCase();
  if (unit.includes('uo:0000018') || unit.includes('nanometer')) return v;
  if (unit.includes('uo:0000016') || unit.includes('millimeter')) return v * 1e6;
  // imzML's pixel size is in micrometres unless said otherwise.
  return v * 1e3;
}

function normaliseUuid(raw: string | null): string | null {
  if (raw === null) return null;
  const hex = raw.replace(/[{}\-\s]/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : null;
}

async function checkUuid(ibd: ByteSource, uuid: string | null, fileName: string): Promise<void> {
  if (ibd.size < 16) throw new FormatError(ibd.name, `${ibd.size} bytes: too short for the 16-byte UUID of an .ibd`, { offset: 0 });
  if (uuid === null) return;
  const head = await ibd.read(0, 16);
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== uuid) throw new FormatError(fileName, `the .ibd (${ibd.name}) starts with UUID ${hex}, the imzML names ${uuid}: they do not belong together`, { offset: 0 });
}
