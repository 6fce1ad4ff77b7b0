/**
 * Little TIFFs of JPEG strips and tiles for the SEM reader's tests: a baseline JPEG writer for
 * images of flat 8 × 8 blocks (grey, quantization 1, DC codes and an end of block, so it holds
 * them exactly), its strips and tiles put in TIFFs by tiffOf (makeTiff.ts).
 */
import { tiffOf, type Tag } from './makeTiff.js';

export const W = 96;
export const H = 72;

/** Flat 8 × 8 blocks, so that a JPEG of DC coefficients alone holds them exactly. */
export function blocky(width = W, height = H): Uint8Array {
  const px = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px[y * width + x] = ((x >> 3) * 37 + (y >> 3) * 91 + 13) & 255;
  return px;
}

// ---- A baseline JPEG writer for flat blocks: grey, quantization 1, DC codes and an end of block ----

export const segment = (marker: number, payload: number[]): number[] => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 255, ...payload];
export const SOI = [0xff, 0xd8];
export const EOI = [0xff, 0xd9];
export const DQT = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
/** The luminance DC table of ITU T.81 annex K. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
/** One AC code, '0', for `symbol` (0: end of block). */
export const dhtAc = (symbol = 0): number[] => segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), symbol]);
export const DHT = [...segment(0xc4, [0x00, ...DC_BITS, ...Array.from({ length: 12 }, (_, i) => i)]), ...dhtAc()];
export const sof = (width: number, height: number, components: number[][] = [[1, 0x11, 0]], marker = 0xc0): number[] =>
  segment(marker, [8, height >> 8, height & 255, width >> 8, width & 255, components.length, ...components.flat()]);
export const sos = (first = 0, last = 63): number[] => segment(0xda, [1, 1, 0x00, first, last, 0]);

/** Entropy-coded data of the `width` × `height` block at (x0, y0) of an image of flat 8 × 8 blocks. */
export function scanData(px: Uint8Array, imageWidth: number, x0: number, y0: number, width: number, height: number): number[] {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  const put = (value: number, length: number): void => {
    for (let i = length - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++bits === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0);
        acc = 0;
        bits = 0;
      }
    }
  };
  const imageHeight = px.length / imageWidth;
  let pred = 0;
  for (let by = 0; by < Math.ceil(height / 8); by++) {
    for (let bx = 0; bx < Math.ceil(width / 8); bx++) {
      // Blocks past the image's edge repeat its last row and column, as encoders pad.
      const v = px[Math.min(imageHeight - 1, y0 + by * 8) * imageWidth + Math.min(imageWidth - 1, x0 + bx * 8)];
      const diff = 8 * (v - 128) - pred;
      pred += diff;
      const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      // Annex K's DC codes: size 0 is '00', 1 to 5 are '010' to '110', then '1110', '11110', …
      if (size === 0) put(0, 2);
      else if (size <= 5) put(size + 1, 3);
      else put((1 << (size - 2)) - 2, size - 2);
      if (size > 0) put(diff > 0 ? diff : diff + (1 << size) - 1, size);
      put(0, 1);
    }
  }
  if (bits > 0) put(0xff, 8 - bits);
  return bytes;
}

/** A grey 8-bit `W` × `H` TIFF of `compression`, in strips of `rows`. */
export function greyTiff(compression: number, strips: Uint8Array[], rows = H, extra: Tag[] = []): Uint8Array {
  return tiffOf(
    [
      { tag: 256, type: 4, values: [W] },
      { tag: 257, type: 4, values: [H] },
      { tag: 258, type: 3, values: [8] },
      { tag: 259, type: 3, values: [compression] },
      { tag: 262, type: 3, values: [1] },
      { tag: 277, type: 3, values: [1] },
      { tag: 278, type: 4, values: [rows] },
      ...extra,
    ],
    strips,
  );
}

export const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
/** A one-strip JPEG image whose strip is SOI, `middle` and EOI. */
export const jpegTiff = (...middle: number[][]): Uint8Array => greyTiff(7, [bytes(SOI, ...middle, EOI)]);

/** A one-strip baseline JPEG TIFF of `px` (`W` × `H`, flat 8 × 8 blocks). */
export const jpegImageTiff = (px: Uint8Array): Uint8Array => jpegTiff(DQT, sof(W, H), DHT, sos(), scanData(px, W, 0, 0, W, H));

/** `px` in JPEG strips of `rows` rows sharing JPEGTables, as libtiff writes them (the last strip shorter). */
export function jpegTablesTiff(px: Uint8Array, rows = 16): Uint8Array {
  const strips = [];
  for (let y = 0; y < H; y += rows) {
    const n = Math.min(rows, H - y);
    strips.push(bytes(SOI, sof(W, n), sos(), scanData(px, W, 0, y, W, n), EOI));
  }
  return greyTiff(7, strips, rows, [{ tag: 347, type: 7, values: bytes(SOI, DQT, DHT, EOI) }]);
}

/** A grey 8-bit `W` × `H` JPEG TIFF of 32 × 32 tiles (row by row). */
export function jpegTilesTiff(tiles: Uint8Array[]): Uint8Array {
  const tags: Tag[] = [
    { tag: 256, type: 4, values: [W] },
    { tag: 257, type: 4, values: [H] },
    { tag: 258, type: 3, values: [8] },
    { tag: 259, type: 3, values: [7] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 322, type: 4, values: [32] },
    { tag: 323, type: 4, values: [32] },
  ];
  return tiffOf(tags, tiles, true);
}
