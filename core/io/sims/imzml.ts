import { assertSaneAllocation, FormatError } from '../../model/errors.js';
import { ionStackFromArrays } from '../../model/ionStack.js';
import type { IonStack } from '../../model/ionStack.js';
import type { ByteSource } from '../byteSource.js';
import { asFormatError } from './formatErrors.js';
import { BATTERY_MARKER_IONS } from './nominalIons.js';
import { readMzmlSpectra } from './mzmlParams.js';
import type { CvParam, Params, SpectrumElement } from './mzmlParams.js';

/** A mass window that becomes one ion image: either bounds or a centre with a tolerance. */
export type PeakWindow = { label: string; mzLow: number; mzHigh: number } | { label: string; mz: number; toleranceDa: number };

export interface ImzmlOptions {
  /** Mass windows that turn spectra into ion images; default: the DOMAIN.md marker ions ± DEFAULT_TOLERANCE_DA. */
  peakWindows?: PeakWindow[];
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
    return await buildStack(index, resolveWindows(opts.peakWindows, fileName));
  } catch (err) {
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
  // The first bad spectrum is reported once the whole file is read, after the UUID check (a
  // wrong .ibd explains bad arrays), and the spectra after it are not looked at.
  let firstError: unknown = null;
  const { head, spectra: count } = await readMzmlSpectra(xml, fileName, (element, i) => {
    if (firstError !== null) return;
    try {
      if (i === 0) polarity = element.own.has('MS:1000129') ? 'negative' : element.own.has('MS:1000130') ? 'positive' : 'unknown';
      spectra.push(spectrumRef(element, i, ibd, fileName));
    } catch (err) {
      firstError = err;
    }
  });
  const uuid = normaliseUuid(head.fileContent.get('IMS:1000080')?.value ?? null);
  const mode = head.fileContent.has('IMS:1000030') ? 'continuous' : head.fileContent.has('IMS:1000031') ? 'processed' : 'unknown';
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
  return { fileName, ibd, mode, uuid, spectra, x: range('x'), y: range('y'), z: range('z'), pixelSizeNm, polarity, metadata };
}

/** A spectrum's pixel position (from its own cvParams or its first scan's) and its two arrays. */
function spectrumRef(element: SpectrumElement, i: number, ibd: ByteSource, fileName: string): ImzmlSpectrumRef {
  const pos = new Map([...element.own, ...element.scan]);
  const coord = (acc: string, name: string, required: boolean): number => {
    const p = pos.get(acc);
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

async function buildStack(index: ImzmlIndex, windows: Window[]): Promise<IonStack> {
  const { fileName } = index;
  const width = index.x[1] - index.x[0] + 1;
  const height = index.y[1] - index.y[0] + 1;
  const scans = index.z[1] - index.z[0] + 1;
  assertSaneAllocation(fileName, `${windows.length} ion images of ${scans} × ${height} × ${width}`, windows.length * scans * height * width, 4, MAX_IMAGE_BYTES);
  const planeSize = width * height;
  const volumes = windows.map(() => new Float32Array(scans * planeSize));
  const filled = new Uint8Array(scans * planeSize);
  let mzCache: { ref: ArrayRef; values: Float64Array; sorted: boolean } | null = null;
  // The spectra's m/z range, to say which windows lie outside it (the default battery windows
  // on a MALDI file of m/z 100–800: 17 ion images of nothing, named as if measured).
  let mzMin = Infinity;
  let mzMax = -Infinity;
  for (let i = 0; i < index.spectra.length; i++) {
    const s = index.spectra[i];
    const at = (s.z - index.z[0]) * planeSize + (s.y - index.y[0]) * width + (s.x - index.x[0]);
    if (filled[at]) throw new FormatError(fileName, `spectra overlap at pixel x=${s.x} y=${s.y} z=${s.z} (spectrum ${i})`);
    filled[at] = 1;
    // Continuous mode shares one m/z array: read it once.
    if (!mzCache || mzCache.ref.offset !== s.mz.offset || mzCache.ref.length !== s.mz.length || mzCache.ref.type !== s.mz.type) {
      const values = await readArray(index, s.mz);
      mzCache = { ref: s.mz, values, sorted: isSorted(values) };
      for (let j = 0; j < values.length; j++) {
        if (values[j] < mzMin) mzMin = values[j];
        if (values[j] > mzMax) mzMax = values[j];
      }
    }
    const intensity = await readArray(index, s.intensity);
    windows.forEach((w, k) => {
      volumes[k][at] = windowSum(mzCache!.values, intensity, w, mzCache!.sorted);
    });
  }
  const stack = ionStackFromArrays({
    source: { fileName, format: 'imzml', sizeBytes: index.ibd.size },
    ions: windows.map((w) => ({ label: w.label, mz: w.mz })),
    scans,
    height,
    width,
    volumes,
    pixelSizeNm: index.pixelSizeNm,
    metadata: {
      ...index.metadata,
      polarity: index.polarity,
      spectra: String(index.spectra.length),
      origin: `x=${index.x[0]} y=${index.y[0]} z=${index.z[0]} (file pixel coordinates of [0,0,0])`,
      peakWindowsDa: windows.map((w) => `${w.label} ${w.mzLow.toFixed(4)}–${w.mzHigh.toFixed(4)}`).join('; '),
      pixelsWithoutSpectrum: String(filled.length - index.spectra.length),
      ...outsideSpectra(windows, mzMin, mzMax),
    },
  });
  Object.defineProperty(stack, 'imzml', { value: index, enumerable: false });
  return stack;
}

/** The windows no spectrum reaches, as metadata (`strata.windowsOutsideSpectra`), none when all are reached. */
function outsideSpectra(windows: Window[], mzMin: number, mzMax: number): Record<string, string> {
  if (!(mzMin <= mzMax)) return {};
  const outside = windows.filter((w) => w.mzHigh < mzMin || w.mzLow > mzMax);
  if (outside.length === 0) return {};
  const range = `m/z ${+mzMin.toPrecision(4)}–${+mzMax.toPrecision(4)}`;
  return { 'strata.windowsOutsideSpectra': `${outside.length} of ${windows.length} ion windows lie outside the spectra's ${range} (their images are empty): ${outside.map((w) => w.label).join(', ')}` };
}

function isSorted(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i] >= values[i - 1])) return false;
  return true;
}

/** Sum of intensities with mzLow ≤ m/z ≤ mzHigh; binary search on sorted m/z arrays. */
function windowSum(mz: Float64Array, intensity: Float64Array, w: Window, sorted: boolean): number {
  let sum = 0;
  if (!sorted) {
    for (let i = 0; i < mz.length; i++) if (mz[i] >= w.mzLow && mz[i] <= w.mzHigh) sum += intensity[i];
    return sum;
  }
  let lo = 0;
  let hi = mz.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (mz[mid] < w.mzLow) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < mz.length && mz[i] <= w.mzHigh; i++) sum += intensity[i];
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
