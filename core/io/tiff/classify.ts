import type { ByteSource } from '../byteSource.js';
import { readIfdAt, readTagText, readTiffHeader, readTiffStructure, TAG } from './ifd.js';
import type { TiffStructure } from './ifd.js';
import { readPageInfo } from './page.js';

const SEM_VENDOR_TAGS = [TAG.FeiHelios, TAG.ZeissSem, TAG.TescanSem];

/** What a TIFF holds, as classifyTiff decides it. */
export type TiffKind = 'sims-stack' | 'sem';

/**
 * Decides whether a TIFF is an ion-image stack or an SEM image, from its structure only:
 * - a vendor SEM tag (34682 FEI/Thermo, 34118 Zeiss, 50431 Tescan) on the first page → sem;
 * - OME-XML or an ImageJ hyperstack description → stack;
 * - two or more full-resolution single-sample pages of one size and bit depth → stack
 *   (thumbnails and pyramid levels, flagged by NewSubfileType, do not count as pages);
 * - anything else (one page, RGB, mixed sizes) → sem.
 * Throws FormatError when the file is not a readable TIFF.
 */
export async function classifyTiff(source: ByteSource): Promise<TiffKind> {
  // The first page decides most files: walking a 2000-page stack's chain just to find its
  // OME-XML on page 0 cost more than opening the stack.
  const header = await readTiffHeader(source);
  const { ifd: first } = await readIfdAt(source, header, header.firstIfdOffset, 0);
  if (SEM_VENDOR_TAGS.some((t) => first.entries.has(t))) return 'sem';
  const description = (await readTagText(source, first, TAG.ImageDescription)) ?? '';
  if (isOmeXml(description)) return 'sims-stack';
  const ij = parseImageJDescription(description);
  if (ij && (ij.channels > 1 || ij.slices > 1 || ij.frames > 1 || ij.images > 1)) return 'sims-stack';
  return classifyByPages(source, await readTiffStructure(source));
}

/** A TIFF whose first page says nothing: a stack when it has two or more alike full-resolution pages. */
async function classifyByPages(source: ByteSource, tiff: TiffStructure): Promise<TiffKind> {
  const pages = await fullResolutionPages(source, tiff);
  if (pages.length < 2) return 'sem';
  const info = await readPageInfo(source, tiff, pages[0]);
  if (info.samplesPerPixel !== 1) return 'sem';
  // Checking every page's size would read every IFD's tags again; the last one is the
  // cheap witness that the pages belong together (the stack reader checks each page it reads).
  const lastInfo = await readPageInfo(source, tiff, pages[pages.length - 1]);
  const same = lastInfo.width === info.width && lastInfo.height === info.height && lastInfo.bitsPerSample === info.bitsPerSample;
  return same ? 'sims-stack' : 'sem';
}

/** Pages that are not thumbnails or pyramid levels (NewSubfileType bit 0 clear). */
export async function fullResolutionPages(source: ByteSource, tiff: TiffStructure): Promise<TiffStructure['ifds']> {
  const out: TiffStructure['ifds'] = [];
  for (const ifd of tiff.ifds) {
    const e = ifd.entries.get(TAG.NewSubfileType);
    if (!e) {
      out.push(ifd);
      continue;
    }
    const info = await readPageInfo(source, tiff, ifd).catch(() => null);
    if (!info || !info.reducedResolution) out.push(ifd);
  }
  return out;
}

export function isOmeXml(description: string): boolean {
  return /<OME[\s>]/.test(description.slice(0, 4096)) || /^\s*<\?xml[^>]*>\s*<OME\b/.test(description);
}

export interface ImageJDescription {
  images: number;
  channels: number;
  slices: number;
  frames: number;
  unit?: string;
  /** ImageJ's `finterval`, s, when set. */
  frameIntervalS?: number;
}

/** Parses ImageJ's `ImageJ=…\nimages=…\nchannels=…` description; null when it is not one. */
export function parseImageJDescription(description: string): ImageJDescription | null {
  if (!description.startsWith('ImageJ=')) return null;
  const fields = new Map<string, string>();
  for (const line of description.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const int = (key: string): number => {
    const v = Number(fields.get(key) ?? '1');
    return Number.isInteger(v) && v >= 1 ? v : NaN;
  };
  const finterval = Number(fields.get('finterval'));
  return {
    images: int('images'),
    channels: int('channels'),
    slices: int('slices'),
    frames: int('frames'),
    unit: fields.get('unit'),
    frameIntervalS: Number.isFinite(finterval) && finterval > 0 ? finterval : undefined,
  };
}
