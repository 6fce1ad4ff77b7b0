import { unzipSync } from 'fflate';
import { FormatError } from '../../model/errors.js';
import { MAX_ZIP_MEMBER_BYTES } from './common.js';

/** Deflate's best ratio: a 258-byte match costs at least 2 bits, so about 1032 bytes per byte. */
export const MAX_DEFLATE_RATIO = 1032;

/**
 * Members of a zip archive (rasx, brml), by path. A member whose stated size is absurd is refused
 * before it is inflated, so a corrupt or hostile archive cannot exhaust memory.
 */
export function unzipMembers(bytes: Uint8Array, fileName: string, want: (path: string) => boolean): Record<string, Uint8Array> {
  let tooBig: string | null = null;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        if (!want(f.name)) return false;
        if (f.originalSize > MAX_ZIP_MEMBER_BYTES) {
          tooBig = `${f.name} claims ${f.originalSize} bytes`;
          return false;
        }
        // fflate allocates the stated size before inflating: it must be one deflate can reach
        // from the compressed bytes there are. Those lie inside the archive, whatever size the
        // directory states (a corrupt 470 MB let an 862-byte file claim, and get, 5 MB).
        const compressedBytes = Math.min(f.size, bytes.length);
        if (f.compression === 8 && f.originalSize > MAX_DEFLATE_RATIO * compressedBytes + 1024) {
          const archive = f.size > bytes.length ? `, in a ${bytes.length}-byte archive` : '';
          tooBig = `${f.name} claims ${f.originalSize} bytes from ${f.size} compressed${archive} (deflate gives at most ${MAX_DEFLATE_RATIO}:1)`;
          return false;
        }
        return true;
      },
    });
  } catch (err) {
    throw new FormatError(fileName, `not a readable zip archive (${err instanceof Error ? err.message : String(err)})`);
  }
  if (tooBig) throw new FormatError(fileName, `zip member ${tooBig}, refused`);
  return members;
}
