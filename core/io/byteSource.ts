/**
 * Where bytes come from, hidden behind two members so a reader never cares whether a file
 * is in memory, on disk, or behind a browser File object. Large stacks are read slice by slice.
 */
export interface ByteSource {
  /** File name for error messages and format detection. */
  readonly name: string;
  readonly size: number;
  /** Bytes [offset, offset + length), clipped at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * A source that can also read into the caller's buffer (file sources can: see
 * core/node/fileSource.ts). Readers use it to reuse one buffer for many reads, and to read
 * past the block cache (a cached source keeps the raw source's `readInto`).
 */
export interface ReusableReads {
  readInto(offset: number, target: Uint8Array): Promise<number>;
}

/** The source's `readInto`, bound to it, or undefined when it has none. */
export function readIntoOf(source: ByteSource): ReusableReads['readInto'] | undefined {
  const readInto = (source as Partial<ReusableReads>).readInto;
  return readInto ? (offset, target) => readInto.call(source, offset, target) : undefined;
}

export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      return bytes.subarray(offset, Math.min(bytes.byteLength, offset + length));
    },
  };
}

/** Reads the whole source; for formats small enough to parse at once (text profiles, XRD). */
export async function readAll(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, source.size);
}
