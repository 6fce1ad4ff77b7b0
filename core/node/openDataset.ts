import { createReadStream } from 'node:fs';
import { readFile, access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { detectFormat, FORMATS } from '../io/detect.js';
import type { FormatId } from '../io/detect.js';
import type { GreyImage } from '../io/sem/decode.js';
import type { ImzmlOptions } from '../io/sims/imzml.js';
// Static: it reads a TIFF's first page only, and loadStudy imports it anyway.
import { classifyTiff } from '../io/tiff/classify.js';
import type { TiffKind } from '../io/tiff/classify.js';
import type { XyTextOptions } from '../io/xrd/index.js';
import { FormatError } from '../model/errors.js';
import type { Dataset } from '../model/dataset.js';
import { openFileSource } from './fileSource.js';
import type { FileSource } from './fileSource.js';

export type { Dataset };

export interface OpenedDataset<D extends Dataset = Dataset> {
  format: FormatId;
  dataset: D;
  /** An SEM image's rows the reader cropped off (its data bar), where `semDataBar` asked for them. */
  semDataBar?: GreyImage['pixels'] | null;
  /** Releases file handles a streaming dataset keeps open (ion stacks). */
  close(): Promise<void>;
}

const HEAD_BYTES = 8192;

/** Format of a file on disk from its name and first bytes. */
export async function detectFileFormat(path: string): Promise<FormatId> {
  const source = await openFileSource(path);
  try {
    return detectFormat(path, await source.read(0, HEAD_BYTES));
  } finally {
    await source.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The binary part of an imzML (its spectra), beside it: the same name, `.ibd`. */
export function imzmlBinaryPath(path: string): string {
  return path.replace(/\.imzml$/i, '.ibd');
}

/** The sidecar text of an SEM image: same base name with `.txt` (JEOL, Hitachi). */
export async function findSemSidecar(path: string): Promise<string | null> {
  const base = path.replace(/\.[^./\\]+$/, '');
  for (const ext of ['.txt', '.TXT']) if (await exists(base + ext)) return base + ext;
  return null;
}

/** Most bytes each kind of file is read whole at (the rest are read as streams or by part); past it, it is refused. */
export const WHOLE_FILE_LIMITS = { profile: 512 << 20, sem: 1 << 30, sidecar: 1 << 20, xrd: 256 << 20 } as const;
const WHAT_IS_READ: Record<keyof typeof WHOLE_FILE_LIMITS, string> = { profile: 'a depth profile', sem: 'an SEM image', sidecar: 'a metadata sidecar', xrd: 'an XRD pattern' };

/**
 * A file read whole, refused first when it is larger than such a file can be: a 600 MB .ras
 * took 714 MB and failed decoding it as Shift-JIS, one over 2 GiB with Node's "File size …
 * is greater than 2 GiB", neither naming the file.
 */
async function readWhole(path: string, name: string, kind: keyof typeof WHOLE_FILE_LIMITS): Promise<Uint8Array> {
  const limit = WHOLE_FILE_LIMITS[kind];
  const { size } = await stat(path);
  if (size > limit) throw new FormatError(name, `${size} bytes: more than the ${limit >> 20} MiB ${WHAT_IS_READ[kind]} is read up to`);
  return readFile(path);
}

/** The JEOL/Hitachi metadata text beside an SEM image, read whole within its limit; undefined where there is none. */
export async function readSemSidecar(imagePath: string): Promise<{ name: string; bytes: Uint8Array } | undefined> {
  const sidecarPath = await findSemSidecar(imagePath);
  return sidecarPath ? { name: basename(sidecarPath), bytes: await readWhole(sidecarPath, basename(sidecarPath), 'sidecar') } : undefined;
}

/**
 * Opens any supported file as its dataset. `displayName` is what errors and provenance call it
 * (the path relative to the study folder, usually). Ion stacks stay backed by the open file.
 * `tiffKind`: a TIFF's classifyTiff result where the caller already has it (`strata info`
 * classified it to try its SEM fast path), so that its first page is not read and classified
 * again; without it the TIFF is classified here.
 */
export async function openDataset(
  path: string,
  opts: { displayName?: string; imzml?: ImzmlOptions; xrd?: XyTextOptions; tiffKind?: TiffKind; semDataBar?: boolean } = {},
): Promise<OpenedDataset> {
  const name = opts.displayName ?? basename(path);
  const format = await detectFileFormat(path);
  const none = async (): Promise<void> => undefined;
  // Each reader is imported when a file of its format is opened: a command that reads an XRD
  // pattern does not load the TIFF, XML and zip parsers (the CLI's bundle is split, see
  // bin/loadEntry.js). Imported once, they are cached as any module.
  switch (format) {
    case 'iontof-ascii': {
      const { readSurfaceLabProfile } = await import('../io/sims/surfacelab.js');
      return { format, dataset: readSurfaceLabProfile(await readWhole(path, name, 'profile'), name), close: none };
    }
    case 'tiff': {
      const source: FileSource = await openFileSource(path, name);
      try {
        const kind = opts.tiffKind ?? (await classifyTiff(source));
        if (kind === 'sims-stack') {
          const { openTiffStack } = await import('../io/sims/tiffStack.js');
          return { format, dataset: await openTiffStack(source), close: () => source.close() };
        }
      } catch (err) {
        await source.close();
        throw err;
      }
      await source.close();
      const sidecar = await readSemSidecar(path);
      const { readSemImageWithDataBar } = await import('../io/sem/index.js');
      const { image, dataBar } = await readSemImageWithDataBar(await readWhole(path, name, 'sem'), name, sidecar);
      return { format, dataset: image, ...(opts.semDataBar ? { semDataBar: dataBar } : {}), close: none };
    }
    case 'imzml': {
      const ibdPath = imzmlBinaryPath(path);
      if (!(await exists(ibdPath))) throw new FormatError(name, `the binary part ${basename(ibdPath)} is missing beside it`);
      const { openImzml } = await import('../io/sims/imzml.js');
      const ibd = await openFileSource(ibdPath, basename(ibdPath));
      try {
        // The XML is parsed as it is read (it can be hundreds of MB: a few kB per spectrum).
        const xml = createReadStream(path, { flags: 'r', highWaterMark: 1 << 20 });
        return { format, dataset: await openImzml(xml, ibd, name, opts.imzml), close: () => ibd.close() };
      } catch (err) {
        await ibd.close();
        throw err;
      }
    }
    default:
      if (FORMATS[format].kind === 'xrd') {
        const { readXrd } = await import('../io/xrd/index.js');
        return { format, dataset: readXrd(await readWhole(path, name, 'xrd'), name, format, opts.xrd), close: none };
      }
      // An empty file is said to be one: "not a data file Strata reads" sent the user looking at its format.
      if (format === 'unknown' && (await stat(path)).size === 0) throw new FormatError(name, 'empty file (0 bytes)');
      throw new FormatError(name, format === 'unknown' ? 'not a data file Strata reads' : `not a data file Strata reads (${FORMATS[format].description})`);
  }
}
