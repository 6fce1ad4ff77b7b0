/**
 * Small TIFFs for the SEM reader's tests: tiffOf writes one IFD of given tags and strips or
 * tiles; makeGreyTiff an uncompressed grey image with hand-made vendor tags (ASCII,
 * undefined/bytes) attached.
 */
export interface ExtraTag {
  tag: number;
  /** 2 = ASCII (bytes written as given, NUL appended), 1/7 = bytes. */
  type: 1 | 2 | 7;
  bytes: Uint8Array;
}

/** An IFD entry of tiffOf: 1 BYTE, 2 ASCII (bytes as given), 3 SHORT, 4 LONG, 7 UNDEFINED. */
export interface Tag {
  tag: number;
  type: 1 | 2 | 3 | 4 | 7;
  values: ArrayLike<number>;
}

/**
 * A little-endian TIFF of one IFD: `tags` and the strip (or, `tiled`, tile) offsets and byte
 * counts of `blocks`; after the IFD the values that do not fit in their entry, then the blocks,
 * each at an even offset.
 */
export function tiffOf(tags: Tag[], blocks: Uint8Array[], tiled = false): Uint8Array {
  const offsetsTag = tiled ? 324 : 273;
  const offsets: Tag = { tag: offsetsTag, type: 4, values: blocks.map(() => 0) };
  const counts: Tag = { tag: tiled ? 325 : 279, type: 4, values: blocks.map((b) => b.length) };
  const all = [...tags, offsets, counts].sort((a, b) => a.tag - b.tag);
  const width = (t: Tag): number => (t.type === 3 ? 2 : t.type === 4 ? 4 : 1);
  let end = 8 + 2 + 12 * all.length + 4;
  const place = (length: number): number => {
    const at = end;
    end += length + (length & 1);
    return at;
  };
  const valueAt = all.map((t) => (t.values.length * width(t) > 4 ? place(t.values.length * width(t)) : -1));
  const blockAt = blocks.map((b) => place(b.length));
  const out = new Uint8Array(end);
  const dv = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  dv.setUint16(8, all.length, true);
  all.forEach((t, i) => {
    const e = 10 + 12 * i;
    dv.setUint16(e, t.tag, true);
    dv.setUint16(e + 2, t.type, true);
    dv.setUint32(e + 4, t.values.length, true);
    if (valueAt[i] >= 0) dv.setUint32(e + 8, valueAt[i], true);
    let p = valueAt[i] >= 0 ? valueAt[i] : e + 8;
    for (const v of t.tag === offsetsTag ? blockAt : Array.from(t.values)) {
      if (t.type === 3) dv.setUint16(p, v, true);
      else if (t.type === 4) dv.setUint32(p, v, true);
      else out[p] = v;
      p += width(t);
    }
  });
  blocks.forEach((b, i) => out.set(b, blockAt[i]));
  return out;
}

/** An uncompressed grey image in one strip, with hand-made vendor tags (ASCII gets its NUL). */
export function makeGreyTiff(width: number, height: number, pixels: Uint8Array | Uint16Array, extra: ExtraTag[] = []): Uint8Array {
  const tags: Tag[] = [
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: [pixels instanceof Uint16Array ? 16 : 8] },
    { tag: 259, type: 3, values: [1] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 4, values: [height] },
    ...extra.map((e) => ({ tag: e.tag, type: e.type, values: e.type === 2 ? concat(e.bytes, new Uint8Array([0])) : e.bytes })),
  ];
  return tiffOf(tags, [new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength)]);
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

/** Text as Latin-1 bytes (what the vendors' tags hold). */
export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** A Tescan tag 50431: blocks `[u32 size][u16 type][text]`, little endian (1 thumbnail, 2 MAIN, 3 SEM). */
export function tescanTagOf(blocks: Array<[type: number, text: string]>): Uint8Array {
  const parts = blocks.map(([type, text]) => {
    const body = latin1(text);
    const out = new Uint8Array(6 + body.length);
    new DataView(out.buffer).setUint32(0, body.length + 2, true);
    new DataView(out.buffer).setUint16(4, type, true);
    out.set(body, 6);
    return out;
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
