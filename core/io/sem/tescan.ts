import { latin1 } from './tiffTags.js';
import { num, parseIni } from './text.js';
import { aspectOf, finiteOrNull, valueCandidate } from './vendor.js';
import type { VendorInfo } from './vendor.js';

export const TESCAN_TAG = 50431;

/**
 * Tescan tag 50431: a sequence of blocks `[u32 size][u16 type][size − 2 bytes]` (little
 * endian). Type 1 is a JPEG 2000 thumbnail, type 2 "MAIN" (`PixelSizeX` in m,
 * `ImageStripSize` = rows of the info strip under the image), type 3 "SEM" (`StageTilt`, °).
 * Blocks of other types are skipped; a size running past the tag ends the walk.
 */
export function tescanBlocks(bytes: Uint8Array): Map<number, string> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<number, string>();
  let at = 0;
  while (at + 6 <= bytes.length) {
    const size = dv.getUint32(at, true);
    const type = dv.getUint16(at + 4, true);
    if (size < 2 || at + 4 + size > bytes.length) break;
    if (type !== 1) out.set(type, latin1(bytes.subarray(at + 6, at + 4 + size)));
    at += 4 + size;
  }
  return out;
}

export function parseTescanMetadata(bytes: Uint8Array, tiffHeight: number): VendorInfo {
  const blocks = tescanBlocks(bytes);
  const main = parseIni(blocks.get(2) ?? '');
  const sem = parseIni(blocks.get(3) ?? '');
  const metadata: Record<string, string> = {};
  for (const [k, v] of main) metadata[`MAIN.${k}`] = v;
  for (const [k, v] of sem) metadata[`SEM.${k}`] = v;
  const pixelM = num(main.get('PixelSizeX'));
  const strip = num(main.get('ImageStripSize'));
  // SEM TiltCorrection: the angle the image was stretched for, 0 when off.
  const correctionDeg = num(sem.get('TiltCorrection'));
  return {
    vendor: 'Tescan',
    instrument: main.get('Device') || undefined,
    candidates: valueCandidate(pixelM !== null ? pixelM * 1e9 : null, 'metadata', `tag ${TESCAN_TAG} MAIN PixelSizeX`),
    tiltDeg: finiteOrNull(num(sem.get('StageTilt'))),
    ...(correctionDeg !== null && correctionDeg !== 0 ? { tiltCorrection: { angleDeg: correctionDeg, detail: `tag ${TESCAN_TAG} SEM TiltCorrection=${correctionDeg}` } } : {}),
    pixelAspect: aspectOf(pixelM, num(main.get('PixelSizeY'))),
    imageRows: strip !== null && strip > 0 && strip < tiffHeight ? tiffHeight - strip : undefined,
    metadata,
  };
}
