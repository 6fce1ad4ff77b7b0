import type { DatasetKind } from '../model/study.js';

/** A format Strata can read, and the kind of dataset it yields. */
export interface FormatInfo {
  id: FormatId;
  kind: DatasetKind | 'sidecar' | 'manifest';
  description: string;
}

export type FormatId =
  | 'iontof-ascii'
  | 'tiff'
  | 'imzml'
  | 'rigaku-ras'
  | 'rigaku-rasx'
  | 'rigaku-asc'
  | 'xrdml'
  | 'bruker-brml'
  | 'bruker-raw'
  | 'xy-text'
  | 'sem-sidecar'
  | 'study-manifest'
  | 'strata-project'
  | 'unknown';

export const FORMATS: Record<FormatId, FormatInfo> = {
  'iontof-ascii': { id: 'iontof-ascii', kind: 'sims-profile', description: 'IONTOF SurfaceLab ASCII depth-profile export' },
  tiff: { id: 'tiff', kind: 'unknown', description: 'TIFF (SEM image or ion-image stack, decided from its tags)' },
  imzml: { id: 'imzml', kind: 'sims-stack', description: 'imzML + ibd imaging mass spectrometry' },
  'rigaku-ras': { id: 'rigaku-ras', kind: 'xrd', description: 'Rigaku RAS' },
  'rigaku-rasx': { id: 'rigaku-rasx', kind: 'xrd', description: 'Rigaku SmartLab Studio II RASX (zip)' },
  'rigaku-asc': { id: 'rigaku-asc', kind: 'xrd', description: 'Rigaku ASC export' },
  xrdml: { id: 'xrdml', kind: 'xrd', description: 'PANalytical XRDML' },
  'bruker-brml': { id: 'bruker-brml', kind: 'xrd', description: 'Bruker BRML (zip)' },
  'bruker-raw': { id: 'bruker-raw', kind: 'xrd', description: 'Bruker RAW (binary)' },
  'xy-text': { id: 'xy-text', kind: 'xrd', description: 'two- or three-column text (x y [e])' },
  'sem-sidecar': { id: 'sem-sidecar', kind: 'sidecar', description: 'JEOL / Hitachi SEM metadata text' },
  'study-manifest': { id: 'study-manifest', kind: 'manifest', description: 'Strata study manifest' },
  'strata-project': { id: 'strata-project', kind: 'manifest', description: 'Strata project file' },
  unknown: { id: 'unknown', kind: 'unknown', description: 'not a format Strata reads' },
};

const ascii = (bytes: Uint8Array, n = 4096): string => {
  let s = '';
  const end = Math.min(bytes.length, n);
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
};

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

/**
 * Picks the reader from the file name and its first bytes (a few KiB are enough). Content
 * wins over the extension where they disagree, because instruments write `.txt` for anything.
 */
export function detectFormat(name: string, firstBytes: Uint8Array): FormatId {
  const lower = name.toLowerCase();
  const head = ascii(firstBytes);
  if (lower.endsWith('.strata.json')) return 'strata-project';
  if (lower.endsWith('study.json')) return 'study-manifest';
  if (startsWith(firstBytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(firstBytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(firstBytes, [0x49, 0x49, 0x2b, 0x00]) || startsWith(firstBytes, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  if (lower.endsWith('.imzml')) return 'imzml';
  if (head.startsWith('RAW1.01') || head.startsWith('RAW4.00') || head.startsWith('RAW ')) return 'bruker-raw';
  if (startsWith(firstBytes, [0x50, 0x4b, 0x03, 0x04])) {
    if (lower.endsWith('.brml')) return 'bruker-brml';
    if (lower.endsWith('.rasx')) return 'rigaku-rasx';
    return 'unknown';
  }
  if (head.includes('*RAS_DATA_START') || head.includes('*RAS_HEADER_START')) return 'rigaku-ras';
  if (head.includes('<xrdMeasurements') || lower.endsWith('.xrdml')) return 'xrdml';
  if (/^\uFEFF?\s*\*[A-Z_]+\s*=/m.test(head) && (lower.endsWith('.asc') || head.includes('*START'))) return 'rigaku-asc';
  if (head.startsWith('$CM_') || head.startsWith('$SEM_') || head.includes('\n$CM_') || head.includes('$$SM_')) return 'sem-sidecar';
  if (head.includes('[SemImageFile]') || isUtf16Bom(firstBytes)) return 'sem-sidecar';
  if (/Sputter Time|Intensity \(|Data Point #/.test(head)) return 'iontof-ascii';
  if (/\.(xy|xye|csv|dat|txt)$/.test(lower) && looksNumericColumns(head)) return 'xy-text';
  return 'unknown';
}

function isUtf16Bom(b: Uint8Array): boolean {
  return (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
}

/** True when most non-comment lines of the head are 2–3 numbers. */
function looksNumericColumns(head: string): boolean {
  const lines = head.split(/\r?\n/).slice(0, 60).filter((l) => l.trim() && !/^[#;!%*]/.test(l.trim()));
  if (lines.length < 3) return false;
  const numeric = lines.filter((l) => /^\s*[-+]?[\d.,eE+-]+([\s,;]+[-+]?[\d.,eE+-]+){1,2}\s*[,;]?\s*$/.test(l));
  return numeric.length >= lines.length * 0.6;
}
