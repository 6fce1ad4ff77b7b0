import { unzipSync } from 'fflate';
import { FormatError } from '../../model/errors.js';
import { MAX_ZIP_MEMBER_BYTES } from './common.js';

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
        return true;
      },
    });
  } catch (err) {
    throw new FormatError(fileName, `not a readable zip archive (${err instanceof Error ? err.message : String(err)})`);
  }
  if (tooBig) throw new FormatError(fileName, `zip member ${tooBig}, refused`);
  return members;
}
