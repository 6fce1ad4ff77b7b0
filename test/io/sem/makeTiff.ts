/**
 * A minimal uncompressed grey TIFF writer for tests: enough to attach hand-made vendor tags
 * (ASCII, undefined/bytes) to a small image and feed it to the reader.
 */
export interface ExtraTag {
  tag: number;
  /** 2 = ASCII (bytes written as given, NUL appended), 1/7 = bytes. */
  type: 1 | 2 | 7;
  bytes: Uint8Array;
}

export function makeGreyTiff(width: number, height: number, pixels: Uint8Array | Uint16Array, extra: ExtraTag[] = []): Uint8Array {
  const bps = pixels instanceof Uint16Array ? 16 : 8;
  const pixelBytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  const entries: { tag: number; type: number; count: number; value?: number; data?: Uint8Array }[] = [
    { tag: 256, type: 4, count: 1, value: width },
    { tag: 257, type: 4, count: 1, value: height },
    { tag: 258, type: 3, count: 1, value: bps },
    { tag: 259, type: 3, count: 1, value: 1 },
    { tag: 262, type: 3, count: 1, value: 1 },
    { tag: 273, type: 4, count: 1, value: 0 }, // patched below
    { tag: 277, type: 3, count: 1, value: 1 },
    { tag: 278, type: 4, count: 1, value: height },
    { tag: 279, type: 4, count: 1, value: pixelBytes.length },
    ...extra.map((e) => {
      const data = e.type === 2 ? concat(e.bytes, new Uint8Array([0])) : e.bytes;
      return { tag: e.tag, type: e.type, count: data.length, data };
    }),
  ].sort((a, b) => a.tag - b.tag);
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  let dataAt = ifdOffset + ifdSize;
  const blobs: { at: number; data: Uint8Array }[] = [];
  for (const e of entries) {
    if (e.data && e.data.length > 4) {
      blobs.push({ at: dataAt, data: e.data });
      e.value = dataAt;
      dataAt += e.data.length + (e.data.length & 1);
    }
  }
  const stripAt = dataAt;
  entries.find((e) => e.tag === 273)!.value = stripAt;
  const out = new Uint8Array(stripAt + pixelBytes.length);
  const dv = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  dv.setUint32(4, ifdOffset, true);
  dv.setUint16(ifdOffset, entries.length, true);
  entries.forEach((e, i) => {
    const at = ifdOffset + 2 + 12 * i;
    dv.setUint16(at, e.tag, true);
    dv.setUint16(at + 2, e.type, true);
    dv.setUint32(at + 4, e.count, true);
    if (e.data && e.data.length <= 4) out.set(e.data, at + 8);
    else if (e.type === 3 && e.count === 1) dv.setUint16(at + 8, e.value!, true);
    else dv.setUint32(at + 8, e.value!, true);
  });
  dv.setUint32(ifdOffset + 2 + entries.length * 12, 0, true);
  for (const b of blobs) out.set(b.data, b.at);
  out.set(pixelBytes, stripAt);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export const latin1Bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
export const utf16leWithBom = (s: string): Uint8Array => {
  const out = new Uint8Array(2 + 2 * s.length);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    out[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = s.charCodeAt(i) >> 8;
  }
  return out;
};

/** Noise image (so no row looks like a data bar) with a deterministic generator. */
export function noiseImage(width: number, height: number, seed = 1): Uint8Array {
  let s = seed >>> 0;
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = 60 + (s >>> 25);
  }
  return out;
}
