import { encode } from 'fast-png';

/** Base64 through `btoa`, present in browsers and Node alike, so this runs in both. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode takes a bounded number of arguments
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

/** Each pixel of an RGBA image as a `factor` × `factor` block (nearest neighbour). */
export function blockUpscale(rgba: Uint8Array, width: number, height: number, factor: number): { rgba: Uint8Array; width: number; height: number } {
  if (factor === 1) return { rgba, width, height };
  const w = width * factor;
  const out = new Uint32Array(w * height * factor);
  const source = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);
  for (let y = 0; y < height; y++) {
    const row = out.subarray(y * factor * w, (y * factor + 1) * w);
    for (let x = 0; x < width; x++) row.fill(source[y * width + x], x * factor, (x + 1) * factor);
    for (let r = 1; r < factor; r++) out.copyWithin((y * factor + r) * w, y * factor * w, (y * factor + 1) * w);
  }
  return { rgba: new Uint8Array(out.buffer), width: w, height: height * factor };
}

/** 8-bit grey pixels → a PNG data URI (one channel). */
export function greyToPngDataUri(grey: Uint8Array, width: number, height: number): string {
  const png = encode({ width, height, data: grey, channels: 1, depth: 8 });
  return `data:image/png;base64,${bytesToBase64(png)}`;
}

/** RGBA pixels → a PNG data URI to embed in an SVG <image>. */
export function rgbaToPngDataUri(rgba: Uint8Array, width: number, height: number): string {
  const png = encode({ width, height, data: rgba, channels: 4, depth: 8 });
  return `data:image/png;base64,${bytesToBase64(png)}`;
}
